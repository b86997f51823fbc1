package errsight

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/errsight/errsight-go/internal/crashmonitor"
)

// The crash monitor (Options.CrashMonitor) reports what kills the process:
// an unrecovered panic in any goroutine, a fatal runtime error, a fatal
// signal. Its machinery — the monitor process, the pipe and its protocol —
// is internal/crashmonitor; this file is the glue: Init starts it with the
// client's configuration, this package's init function runs its child side,
// and the child sends what it read as one fatal event (crashevent.go).

// EnvCrashMonitor is the environment variable that marks the crash monitor
// process. The SDK sets it, with a value of its own made for each launch,
// only in the environment of the child it starts; a process that finds it
// without being that child removes it and runs normally.
const EnvCrashMonitor = crashmonitor.EnvMarker

// init turns the process into the crash monitor when the SDK launched it as
// one, before the application's own packages are initialised and long
// before main could call Init: the monitor never runs the application, so
// Init need not literally be the first statement of main (under go test,
// the test binary's tests and TestMain never run in the monitor either).
// The cost for every other program is one os.Getenv at start-up.
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
	crashmonitor.Child(func(in io.Reader) int {
		return runCrashMonitor(in, os.Stderr, os.Getenv(EnvAPIKey))
	})
}

// startCrashMonitor starts a monitor for c, replacing (and stopping) the
// one an earlier Init started. When it cannot start one, it says why in one
// debug line and the program carries on without.
func startCrashMonitor(c *Client) {
	if !crashmonitor.Supported {
		c.log.printf("crash monitor not started: not supported on %s/%s (no child processes); panics caught by Recover and Go are still reported", runtime.GOOS, runtime.GOARCH)
		crashmonitor.Stop()
		return
	}
	header, err := newCrashHeader(c).Encode()
	if err != nil {
		c.log.printf("crash monitor not started: %v", err)
		crashmonitor.Stop()
		return
	}
	if os.Getpid() == 1 {
		// When a PID namespace's init dies, the kernel kills every other
		// process in it at once: a monitor child could never report. This
		// process becomes the init and the monitor instead, and runs the
		// application again as its child; RunInit does not return then.
		crashmonitor.RunInit(crashmonitor.InitConfig{
			Serve: func(in io.Reader) int { return runCrashMonitor(in, os.Stderr, c.opts.APIKey) },
			Logf:  c.log.printf,
		})
		c.log.warn("crash monitor not started: this process is PID 1 (a container's init) and could not start the application as its child; run under an init process (docker run --init, tini) to report crashes")
		crashmonitor.Stop()
		return
	}
	cfg := crashmonitor.Config{
		Header: header,
		Env:    []string{EnvAPIKey + "=" + c.opts.APIKey},
		Logf:   c.log.printf,
		Owner:  c,
	}
	if c.opts.Debug {
		// The monitor's diagnostics go to the application's stderr.
		cfg.Stderr = os.Stderr
	}
	pid, err := crashmonitor.Start(cfg)
	if err != nil {
		c.log.printf("crash monitor not started: %v", err)
		return
	}
	c.log.printf("crash monitor started (pid %d)", pid)
}

// stopCrashMonitor stops the running monitor, for an Init without
// Options.CrashMonitor (or without an API key).
func stopCrashMonitor(c *Client) {
	if c != nil && c.opts.CrashMonitor && !c.enabled {
		c.log.printf("crash monitor not started: the client is disabled (no API key)")
	}
	crashmonitor.Stop()
}

// crashMonitorClientClosed is called by Client.Close: the monitor outlives
// its client (see crashmonitor.Release), only its watcher stops.
func crashMonitorClientClosed(c *Client) { crashmonitor.Release(c) }

// noteReportedPanic tells the monitor that Recover reported the panic the
// calling goroutine is about to re-panic with.
func noteReportedPanic() { crashmonitor.NoteReportedPanic() }

// newCrashHeader takes c's configuration and the global scope as they are
// now.
func newCrashHeader(c *Client) crashmonitor.Header {
	o := c.opts
	s := globalHub.Scope()
	h := crashmonitor.Header{
		Version:                crashmonitor.HeaderVersion,
		PID:                    os.Getpid(),
		Host:                   o.Host,
		Environment:            o.Environment,
		Release:                o.Release,
		ServerName:             o.ServerName,
		Timeout:                o.Timeout,
		ShutdownTimeout:        o.ShutdownTimeout,
		InAppInclude:           o.InAppInclude,
		InAppExclude:           o.InAppExclude,
		Debug:                  o.Debug,
		AllowInsecureTransport: o.AllowInsecureTransport,
		User:                   crashmonitor.User(s.User()),
	}
	tags := s.Tags()
	if len(tags) > 0 {
		h.Tags = make(map[string]string, min(len(tags), maxTags))
		for _, k := range sortedKeys(tags) {
			if len(h.Tags) == maxTags {
				break
			}
			h.Tags[truncate(k, maxTagKeyChars)] = truncate(tags[k], maxTagValueChars)
		}
	}
	return h
}

// runCrashMonitor is the monitor's work: it reads the pipe from the
// application until EOF and reports the crash output it holds, if any. It
// returns the exit status: 0 when there was nothing to report or the report
// was delivered, 1 otherwise.
func runCrashMonitor(in io.Reader, stderr io.Writer, apiKey string) int {
	crash, err := crashmonitor.Read(in)
	h := crash.Header
	log := newDebugLog(stderr, h.Debug, apiKey)
	switch {
	case err != nil:
		log.write(fmt.Sprintf("crash monitor: %v", err))
		return 1
	case crash.Report == nil:
		return 0 // EOF without a crash: the application exited
	case crash.AlreadyReported:
		log.printf("crash monitor: the panic that killed process %d was reported by Recover", h.PID)
		return 0
	}
	msg := firstLine(crash.Report.Message)
	if err := sendCrashReport(h, apiKey, stderr, crash); err != nil {
		log.write(fmt.Sprintf("crash monitor: process %d crashed (%s) and the report was not delivered: %v", h.PID, msg, err))
		return 1
	}
	log.printf("crash monitor: reported the crash of process %d: %s", h.PID, msg)
	return 0
}

// sendCrashReport builds a client from the header and delivers the event,
// within the application's ShutdownTimeout.
func sendCrashReport(h crashmonitor.Header, apiKey string, stderr io.Writer, crash crashmonitor.Crash) error {
	c, err := NewClient(Options{
		APIKey:                 apiKey,
		Host:                   h.Host,
		Environment:            h.Environment,
		Release:                h.Release,
		ServerName:             h.ServerName,
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
	scope.SetUser(User(h.User))
	if len(h.Tags) > 0 {
		scope.SetTags(h.Tags)
	}
	ev := crashEvent(c, crash.Report, crash.Output, h.PID)
	id := NewHub(c, scope).CaptureEvent(ev)
	closeErr := c.Close()
	switch {
	case id == "":
		return errors.New("the event was not queued")
	case closeErr != nil:
		return closeErr
	}
	if c.Stats().Sent == 0 {
		return errors.New("the server did not accept the event")
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return truncate(line, 200)
}
