//go:build linux

package crashmonitor

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests start real monitor processes: the test binary itself, which
// TestMain turns into a monitor. They wait on the monitor's pipes and on
// its exit, never on a clock.

func skipUnlessProcesses(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	// A monitor built with -race (the test binary itself) would otherwise
	// linger a second at exit, as every race-enabled program does.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
}

// syncBuffer collects debug lines written from the watcher goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(&b.b, format+"\n", args...)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testConfig is a monitor configuration with a valid header.
func testConfig(t *testing.T) Config {
	t.Helper()
	header, err := testHeader().Encode()
	require.NoError(t, err)
	return Config{Header: header, Env: []string{"ERRSIGHT_API_KEY=elp_test"}, Owner: t}
}

// startTestMonitor starts a monitor with cfg and stops it when the test
// ends.
func startTestMonitor(t *testing.T, cfg Config) *monitor {
	t.Helper()
	skipUnlessProcesses(t)
	t.Cleanup(Stop)
	pid, err := Start(cfg)
	require.NoError(t, err)
	m := current.Load()
	require.NotNil(t, m)
	require.Equal(t, m.cmd.Process.Pid, pid)
	return m
}

// alive reports whether process pid exists, without waiting (a signal 0
// probe). A reaped process is gone; the tests reap their own.
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestMonitorLifecycle(t *testing.T) {
	log := &syncBuffer{}
	cfg := testConfig(t)
	cfg.Logf = log.logf
	m1 := startTestMonitor(t, cfg)
	assert.Contains(t, m1.cmd.Env, "ERRSIGHT_API_KEY=elp_test")
	assert.Equal(t, []string{m1.cmd.Args[0], ChildArg}, m1.cmd.Args, "the key never travels in the arguments")
	marker := 0
	for _, kv := range m1.cmd.Env {
		if strings.HasPrefix(kv, EnvMarker+"="+roleMonitor) {
			marker++
		}
	}
	assert.Equal(t, 1, marker, "one marker with the monitor role")

	// A second Start replaces the first monitor, which is reaped at once.
	owner2 := new(int)
	cfg2 := testConfig(t)
	cfg2.Owner = owner2
	_, err := Start(cfg2)
	require.NoError(t, err)
	m2 := current.Load()
	require.NotSame(t, m1, m2)
	require.NotNil(t, m1.cmd.ProcessState, "the replaced monitor was not reaped")
	assert.True(t, m1.cmd.ProcessState.Exited())
	assert.Zero(t, m1.cmd.ProcessState.ExitCode())

	// Releasing it (its client is closed) stops its goroutine, not the
	// monitor: a crash after `defer client.Close()` must still be
	// reported.
	Release(t) // not its owner: nothing happens
	assert.True(t, m2.watching)
	Release(owner2)
	assert.False(t, m2.watching, "the watcher still runs after Release")
	assert.True(t, alive(m2.cmd.Process.Pid), "the monitor is gone after Release")
	assert.Nil(t, m2.cmd.ProcessState)

	// Stopping it reaps it.
	Stop()
	assert.Nil(t, current.Load())
	require.NotNil(t, m2.cmd.ProcessState)
	assert.Zero(t, m2.cmd.ProcessState.ExitCode())
	assert.False(t, alive(m2.cmd.Process.Pid))
	assert.Empty(t, log.String(), "a stopped monitor is not an early exit")
}

func TestMonitorDiesEarly(t *testing.T) {
	log := &syncBuffer{}
	cfg := testConfig(t)
	cfg.Logf = log.logf
	m := startTestMonitor(t, cfg)
	require.NoError(t, m.cmd.Process.Kill())
	<-m.watchDone // the watcher sees EOF on the life pipe and reaps the child
	require.NotNil(t, m.cmd.ProcessState, "killed monitor not reaped")
	assert.Contains(t, log.String(), "exited early")
}

// monitorStderr returns a pipe for a monitor's stderr and a function that
// waits for its "monitor ready" line (serveTest writes it once Child has
// checked the launch and set the signals up).
func monitorStderr(t *testing.T) (*os.File, func()) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { r.Close(); w.Close() })
	return w, func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		require.NoError(t, err)
		require.Equal(t, "monitor ready\n", line)
	}
}

func TestMonitorIgnoresSignals(t *testing.T) {
	cfg := testConfig(t)
	stderr, ready := monitorStderr(t)
	cfg.Stderr = stderr
	m := startTestMonitor(t, cfg)
	ready()
	pid := m.cmd.Process.Pid
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		require.NoError(t, syscall.Kill(pid, sig))
	}
	// A monitor that survived them exits with status 0 once it sees EOF.
	Stop()
	st := m.cmd.ProcessState
	require.NotNil(t, st)
	assert.True(t, st.Exited(), "the monitor ended with %v, want exit status 0", st)
	assert.Zero(t, st.ExitCode())
}

// TestMonitorFiles checks that the monitor keeps nothing of the
// application's standard output and error open (a reader of the
// application's output must see EOF when the application exits).
func TestMonitorFiles(t *testing.T) {
	m := startTestMonitor(t, testConfig(t))
	fd := "/proc/" + strconv.Itoa(m.cmd.Process.Pid) + "/fd/"
	for _, n := range []string{"1", "2"} {
		target, err := os.Readlink(fd + n)
		require.NoError(t, err)
		mine, _ := os.Readlink("/proc/self/fd/" + n)
		assert.NotEqual(t, mine, target, "the monitor's fd %s is the application's", n)
	}
	target, _ := os.Readlink(fd + "2")
	assert.Equal(t, os.DevNull, target, "the monitor's stderr without a Stderr")
}

// TestOnlyALaunchMakesAMonitor starts the test binary as others could:
// with the marker in its environment but without the rest of a launch
// (issue: a program that inherited the variable became a monitor and its
// main never ran). Only the launch the SDK makes (argument, secret on the
// pipe) turns it into a monitor; any other process runs its main, without
// the marker.
func TestOnlyALaunchMakesAMonitor(t *testing.T) {
	skipUnlessProcesses(t)
	const secret = "0123456789abcdef0123456789abcdef"
	header, err := testHeader().Encode()
	require.NoError(t, err)
	tests := []struct {
		name   string
		marker string
		arg    string
		stdin  string
		main   bool // the program's main ran
		status int
	}{
		{name: "inherited marker", marker: roleMonitor + secret, arg: fakeAppArg, main: true},
		{name: "marker of an older version", marker: "monitor-process-v1", arg: ChildArg, main: true},
		{name: "marker set by hand", marker: "1", arg: ChildArg, main: true},
		{name: "no secret", marker: roleMonitor, arg: ChildArg, stdin: launchLine + "\n", main: true},
		{name: "wrong secret", marker: roleMonitor + secret, arg: ChildArg, stdin: launchLine + strings.Repeat("f", 32) + "\n" + string(header), main: true},
		{name: "no launch line", marker: roleMonitor + secret, arg: ChildArg, stdin: string(header), main: true},
		{name: "launched: clean exit", marker: roleMonitor + secret, arg: ChildArg, stdin: launchLine + secret + "\n" + string(header)},
		{name: "launched: crash", marker: roleMonitor + secret, arg: ChildArg, stdin: launchLine + secret + "\n" + string(header) + crashSample(t, "panic_goroutine.crash"), status: 3},
		{name: "launched: parent gone before writing", marker: roleMonitor + secret, arg: ChildArg},
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(exe, tt.arg)
			cmd.Env = append(os.Environ(), EnvMarker+"="+tt.marker)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if err != nil {
				require.ErrorAs(t, err, &exit, "want the child's exit status")
			}
			assert.Equal(t, tt.status, cmd.ProcessState.ExitCode(), "stderr: %s", stderr.String())
			if tt.main {
				assert.Equal(t, "main ran; "+EnvMarker+"=\"\"\n", stdout.String(), "main runs, without the marker")
				assert.NotContains(t, stderr.String(), "monitor ready")
			} else {
				assert.Empty(t, stdout.String(), "main ran in a monitor")
			}
		})
	}
}
