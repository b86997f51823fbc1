package errsight

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/errsight/errsight-go/internal/traceback"
)

const (
	// maxCrashOutput bounds what the monitor keeps of a crash output; the
	// rest is read and dropped, so that the dying application never blocks
	// on a full pipe. The crashing goroutine comes first.
	maxCrashOutput = 4 << 20
	// maxReportedGoroutines bounds the goroutine ids Recover reported.
	maxReportedGoroutines = 256
)

// crashMonitorMain is the monitor process's main function; it returns the
// exit status.
func crashMonitorMain() int {
	// The terminal's ^C and ^\, a hang-up, and a supervisor's SIGTERM to
	// the process group are for the application. The monitor stays until
	// the application has exited (and EOF tells it so), so that it can
	// still report a crash during a graceful shutdown.
	signal.Ignore(os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	return runCrashMonitor(os.Stdin, os.Stderr, os.Getenv(EnvAPIKey))
}

// runCrashMonitor reads the pipe from the application until EOF and reports
// the crash output it holds, if any. It returns the exit status: 0 when
// there was nothing to report or the report was delivered, 1 otherwise.
func runCrashMonitor(in io.Reader, stderr io.Writer, apiKey string) int {
	r := bufio.NewReaderSize(in, 64<<10)
	first, err := readLine(r, maxCrashHeaderBytes)
	if len(first) == 0 && err != nil {
		return 0 // the application ended before writing the header
	}
	h, herr := parseCrashHeader(first)
	log := newDebugLog(stderr, h.Debug, apiKey)
	if herr != nil {
		log.write(fmt.Sprintf("crash monitor: %v", herr))
		_, _ = io.Copy(io.Discard, r)
		return 1
	}
	crash, reported := readCrashOutput(r)
	if len(bytes.TrimSpace(crash)) == 0 {
		return 0 // EOF without a crash: the application exited
	}
	report := traceback.Parse(string(crash))
	if alreadyReported(report, reported) {
		log.printf("crash monitor: the panic that killed process %d was reported by Recover", h.PID)
		return 0
	}
	if err := sendCrashReport(h, apiKey, stderr, report, crash); err != nil {
		log.write(fmt.Sprintf("crash monitor: process %d crashed (%s) and the report was not delivered: %v",
			h.PID, firstLine(report.Message), err))
		return 1
	}
	log.printf("crash monitor: reported the crash of process %d: %s", h.PID, firstLine(report.Message))
	return 0
}

// parseCrashHeader reads the header line.
func parseCrashHeader(line []byte) (crashHeader, error) {
	var h crashHeader
	body, ok := bytes.CutPrefix(bytes.TrimSuffix(line, []byte("\n")), []byte(crashHeaderLine))
	if !ok {
		return h, errors.New("the first line from the application is not a header")
	}
	if err := json.Unmarshal(body, &h); err != nil {
		return h, fmt.Errorf("bad header: %w", err)
	}
	if h.Version != crashHeaderVersion {
		return h, fmt.Errorf("header version %d, want %d (a different build?)", h.Version, crashHeaderVersion)
	}
	return h, nil
}

// readCrashOutput reads the control lines that precede a crash, then the
// crash output itself, until EOF. It keeps at most maxCrashOutput bytes of
// the output and drops control lines written into it by other goroutines
// while it was printed.
func readCrashOutput(r *bufio.Reader) (crash []byte, reported []int64) {
	for {
		line, err := readLine(r, maxCrashHeaderBytes)
		if len(line) > 0 {
			id, ok := bytes.CutPrefix(line, []byte(crashReportedLine))
			if !ok {
				if !bytes.HasPrefix(line, []byte(crashControlPrefix)) {
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
		line, err := readLine(r, maxCrashOutput)
		if len(line) > 0 && !bytes.HasPrefix(line, []byte(crashControlPrefix)) && len(crash) < maxCrashOutput {
			crash = append(crash, line[:min(len(line), maxCrashOutput-len(crash))]...)
		}
		if err != nil {
			return crash, reported
		}
	}
}

// readLine returns the next line, newline included, keeping at most max
// bytes of it (the rest of a longer line is read and dropped). The error
// is io.EOF or a read error once the input ends.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if room := max - len(line); room > 0 {
			line = append(line, chunk[:min(len(chunk), room)]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}

// alreadyReported says whether the crash is a panic Recover reported and
// re-panicked with ("panic: X [recovered, repanicked]"), on a goroutine
// that told the monitor so.
func alreadyReported(r *traceback.Report, reported []int64) bool {
	if r.Kind != traceback.KindPanic || r.Crashing < 0 || len(r.Panics) == 0 || !r.Panics[len(r.Panics)-1].Repanicked {
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

// sendCrashReport builds a client from the header and delivers the event,
// within the application's ShutdownTimeout.
func sendCrashReport(h crashHeader, apiKey string, stderr io.Writer, report *traceback.Report, crash []byte) error {
	c, err := NewClient(Options{
		APIKey:                 apiKey,
		Host:                   h.Host,
		Environment:            h.Environment,
		Release:                h.Release,
		Timeout:                h.Timeout,
		ShutdownTimeout:        h.ShutdownTimeout,
		BatchSize:              1,
		InAppInclude:           h.InAppInclude,
		InAppExclude:           h.InAppExclude,
		Debug:                  h.Debug,
		DebugWriter:            stderr,
		AllowInsecureTransport: h.AllowInsecureTransport,
		MinLevel:               LevelDebug,
		SpikeLimit:             -1,
	})
	if err != nil {
		return err
	}
	if !c.Enabled() {
		return errors.New("no API key")
	}
	scope := NewScope()
	scope.SetUser(h.User)
	if len(h.Tags) > 0 {
		scope.SetTags(h.Tags)
	}
	ev := crashEvent(c, report, crash, h.PID)
	id := NewHub(c, scope).CaptureEvent(ev)
	closeErr := c.Close()
	switch {
	case id == "":
		return errors.New("the event was not queued")
	case closeErr != nil:
		return closeErr
	}
	if n := c.queue.Stats().Sent; n == 0 {
		return errors.New("the server did not accept the event")
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return truncate(line, 200)
}
