package crashmonitor

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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

// Config is what the SDK gives Start: everything the parent side needs of
// the client, as values and callbacks.
type Config struct {
	// Header is the encoded header line (Header.Encode).
	Header []byte
	// Env holds "NAME=value" entries set in the child's environment in
	// place of the application's values of the same names: the API key
	// travels there, never in the arguments.
	Env []string
	// Stderr receives the monitor's diagnostics; nil means none (the
	// monitor then keeps nothing of the application's output open, so a
	// reader of that output is never made to wait for the monitor).
	Stderr *os.File
	// Logf writes one debug line; nil means none. It is called from the
	// watcher goroutine too.
	Logf func(format string, args ...any)
	// Owner identifies the client the monitor was started for (Release).
	Owner any
}

func (c *Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// InitConfig is what RunInit needs of the SDK.
type InitConfig struct {
	// Serve reads the application's pipe and reports its crash, if any;
	// its result is ignored.
	Serve func(in io.Reader) int
	// Logf writes one debug line; nil means none.
	Logf func(format string, args ...any)
}

// monitor is the application's side of one monitor process (cmd nil when
// the application runs under the PID-1 init, which is its monitor).
type monitor struct {
	cmd   *exec.Cmd
	pipe  *os.File // the write end of the monitor's pipe; the runtime writes to a dup of it
	life  *os.File // the read end of the child's stdout: EOF once the child has exited
	owner any
	logf  func(format string, args ...any)

	mu        sync.Mutex
	watching  bool          // the watcher goroutine runs
	watchDone chan struct{} // closed when it returns
	exited    bool          // the child has been waited for
	stopping  bool
}

// current holds the running monitor, if any; startMu serialises starting
// and stopping.
var (
	startMu sync.Mutex
	current atomic.Pointer[monitor]
)

// Start starts a monitor, replacing (and stopping) the one an earlier call
// started, and returns the monitor process's pid (1 when the application
// runs under the PID-1 init, see RunInit). When it cannot start one it
// returns why, and the earlier monitor is stopped too.
func Start(cfg Config) (int, error) {
	startMu.Lock()
	defer startMu.Unlock()
	old := current.Load()
	var m *monitor
	var err error
	if f := inheritedPipe(); f != nil {
		m, err = useInit(f, cfg)
	} else {
		m, err = launch(cfg)
	}
	if err != nil {
		stopLocked(old)
		return 0, err
	}
	current.Store(m)
	if old != nil {
		old.stop(false) // SetCrashOutput already points at the new pipe
	}
	if m.cmd == nil {
		return 1, nil
	}
	return m.cmd.Process.Pid, nil
}

// Stop stops the running monitor, if any: the runtime's crash output no
// longer goes to it, and its process exits and is reaped.
func Stop() {
	startMu.Lock()
	defer startMu.Unlock()
	stopLocked(current.Load())
}

func stopLocked(m *monitor) {
	if m == nil {
		return
	}
	current.Store(nil)
	m.stop(true)
}

// Release is called when the client owner is closed. The monitor outlives
// its client on purpose: `defer client.Close()` in main runs while a panic
// unwinds main, before the runtime prints the crash, which must still
// reach the monitor. Only the goroutine that watches the child stops, as
// every goroutine of a client does when it is closed.
func Release(owner any) {
	if m := current.Load(); m != nil && m.owner == owner {
		m.stopWatching()
	}
}

// launch starts the child process, hands it the launch line and the header
// and points the runtime's crash output at it.
func launch(cfg Config) (*monitor, error) {
	if !Supported {
		return nil, fmt.Errorf("not supported on %s/%s (no child processes)", runtime.GOOS, runtime.GOARCH)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find the executable to re-run: %w", err)
	}
	secret, err := newSecret()
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
	cmd := &exec.Cmd{
		Path:   selfPath(exe),
		Args:   []string{exe, ChildArg},
		Env:    childEnv(os.Environ(), append(cfg.Env, EnvMarker+"="+roleMonitor+secret)),
		Stdin:  stdinR,
		Stdout: lifeW,
	}
	if cfg.Stderr != nil {
		cmd.Stderr = cfg.Stderr
	}
	err = cmd.Start()
	stdinR.Close()
	lifeW.Close()
	if err != nil {
		stdinW.Close()
		lifeR.Close()
		return nil, fmt.Errorf("cannot start the monitor process: %w", err)
	}
	m := &monitor{cmd: cmd, pipe: stdinW, life: lifeR, owner: cfg.Owner, logf: cfg.logf}
	// The child reads the pipe first thing; the deadline only guards
	// against one that never does. (It works until SetCrashOutput below
	// makes the pipe blocking.)
	_ = stdinW.SetWriteDeadline(time.Now().Add(2 * time.Second))
	if _, err := stdinW.Write(append([]byte(launchLine+secret+"\n"), cfg.Header...)); err != nil {
		m.stop(false)
		return nil, fmt.Errorf("cannot write to the monitor: %w", err)
	}
	_ = stdinW.SetWriteDeadline(time.Time{})
	if err := debug.SetCrashOutput(stdinW, debug.CrashOptions{}); err != nil {
		m.stop(false)
		return nil, fmt.Errorf("SetCrashOutput: %w", err)
	}
	// The watcher needs a deadline to be stopped by Release; where pipes
	// have none (Windows), there is no watcher, and the child is reaped
	// when the monitor is stopped or replaced.
	if lifeR.SetReadDeadline(time.Time{}) == nil {
		m.watching = true
		m.watchDone = make(chan struct{})
		go m.watch()
	}
	return m, nil
}

// selfPath is the path to start the monitor from: on Linux the running
// binary even if it has been replaced or deleted since (a deploy), as the
// monitor must be the same build.
func selfPath(exe string) string {
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			return "/proc/self/exe"
		}
	}
	return exe
}

// newSecret makes the per-launch secret that proves to the child that this
// package launched it.
func newSecret() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("no randomness for the launch secret: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// childEnv is env with the entries of set in place of any earlier values of
// the same names.
func childEnv(env, set []string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !hasName(set, name) {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}

func hasName(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

// watch waits for the child to exit, reaps it and says so: a monitor that
// dies before the application (killed, out of memory) leaves it
// unmonitored. It returns early when stopWatching interrupts it.
func (m *monitor) watch() {
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
		m.logf("crash monitor (pid %d) exited early (%v): crashes are no longer reported", m.cmd.Process.Pid, state)
	}
}

// wait reaps the child once.
func (m *monitor) wait() *os.ProcessState {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.exited && m.cmd != nil {
		m.exited = true
		_ = m.cmd.Wait()
	}
	if m.cmd == nil {
		return nil
	}
	return m.cmd.ProcessState
}

// stopWatching ends the watcher goroutine, if it runs, and waits for it.
// The child and the crash output stay as they are.
func (m *monitor) stopWatching() {
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
func (m *monitor) stop(resetOutput bool) {
	if resetOutput {
		_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	}
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
	m.stopWatching()
	if m.cmd == nil {
		// The PID-1 init's pipe stays open for a later Start: the init
		// takes the newest header.
		return
	}
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

// NoteReportedPanic tells the monitor that Recover reported the panic the
// calling goroutine is about to re-panic with, so that the monitor does not
// report it a second time when it kills the program.
func NoteReportedPanic() {
	m := current.Load()
	if m == nil {
		return
	}
	id := currentGoroutineID()
	if id == 0 {
		return
	}
	line := ReportedLine + strconv.FormatInt(id, 10) + "\n"
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
