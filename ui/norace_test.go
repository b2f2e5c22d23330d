//go:build !race

package ui

// raceSlowdown scales time bounds: 1 without the race detector.
const raceSlowdown = 1
