//go:build !(js || wasip1)

package crashmonitor

import (
	"os"
	"os/signal"
	"syscall"
)

// Supported is false where a program cannot start processes (js, wasip1):
// there is no monitor there.
const Supported = true

// childSignals are the signals a monitor ignores: they are for the
// application (see Child).
var childSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

func ignoreSignals() { signal.Ignore(childSignals...) }

// restoreSignals undoes ignoreSignals for a process that turned out not to
// be a monitor.
func restoreSignals() { signal.Reset(childSignals...) }
