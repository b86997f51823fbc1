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

// voluntarySwitches is how many times the process's threads have gone to
// sleep so far (every wake-up of a sleeping goroutine's thread ends in one
// more): a count, not a time, so the machine's load does not move it.
func voluntarySwitches() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return ru.Nvcsw, true
}
