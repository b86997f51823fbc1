//go:build !linux

package benchmarks

import "time"

// threadCPU is not measured on this platform: the targets fall back to wall
// time.
func threadCPU() (time.Duration, bool) { return 0, false }

// voluntarySwitches is not counted on this platform.
func voluntarySwitches() (int64, bool) { return 0, false }
