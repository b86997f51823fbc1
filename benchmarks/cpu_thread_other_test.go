//go:build !linux

package benchmarks

import "time"

// threadCPU is not measured on this platform: the targets fall back to wall
// time.
func threadCPU() (time.Duration, bool) { return 0, false }
