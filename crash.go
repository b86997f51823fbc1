package errsight

// maybeRunCrashMonitor and startCrashMonitor are filled in by the crash
// monitor (see crashmonitor.go).
func maybeRunCrashMonitor()       {}
func startCrashMonitor(c *Client) { _ = c }
