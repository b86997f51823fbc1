//go:build linux

package errsight

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests start real monitor processes: the test binary itself, which
// this package's init function turns into a monitor. They look at the
// processes through /proc.

func skipUnlessProcesses(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	if runtime.GOOS != "linux" {
		t.Skip("looks at processes through /proc")
	}
	// A monitor built with -race (the test binary itself) would otherwise
	// linger a second at exit, as every race-enabled program does.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
}

// processEnviron returns the environment of process pid, nil once it is
// gone (or a zombie: a zombie's environ is empty).
func processEnviron(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// processState returns the state letter of process pid ("S", "Z"...), ""
// once it is gone.
func processState(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// pid (comm) STATE ...: comm may hold spaces and parentheses.
	_, rest, ok := bytes.Cut(data, []byte(") "))
	if !ok || len(rest) == 0 {
		return ""
	}
	return string(rest[:1])
}

// isMonitor reports whether process pid carries the monitor's marker and
// key. Right after exec, the kernel may not have set up the new program's
// environment yet: it waits a little for one.
func isMonitor(pid int, key string) bool {
	env := processEnviron(pid)
	for deadline := time.Now().Add(5 * time.Second); env == nil && processState(pid) != "" && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		env = processEnviron(pid)
	}
	var marker, hasKey bool
	for _, kv := range env {
		marker = marker || kv == EnvCrashMonitor+"="+crashMonitorMarker
		hasKey = hasKey || kv == EnvAPIKey+"="+key
	}
	return marker && hasKey
}

// waitGone waits until process pid has exited. An orphan that has exited
// stays a zombie until its new parent (init, or a subreaper) reaps it,
// which some take their time to do: that counts as gone.
func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for st := processState(pid); st != "" && st != "Z"; st = processState(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still there (state %s)", pid, processState(pid))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCrashMonitorLifecycle(t *testing.T) {
	skipUnlessProcesses(t)
	t.Cleanup(func() { stopCrashMonitor(nil) })
	log := &syncBuffer{}
	c1, _ := newTestClient(t, Options{CrashMonitor: true, Debug: true, DebugWriter: log})
	startCrashMonitor(c1)
	m1 := crashMon.Load()
	if m1 == nil {
		t.Fatalf("no monitor started: %s", log)
	}
	pid1 := m1.cmd.Process.Pid
	if !isMonitor(pid1, testKey) {
		t.Fatalf("process %d is not a monitor with the API key: %q", pid1, processEnviron(pid1))
	}
	if args := m1.cmd.Args; len(args) != 2 || strings.Contains(strings.Join(args, " "), testKey) {
		t.Errorf("monitor arguments %q", args)
	}

	// A second Init's monitor replaces the first, which is reaped at once.
	c2, _ := newTestClient(t, Options{CrashMonitor: true})
	startCrashMonitor(c2)
	m2 := crashMon.Load()
	if m2 == nil || m2 == m1 {
		t.Fatal("the monitor was not replaced")
	}
	if st := processState(pid1); st != "" {
		t.Errorf("replaced monitor %d still there (state %s)", pid1, st)
	}

	// Closing the client stops its goroutine, not the monitor: a crash
	// after `defer client.Close()` has run must still be reported.
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	if m2.watching {
		t.Error("the watcher still runs after Close")
	}
	pid2 := m2.cmd.Process.Pid
	if !isMonitor(pid2, testKey) {
		t.Errorf("monitor %d gone after Close", pid2)
	}

	// Stopping it (an Init without CrashMonitor) reaps it.
	stopCrashMonitor(nil)
	if crashMon.Load() != nil {
		t.Error("monitor still registered")
	}
	if st := processState(pid2); st != "" {
		t.Errorf("stopped monitor %d still there (state %s)", pid2, st)
	}
}

func TestCrashMonitorDiesEarly(t *testing.T) {
	log := &syncBuffer{}
	m := startTestMonitor(t, Options{Debug: true, DebugWriter: log})
	pid := m.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.watchDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not notice")
	}
	if st := processState(pid); st != "" {
		t.Errorf("killed monitor not reaped (state %s)", st)
	}
	if !strings.Contains(log.String(), "exited early") {
		t.Errorf("debug log: %s", log)
	}
}

func TestCrashMonitorIgnoresSignals(t *testing.T) {
	m := startTestMonitor(t, Options{})
	pid := m.cmd.Process.Pid
	// Give the child time to get past its init function (where it
	// installs its signal dispositions): it reads its header first.
	const want = 1<<(syscall.SIGHUP-1) | 1<<(syscall.SIGINT-1) | 1<<(syscall.SIGQUIT-1) | 1<<(syscall.SIGTERM-1)
	deadline := time.Now().Add(10 * time.Second)
	for ignoredSignals(pid)&want != want {
		if time.Now().After(deadline) {
			t.Fatalf("the monitor does not ignore SIGHUP, SIGINT, SIGQUIT, SIGTERM:\n%s", readFile("/proc/"+strconv.Itoa(pid)+"/status"))
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
	}
	// A monitor that survived them exits with status 0 once it sees EOF.
	stopCrashMonitor(nil)
	if st := m.cmd.ProcessState; st == nil || !st.Exited() || st.ExitCode() != 0 {
		t.Errorf("the monitor ended with %v, want exit status 0", st)
	}
}

func readFile(name string) string {
	data, _ := os.ReadFile(name)
	return string(data)
}

// ignoredSignals reads the SigIgn mask of process pid.
func ignoredSignals(pid int) uint64 {
	for _, line := range strings.Split(readFile("/proc/"+strconv.Itoa(pid)+"/status"), "\n") {
		if v, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return n
		}
	}
	return 0
}

// TestInitCrashMonitor checks Init's part: a monitor per Init with
// CrashMonitor, none after an Init without it or without an API key.
func TestInitCrashMonitor(t *testing.T) {
	skipUnlessProcesses(t)
	old := globalHub.Client()
	t.Cleanup(func() {
		stopCrashMonitor(nil)
		if c := globalHub.Client(); c != old {
			_ = c.Close()
		}
		globalHub.BindClient(old)
	})
	rec := &recorder{}
	if _, err := Init(Options{APIKey: testKey, Transport: rec, CrashMonitor: true}); err != nil {
		t.Fatal(err)
	}
	m := crashMon.Load()
	if m == nil {
		t.Fatal("Init started no monitor")
	}
	if _, err := Init(Options{APIKey: testKey, Transport: rec}); err != nil {
		t.Fatal(err)
	}
	if crashMon.Load() != nil || processState(m.cmd.Process.Pid) != "" {
		t.Error("an Init without CrashMonitor left the monitor running")
	}
	t.Setenv(EnvAPIKey, "")
	log := &syncBuffer{}
	if _, err := Init(Options{CrashMonitor: true, Debug: true, DebugWriter: log}); err != nil {
		t.Fatal(err)
	}
	if crashMon.Load() != nil || !strings.Contains(log.String(), "crash monitor not started: the client is disabled") {
		t.Errorf("disabled client: monitor %v, log %q", crashMon.Load(), log)
	}
}

// syncBuffer is a bytes.Buffer safe for the debug log's writes from the
// monitor's watcher goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startTestMonitor starts a crash monitor for a test client with opts (and
// CrashMonitor) and stops it when the test ends.
func startTestMonitor(t *testing.T, opts Options) *crashMonitor {
	t.Helper()
	skipUnlessProcesses(t)
	t.Cleanup(func() { stopCrashMonitor(nil) })
	opts.CrashMonitor = true
	c, _ := newTestClient(t, opts)
	startCrashMonitor(c)
	m := crashMon.Load()
	if m == nil {
		t.Fatalf("no monitor started (debug output, if any: %v)", opts.DebugWriter)
	}
	return m
}
