//go:build js || wasip1

package crashmonitor

// supported is false where a program cannot start processes: there is no
// monitor, and Start says so.
const supported = false

func ignoreSignals()  {}
func restoreSignals() {}
