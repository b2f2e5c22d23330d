//go:build race

package uitest

// RaceSlowdown scales time bounds: the race detector makes the code it
// watches several times slower.
const RaceSlowdown = 4
