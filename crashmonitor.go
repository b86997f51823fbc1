package errsight

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The pipe protocol between the application and its crash monitor. Control
// lines come first, each starting with crashControlPrefix; the first line
// that does not is the start of the runtime's crash output, and the child
// accepts no control line after it (a panic value could hold one).
const (
	crashControlPrefix = "errsight-crash-monitor:"
	// crashHeaderLine is followed by the header's JSON; it is the first line.
	crashHeaderLine = crashControlPrefix + "header "
	// crashReportedLine is followed by a goroutine id: Recover reported
	// the panic this goroutine is about to die of (see noteReportedPanic).
	crashReportedLine = crashControlPrefix + "reported "
	// crashHeaderVersion is the header's format.
	crashHeaderVersion = 1
	// maxCrashHeaderBytes bounds the header line.
	maxCrashHeaderBytes = 32 << 10
)

// crashHeader is what the monitor needs to know of the application: the
// client's configuration (but the API key, which travels in the child's
// environment) and the static context of every crash report.
type crashHeader struct {
	Version                int               `json:"v"`
	PID                    int               `json:"pid"`
	Host                   string            `json:"host"`
	Environment            string            `json:"environment,omitempty"`
	Release                string            `json:"release,omitempty"`
	Timeout                time.Duration     `json:"timeout"`
	ShutdownTimeout        time.Duration     `json:"shutdown_timeout"`
	InAppInclude           []string          `json:"in_app_include,omitempty"`
	InAppExclude           []string          `json:"in_app_exclude,omitempty"`
	Debug                  bool              `json:"debug,omitempty"`
	AllowInsecureTransport bool              `json:"allow_insecure_transport,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	User                   User              `json:"user,omitzero"`
}

// newCrashHeader takes c's configuration and the global scope as they are
// now.
func newCrashHeader(c *Client) crashHeader {
	o := c.opts
	s := globalHub.Scope()
	h := crashHeader{
		Version:                crashHeaderVersion,
		PID:                    os.Getpid(),
		Host:                   o.Host,
		Environment:            o.Environment,
		Release:                o.Release,
		Timeout:                o.Timeout,
		ShutdownTimeout:        o.ShutdownTimeout,
		InAppInclude:           o.InAppInclude,
		InAppExclude:           o.InAppExclude,
		Debug:                  o.Debug,
		AllowInsecureTransport: o.AllowInsecureTransport,
		User:                   s.User(),
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

// encode renders the header line, dropping the scope's context if the line
// would be too long (thousands of in-app prefixes).
func (h crashHeader) encode() ([]byte, error) {
	for range 2 {
		b, err := json.Marshal(h)
		if err != nil {
			return nil, err
		}
		if len(b)+len(crashHeaderLine)+1 <= maxCrashHeaderBytes {
			return append(append([]byte(crashHeaderLine), b...), '\n'), nil
		}
		h.Tags, h.User = nil, User{}
		h.InAppInclude, h.InAppExclude = nil, nil
	}
	return nil, errors.New("header too large")
}

// crashMonitor is the application's side of one monitor process.
type crashMonitor struct {
	cmd   *exec.Cmd
	pipe  *os.File // write end of the child's stdin; the runtime writes to a dup of it
	life  *os.File // read end of the child's stdout: EOF once the child has exited
	owner *Client
	log   *debugLog

	mu        sync.Mutex
	watching  bool          // the watcher goroutine runs
	watchDone chan struct{} // closed when it returns
	exited    bool          // the child has been waited for
	stopping  bool
}

// crashMon holds the running monitor, if any; crashMonMu serialises
// starting and stopping.
var (
	crashMonMu sync.Mutex
	crashMon   atomic.Pointer[crashMonitor]
)

// startCrashMonitor starts a monitor for c, replacing (and stopping) the
// one an earlier Init started. When it cannot start one, it says why in one
// debug line and the program carries on without.
func startCrashMonitor(c *Client) {
	crashMonMu.Lock()
	defer crashMonMu.Unlock()
	old := crashMon.Load()
	if os.Getpid() == 1 {
		// When a PID namespace's init dies, the kernel kills every other
		// process in it at once: the monitor could never report.
		c.log.warn("crash monitor not started: this process is PID 1 (a container's init), and the kernel kills the monitor together with it; run under an init process (docker run --init, tini) to report crashes")
		stopCrashMonitorLocked(old)
		return
	}
	m, err := launchCrashMonitor(c)
	if err != nil {
		c.log.printf("crash monitor not started: %v", err)
		stopCrashMonitorLocked(old)
		return
	}
	crashMon.Store(m)
	if old != nil {
		old.stop(false) // SetCrashOutput already points at the new pipe
	}
	c.log.printf("crash monitor started (pid %d)", m.cmd.Process.Pid)
}

// stopCrashMonitor stops the running monitor, for an Init without
// Options.CrashMonitor (or without an API key).
func stopCrashMonitor(c *Client) {
	if c != nil && c.opts.CrashMonitor && !c.enabled {
		c.log.printf("crash monitor not started: the client is disabled (no API key)")
	}
	crashMonMu.Lock()
	defer crashMonMu.Unlock()
	stopCrashMonitorLocked(crashMon.Load())
}

func stopCrashMonitorLocked(m *crashMonitor) {
	if m == nil {
		return
	}
	crashMon.Store(nil)
	m.stop(true)
}

// crashMonitorClientClosed is called by Client.Close. The monitor outlives
// its client on purpose: `defer client.Close()` in main runs while a panic
// unwinds main, before the runtime prints the crash, which must still
// reach the monitor. Only the goroutine that watches the child stops, as
// every goroutine of a client does when it is closed.
func crashMonitorClientClosed(c *Client) {
	if m := crashMon.Load(); m != nil && m.owner == c {
		m.stopWatching()
	}
}

// launchCrashMonitor starts the child process, hands it the header and
// points the runtime's crash output at it.
func launchCrashMonitor(c *Client) (*crashMonitor, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find the executable to re-run: %w", err)
	}
	header, err := newCrashHeader(c).encode()
	if err != nil {
		return nil, err
	}
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	lifeR, lifeW, err := os.Pipe()
	if err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, err
	}
	path := exe
	if runtime.GOOS == "linux" {
		// The running binary even if it has been replaced or deleted
		// since (a deploy): the monitor must be the same build.
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			path = "/proc/self/exe"
		}
	}
	cmd := &exec.Cmd{
		Path:   path,
		Args:   []string{exe, "errsight-crash-monitor"}, // the argument is for ps(1)
		Env:    crashMonitorEnv(os.Environ(), c.opts.APIKey),
		Stdin:  stdinR,
		Stdout: lifeW,
	}
	if c.opts.Debug {
		// The monitor's diagnostics go to the application's stderr. Without
		// Debug it keeps nothing of the parent's open: a reader of the
		// parent's output must not wait for the monitor.
		cmd.Stderr = os.Stderr
	}
	err = cmd.Start()
	stdinR.Close()
	lifeW.Close()
	if err != nil {
		stdinW.Close()
		lifeR.Close()
		return nil, fmt.Errorf("cannot start the monitor process: %w", err)
	}
	m := &crashMonitor{cmd: cmd, pipe: stdinW, life: lifeR, owner: c, log: c.log}
	// The child reads its header first thing; the deadline only guards
	// against one that never does. (It works until SetCrashOutput below
	// makes the pipe blocking.)
	_ = stdinW.SetWriteDeadline(time.Now().Add(2 * time.Second))
	if _, err := stdinW.Write(header); err != nil {
		m.stop(false)
		return nil, fmt.Errorf("cannot write to the monitor: %w", err)
	}
	_ = stdinW.SetWriteDeadline(time.Time{})
	if err := debug.SetCrashOutput(stdinW, debug.CrashOptions{}); err != nil {
		m.stop(false)
		return nil, fmt.Errorf("SetCrashOutput: %w", err)
	}
	// The watcher needs a deadline to be stopped by Close; where pipes
	// have none (Windows), there is no watcher, and the child is reaped
	// when the monitor is stopped or replaced.
	if lifeR.SetReadDeadline(time.Time{}) == nil {
		m.watching = true
		m.watchDone = make(chan struct{})
		go m.watch()
	}
	return m, nil
}

// crashMonitorEnv is the monitor's environment: the application's, with
// the marker and the API key set (and any earlier values of either removed).
func crashMonitorEnv(env []string, apiKey string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if strings.HasPrefix(kv, EnvCrashMonitor+"=") || strings.HasPrefix(kv, EnvAPIKey+"=") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, EnvCrashMonitor+"="+crashMonitorMarker, EnvAPIKey+"="+apiKey)
}

// watch waits for the child to exit, reaps it and says so: a monitor that
// dies before the application (killed, out of memory) leaves it
// unmonitored. It returns early when stopWatching interrupts it.
func (m *crashMonitor) watch() {
	defer close(m.watchDone)
	var buf [64]byte
	for {
		_, err := m.life.Read(buf[:]) // the child never writes: this waits for EOF
		if err == nil {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return // stopWatching
		}
		break
	}
	state := m.wait()
	m.mu.Lock()
	stopping := m.stopping
	m.mu.Unlock()
	if !stopping {
		m.log.printf("crash monitor (pid %d) exited early (%v): crashes are no longer reported", m.cmd.Process.Pid, state)
	}
}

// wait reaps the child once.
func (m *crashMonitor) wait() *os.ProcessState {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.exited {
		m.exited = true
		_ = m.cmd.Wait()
	}
	return m.cmd.ProcessState
}

// stopWatching ends the watcher goroutine, if it runs, and waits for it.
// The child and the crash output stay as they are.
func (m *crashMonitor) stopWatching() {
	m.mu.Lock()
	watching := m.watching
	m.watching = false
	m.mu.Unlock()
	if !watching {
		return
	}
	_ = m.life.SetReadDeadline(time.Now())
	<-m.watchDone
	_ = m.life.SetReadDeadline(time.Time{})
}

// stop ends the monitor: the crash output no longer goes to it (unless
// resetOutput is false because it already points elsewhere), the child
// sees EOF and exits, and it is reaped. A child that does not exit within
// a second is killed.
func (m *crashMonitor) stop(resetOutput bool) {
	if resetOutput {
		_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	}
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
	m.stopWatching()
	_ = m.pipe.Close()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		m.wait()
	}()
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	select {
	case <-exited:
	case <-timer.C:
		_ = m.cmd.Process.Kill()
		<-exited
	}
	_ = m.life.Close()
}

// noteReportedPanic tells the monitor that Recover reported the panic the
// calling goroutine is about to re-panic with, so that the monitor does not
// report it a second time when it kills the program.
func noteReportedPanic() {
	m := crashMon.Load()
	if m == nil {
		return
	}
	id := currentGoroutineID()
	if id == 0 {
		return
	}
	line := crashReportedLine + strconv.FormatInt(id, 10) + "\n"
	_, _ = m.pipe.WriteString(line) // one write, shorter than PIPE_BUF: atomic
}

// currentGoroutineID reads the calling goroutine's id from the first line
// of its stack trace ("goroutine 18 [running]:"); 0 if it cannot.
func currentGoroutineID() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	s, ok := strings.CutPrefix(string(buf[:n]), "goroutine ")
	if !ok {
		return 0
	}
	s, _, _ = strings.Cut(s, " ")
	id, _ := strconv.ParseInt(s, 10, 64)
	return id
}
