//go:build race

package ui

// raceSlowdown scales time bounds: the race detector makes the code it
// watches several times slower.
const raceSlowdown = 4
