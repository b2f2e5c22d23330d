//go:build !linux

package main

import "time"

// threadCPU and processCPU are only measured on Linux.
func threadCPU() (time.Duration, bool)  { return 0, false }
func processCPU() (time.Duration, bool) { return 0, false }
