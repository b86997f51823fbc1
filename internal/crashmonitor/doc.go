// Package crashmonitor reports what kills a Go program: an unrecovered
// panic in any goroutine, a fatal runtime error ("concurrent map writes", a
// deadlock, a stack overflow), a fatal signal. Go has no hook that runs
// then, so the monitor follows the pattern of the Go team's own
// (golang.org/x/telemetry's crashmonitor, and the runtime/debug
// SetCrashOutput example): two entry points and a pipe.
//
//   - The parent side ([Start], parent.go) runs in the application. It
//     starts the program's own executable again as a child process, marked
//     by the environment variable [EnvMarker] and the argument [ChildArg],
//     with a pipe on its standard input; it writes the launch line (a
//     secret made for this launch) and the header (the SDK's configuration)
//     on the pipe, points runtime/debug.SetCrashOutput at it and returns.
//   - The child side ([Child], child.go) runs in the monitor process, from
//     the errsight package's init function, before any code of the
//     application's own packages: it checks that the SDK launched it (the
//     secret on the pipe matches the one in its environment), then reads
//     the pipe until EOF and never returns. EOF alone means the parent
//     ended without crashing; a crash output is parsed (internal/traceback)
//     and handed to the SDK, which sends it as one fatal event.
//   - The protocol (protocol.go) is line based: control lines, each
//     starting with a fixed prefix, then the runtime's crash output.
//
// On Linux, a program that is PID 1 (a container's init) cannot have a
// monitor child: when PID 1 dies, the kernel kills every other process of
// its namespace at once. There the roles swap ([RunInit], init_linux.go):
// PID 1 stays a minimal init and the monitor, and the application runs as
// its child.
//
// This package knows nothing of the errsight client: the SDK hands it an
// encoded header and callbacks (a debug logger, the report to send).
package crashmonitor
