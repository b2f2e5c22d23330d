//go:build !race

package uitest

// RaceSlowdown scales time bounds: 1 without the race detector.
const RaceSlowdown = 1
