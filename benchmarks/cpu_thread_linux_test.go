//go:build linux

package benchmarks

import (
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD, which package syscall does not name.
const rusageThread = 1

// threadCPU is the user and system CPU time of the calling OS thread so far:
// with the goroutine locked to its thread, what the capturing goroutine
// alone costs, whatever the worker and other processes do on other cores.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
