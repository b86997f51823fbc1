package crashmonitor

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/errsight/errsight-go/internal/traceback"
)

// EnvMarker is the environment variable that marks a process the SDK
// started: a crash monitor, or (under the PID-1 init) the application. Its
// value holds a role and a secret made for that one launch. A process that
// finds it in its environment removes it, so that it is never inherited
// further, and acts on it only when the rest of the launch matches too.
const EnvMarker = "ERRSIGHT_CRASH_MONITOR"

// ChildArg is the monitor process's only argument: it names the process in
// ps(1), and a process started without it is never a monitor.
const ChildArg = "errsight-crash-monitor"

// Roles, the first part of EnvMarker's value.
const (
	roleMonitor = "monitor-v2:"
	roleApp     = "app-v2:"
)

// Child turns the process into the crash monitor when the SDK launched it
// as one, and never returns then: serve reads the pipe (what follows the
// launch line) and its result is the exit status. Otherwise Child returns
// at once. The errsight package calls it from its init function, before
// the application's own packages are initialised.
//
// The SDK launched this process as a monitor when EnvMarker holds the
// monitor role, the only argument is ChildArg, and the first line on
// standard input carries the same secret as EnvMarker. A process that has
// the marker without the rest (the variable was inherited, or set by hand)
// runs normally, without the marker. Only one that has the marker and the
// argument reads its standard input to check the secret.
func Child(serve func(in io.Reader) int) {
	value, ok := os.LookupEnv(EnvMarker)
	if !ok {
		return
	}
	_ = os.Unsetenv(EnvMarker)
	if secret, ok := strings.CutPrefix(value, roleApp); ok {
		adoptInit(secret)
		return
	}
	secret, ok := strings.CutPrefix(value, roleMonitor)
	if !ok || secret == "" || len(os.Args) != 2 || os.Args[1] != ChildArg {
		return
	}
	// The terminal's ^C and ^\, a hang-up, and a supervisor's SIGTERM to
	// the process group are for the application. The monitor stays until
	// the application has exited (and EOF tells it so), so that it can
	// still report a crash during a graceful shutdown.
	ignoreSignals()
	r := bufio.NewReaderSize(os.Stdin, 64<<10)
	line, err := readLine(r, MaxHeaderBytes)
	if len(line) == 0 && err != nil {
		os.Exit(0) // the application ended before it wrote anything
	}
	got, ok := bytes.CutPrefix(bytes.TrimSuffix(line, []byte("\n")), []byte(launchLine))
	if !ok || subtle.ConstantTimeCompare(got, []byte(secret)) != 1 {
		restoreSignals()
		return
	}
	os.Exit(serve(r))
}

// Crash is what the application wrote on the pipe.
type Crash struct {
	// Header is the application's header.
	Header Header
	// Output is the runtime's crash output, at most MaxOutput bytes,
	// without control lines; empty when the application exited without
	// crashing.
	Output []byte
	// Report is Output parsed; nil when Output is empty.
	Report *traceback.Report
	// AlreadyReported is true when the crash is a panic Recover reported
	// and re-panicked with, on a goroutine that told the monitor so.
	AlreadyReported bool
}

// Read reads the pipe after the launch line until EOF: the header, then
// the control lines that precede a crash, then the crash output itself. A
// pipe that ends before the header holds no crash (the application ended
// first). Read drains the pipe whatever it finds, so that the application
// never blocks on it.
func Read(in io.Reader) (Crash, error) {
	r := bufio.NewReaderSize(in, 64<<10)
	first, err := readLine(r, MaxHeaderBytes)
	if len(first) == 0 && err != nil {
		return Crash{}, nil
	}
	h, err := ParseHeader(first)
	if err != nil {
		_, _ = io.Copy(io.Discard, r)
		return Crash{Header: h}, err
	}
	c := Crash{Header: h}
	var reported []int64
	c.Output, reported = readOutput(r, &c.Header)
	if len(bytes.TrimSpace(c.Output)) == 0 {
		c.Output = nil
		return c, nil
	}
	c.Report = traceback.Parse(string(c.Output))
	c.AlreadyReported = alreadyReported(c.Report, reported)
	return c, nil
}

// readOutput reads the control lines that precede a crash, then the crash
// output itself, until EOF. It keeps at most MaxOutput bytes of the output
// and drops control lines written into it by other goroutines while it was
// printed. A later header line (a later Init's, under the PID-1 init)
// replaces h.
func readOutput(r *bufio.Reader, h *Header) (crash []byte, reported []int64) {
	for {
		line, err := readLine(r, MaxHeaderBytes)
		if len(line) > 0 {
			if nh, err := ParseHeader(line); err == nil {
				*h = nh // a later Init's (under the PID-1 init)
				continue
			}
			id, ok := bytes.CutPrefix(line, []byte(ReportedLine))
			if !ok {
				if !bytes.HasPrefix(line, []byte(ControlPrefix)) {
					crash = append(crash, line...)
					break // the runtime's output starts here
				}
				continue // a control line of a later version
			}
			if n, err := strconv.ParseInt(string(bytes.TrimSpace(id)), 10, 64); err == nil {
				if len(reported) == maxReportedGoroutines {
					reported = append(reported[:0], reported[1:]...)
				}
				reported = append(reported, n)
			}
		}
		if err != nil {
			return crash, reported
		}
	}
	for {
		line, err := readLine(r, MaxOutput)
		if len(line) > 0 && !bytes.HasPrefix(line, []byte(ControlPrefix)) && len(crash) < MaxOutput {
			crash = append(crash, line[:min(len(line), MaxOutput-len(crash))]...)
		}
		if err != nil {
			return crash, reported
		}
	}
}

// repanicked says whether the last panic re-panicked with a value it
// recovered: Go 1.25 prints "panic: X [recovered, repanicked]"; Go 1.24
// prints the recovered panic and then the new one with the same value
// ("panic: X [recovered]", then "\tpanic: X").
func repanicked(panics []traceback.Panic) bool {
	n := len(panics)
	switch {
	case n == 0:
		return false
	case panics[n-1].Repanicked:
		return true
	}
	return n >= 2 && panics[n-2].Recovered && !panics[n-1].Recovered && panics[n-2].Value == panics[n-1].Value
}

// alreadyReported says whether the crash is a panic Recover reported and
// re-panicked with ("panic: X [recovered, repanicked]"), on a goroutine
// that told the monitor so.
func alreadyReported(r *traceback.Report, reported []int64) bool {
	if r.Kind != traceback.KindPanic || r.Crashing < 0 || !repanicked(r.Panics) {
		return false
	}
	id := r.Goroutines[r.Crashing].ID
	for _, g := range reported {
		if g == id {
			return true
		}
	}
	return false
}
