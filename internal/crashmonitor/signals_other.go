//go:build js || wasip1

package crashmonitor

// Supported is false where a program cannot start processes: there is no
// monitor, and Start says so.
const Supported = false

func ignoreSignals()  {}
func restoreSignals() {}
