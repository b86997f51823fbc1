package errsight

import (
	"os"
)

// The crash monitor (Options.CrashMonitor) reports what kills the process:
// an unrecovered panic in any goroutine, a fatal runtime error ("concurrent
// map writes", a deadlock, a stack overflow), a fatal signal. Go has no hook
// that runs then, so the monitor follows the pattern of the Go team's own
// (golang.org/x/telemetry's crashmonitor, and the runtime/debug
// SetCrashOutput example):
//
//   - Init starts the program's own executable again as a child process,
//     marked by the environment variable ERRSIGHT_CRASH_MONITOR, with a pipe
//     on its standard input (crashmonitor.go);
//   - the parent writes one header line on the pipe (the client's
//     configuration and the global scope's user and tags), points
//     runtime/debug.SetCrashOutput at the pipe and carries on;
//   - the child recognises the marker in this package's init function,
//     before any code of the application's own packages runs, and never
//     returns from it: it reads the pipe until EOF. EOF alone means the
//     parent ended without crashing, and the child exits quietly; a crash
//     output is parsed (internal/traceback) and sent as one fatal event,
//     bounded by ShutdownTimeout, before the child exits
//     (crashchild.go, crashevent.go).
//
// The API key reaches the child through its environment, never its
// arguments.

// EnvCrashMonitor is the environment variable that marks the crash monitor
// process. The SDK sets it, with a value of its own, only in the
// environment of the child it starts; any other value is ignored.
const EnvCrashMonitor = "ERRSIGHT_CRASH_MONITOR"

// crashMonitorMarker is EnvCrashMonitor's value in a monitor process. It is
// not "1" or "true", so that someone who exports the variable thinking it
// switches the monitor on does not turn the application into a monitor.
const crashMonitorMarker = "monitor-process-v1"

// init turns the process into the crash monitor when it is one, before the
// application's own packages are initialised and long before main could call
// Init: the monitor never runs the application, so Init need not literally
// be the first statement of main (under go test, the test binary's tests and
// TestMain never run in the monitor either). The cost for every other
// program is one os.Getenv at start-up.
//
// The init functions of packages that errsight does not depend on, and that
// sort before it, may still run in the monitor, as with x/telemetry: keep
// init functions free of side effects.
func init() {
	maybeRunCrashMonitor()
}

// maybeRunCrashMonitor runs the crash monitor and exits when this process is
// one; otherwise it returns at once. Init calls it too, as a second line of
// defence.
func maybeRunCrashMonitor() {
	if os.Getenv(EnvCrashMonitor) != crashMonitorMarker {
		return
	}
	os.Exit(crashMonitorMain())
}
