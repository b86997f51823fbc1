//go:build linux

package errsight

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsighttest"
)

// crashyRun is what one run of the crash test program did.
type crashyRun struct {
	exit       int    // exit status
	stderr     string // the program's standard error
	initMicros int    // how long Init took, from its "ready" line; -1 without one
	monitor    int    // the monitor's pid from Init's debug line, 0 for none
}

// buildCrashy builds internal/crashtest/cmd/crashy into dir.
func buildCrashy(t *testing.T, dir string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the crash test program")
	}
	bin := filepath.Join(dir, "crashy")
	out, err := exec.Command(goTool, "build", "-o", bin, "./internal/crashtest/cmd/crashy").CombinedOutput()
	require.NoError(t, err, "building the crash test program: %v\n%s", err, out)
	return bin
}

// runCrashy runs the program in mode against srv, with Debug on, lets it
// fail once Init has returned, and waits until both processes are gone:
// the monitor writes its diagnostics to the program's standard error, a
// pipe that ends only when neither holds it any more.
func runCrashy(t *testing.T, srv *errsighttest.Server, wrap []string, bin, mode string) crashyRun {
	t.Helper()
	args := append(append([]string(nil), wrap...), bin, mode)
	cmd := exec.Command(args[0], args[1:]...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ERRSIGHT_") && !strings.HasPrefix(kv, "GOTRACEBACK=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, EnvAPIKey+"="+srv.APIKey(), EnvHost+"="+srv.URL, EnvDebug+"=1")
	stderrR, stderrW, err := os.Pipe()
	require.NoError(t, err)
	defer stderrR.Close()
	cmd.Stderr = stderrW
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	err = cmd.Start()
	stderrW.Close()
	require.NoError(t, err)
	stderr := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(stderrR)
		stderr <- string(data)
	}()
	run := crashyRun{initMicros: -1}
	if ready, err := bufio.NewReader(stdout).ReadString('\n'); err == nil {
		run.initMicros, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(ready, "ready ")))
	}
	_, _ = stdin.Write([]byte("go\n"))
	_ = stdin.Close()
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		run.exit = exit.ExitCode()
	default:
		require.NoError(t, err)
	}
	// A clean exit leaves the monitor nothing to do; a crash, one report
	// to send within ShutdownTimeout (5 s), before it exits and closes its
	// end of the pipe.
	run.stderr = <-stderr
	if m := monitorStarted.FindStringSubmatch(run.stderr); m != nil {
		run.monitor, _ = strconv.Atoi(m[1])
	}
	return run
}

// monitorStarted is Init's debug line for a monitor.
var monitorStarted = regexp.MustCompile(`errsight: crash monitor started \(pid (\d+)\)`)

func firstInAppFunction(ev errsighttest.Event) string {
	for _, f := range ev.ExceptionFrames() {
		if f.InApp {
			return f.Function
		}
	}
	return ""
}

func skipUnlessProcesses(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	// A monitor built with -race would otherwise linger a second at exit,
	// as every race-enabled program does.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
}

// TestCrashProcesses runs the crash test program, built once, in each of
// the ways a Go program dies, and checks what reached the server, what the
// program printed and that no process is left behind.
func TestCrashProcesses(t *testing.T) {
	skipUnlessProcesses(t)
	bin := buildCrashy(t, t.TempDir())
	tests := []struct {
		mode     string
		exit     int
		stderr   string // in the program's standard error
		monitor  bool
		events   int
		message  string
		class    string
		function string            // the first in-app frame's
		tags     map[string]string // among the event's tags
	}{
		{mode: "recover", exit: 2, stderr: "panic: recover boom [recovered",
			events: 1, message: "panic: recover boom", class: "panic", function: "panicker",
			tags: map[string]string{"app": "crashy"}},
		{mode: "go", exit: 2, stderr: "panic: reindex: unsupported operation [recovered",
			events: 1, message: "panic: reindex: unsupported operation", function: "reindex",
			tags: map[string]string{"app": "crashy", "request": "r-1", "job": "reindex"}},
		{mode: "monitor-panic", exit: 2, stderr: "panic: goroutine boom\n\ngoroutine ", monitor: true,
			events: 1, message: "panic: goroutine boom", class: "panic", function: "worker",
			tags: map[string]string{"app": "crashy"}},
		{mode: "monitor-fatal", exit: 2, stderr: "fatal error: concurrent map writes\n", monitor: true,
			events: 1, message: "fatal error: concurrent map", class: "fatal error", function: "writeForever"},
		{mode: "monitor-main-panic", exit: 2, stderr: "panic: code 42\n\ngoroutine 1 [running]:\n", monitor: true,
			events: 1, message: "panic: code 42", class: "panic", function: "panicInMain"},
		{mode: "monitor-recover", exit: 2, stderr: "panic: recover boom [recovered", monitor: true,
			events: 1, message: "panic: recover boom", class: "panic", function: "panicker"},
		{mode: "monitor-clean", exit: 0, monitor: true},
		{mode: "monitor-exit", exit: 3, monitor: true},
		{mode: "clean", exit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			srv := errsighttest.NewServer()
			defer srv.Close()
			run := runCrashy(t, srv, nil, bin, tt.mode)
			assert.Equal(t, tt.exit, run.exit, "exit status; stderr:\n%s", run.stderr)
			assert.Contains(t, run.stderr, tt.stderr)
			require.Equal(t, tt.monitor, run.monitor != 0, "monitor started; stderr:\n%s", run.stderr)
			t.Logf("Init took %d µs (monitor pid %d)", run.initMicros, run.monitor)
			// Every report was sent before its sender exited, and both
			// processes have: what the server has is all there will be.
			evs := srv.Events()
			require.Len(t, evs, tt.events, "stderr:\n%s", run.stderr)
			if tt.events == 0 {
				return
			}
			ev := evs[0]
			assert.Equal(t, "fatal", ev.Level)
			assert.True(t, strings.HasPrefix(ev.Message, tt.message), "message %q, want prefix %q", ev.Message, tt.message)
			if tt.class != "" {
				assert.Equal(t, tt.class, ev.ExceptionClass())
			}
			assert.Equal(t, tt.function, firstInAppFunction(ev), "first in-app frame; frames %+v", ev.ExceptionFrames())
			assert.Equal(t, "crashtest", ev.Environment)
			assert.Equal(t, "crashy@1.0.0", ev.Release)
			assert.Equal(t, "u-7", ev.User.ID)
			for k, v := range tt.tags {
				assert.Equal(t, v, ev.Tags[k], "tag %s", k)
			}
			assert.Empty(t, ev.Problems(), "the server would change the event")
		})
	}

	t.Run("user module", func(t *testing.T) {
		// A program of another module, as users build them: its frames
		// are in-app and named relative to its own module.
		t.Parallel()
		app := buildUserApp(t)
		srv := errsighttest.NewServer()
		defer srv.Close()
		run := runCrashy(t, srv, nil, app, "crash")
		assert.Equal(t, 2, run.exit)
		assert.Contains(t, run.stderr, "panic: assignment to entry in nil map")
		evs := srv.Events()
		require.Len(t, evs, 1, "stderr:\n%s", run.stderr)
		want := []errsighttest.Frame{
			{Filename: "internal/jobs/jobs.go", Lineno: 5, Function: "Run", InApp: true, ContextLine: "\tm[key]++"},
			{Filename: "main.go", Lineno: 16, Function: "main", InApp: true, ContextLine: "\t\tgo jobs.Run(\"retries\")"},
		}
		got := evs[0].ExceptionFrames()
		require.Len(t, got, len(want), "frames %+v", got)
		for i, f := range got {
			w := want[i]
			assert.True(t, strings.HasSuffix(f.AbsPath, "/"+w.Filename), "frame %d abs_path %q", i, f.AbsPath)
			f.AbsPath = ""
			w.AbsPath = ""
			assert.Equal(t, w.Filename, f.Filename)
			assert.Equal(t, w.Lineno, f.Lineno)
			assert.Equal(t, w.Function, f.Function)
			assert.Equal(t, w.InApp, f.InApp)
			assert.Equal(t, w.ContextLine, f.ContextLine)
		}
		assert.Equal(t, "runtime.Error", evs[0].ExceptionClass())
	})

	t.Run("as PID 1", func(t *testing.T) {
		t.Parallel()
		unshare := pidNamespace(t)
		srv := errsighttest.NewServer()
		defer srv.Close()
		run := runCrashy(t, srv, []string{unshare, "--pid", "--fork", "--mount-proc"}, bin, "monitor-panic")
		assert.Equal(t, 2, run.exit, "the application's status; stderr:\n%s", run.stderr)
		assert.Contains(t, run.stderr, "panic: goroutine boom\n\ngoroutine ")
		assert.Contains(t, run.stderr, "crash monitor: this process is PID 1: it stays the init and the monitor")
		assert.Equal(t, 1, run.monitor, "the application's monitor is PID 1")
		evs := srv.Events()
		require.Len(t, evs, 1, "stderr:\n%s", run.stderr)
		assert.Equal(t, "panic: goroutine boom", evs[0].Message)
		assert.Equal(t, "worker", firstInAppFunction(evs[0]))
		assert.Equal(t, "u-7", evs[0].User.ID, "the header comes from the application")
	})

	// PID 1 as an init: it forwards signals to the application, reaps
	// orphans, and exits with the application's status.
	for _, tt := range []struct {
		mode, stderr string
		exit         int
	}{
		{"monitor-clean", "", 0},
		{"monitor-exit", "", 3},
		{"monitor-signal", "crashy: got terminated\n", 7},
		{"monitor-orphan", "crashy: orphan reaped\n", 0},
		{"monitor-recover", "panic: recover boom [recovered", 2},
	} {
		t.Run("as PID 1: "+tt.mode, func(t *testing.T) {
			t.Parallel()
			unshare := pidNamespace(t)
			srv := errsighttest.NewServer()
			defer srv.Close()
			run := runCrashy(t, srv, []string{unshare, "--pid", "--fork", "--mount-proc"}, bin, tt.mode)
			assert.Equal(t, tt.exit, run.exit, "stderr:\n%s", run.stderr)
			assert.Contains(t, run.stderr, tt.stderr)
			assert.Equal(t, 1, run.monitor)
			wantEvents := 0
			if tt.mode == "monitor-recover" {
				wantEvents = 1 // by Recover; the init knows, and does not report it again
			}
			assert.Len(t, srv.Events(), wantEvents, "stderr:\n%s", run.stderr)
		})
	}
}

// pidNamespace returns the path of unshare(1), skipping the test where it
// cannot make a PID namespace (not root, no unshare, a sandbox).
func pidNamespace(t *testing.T) string {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs unshare(1) and root for a PID namespace")
	}
	if out, err := exec.Command(unshare, "--pid", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
		t.Skipf("no PID namespace here (unshare --pid --fork: %v %s)", err, out)
	}
	return unshare
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
	log := &syncBuffer{}
	_, err := Init(Options{APIKey: testKey, Transport: rec, CrashMonitor: true, Debug: true, DebugWriter: log})
	require.NoError(t, err)
	m := monitorStarted.FindStringSubmatch(log.String())
	require.NotNil(t, m, "Init started no monitor: %s", log)
	pid, _ := strconv.Atoi(m[1])
	require.NoError(t, syscall.Kill(pid, 0), "no monitor process")

	_, err = Init(Options{APIKey: testKey, Transport: rec})
	require.NoError(t, err)
	// Stopping reaps the monitor before Init returns: its pid is free.
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "an Init without CrashMonitor left the monitor running")

	t.Setenv(EnvAPIKey, "")
	log = &syncBuffer{}
	_, err = Init(Options{CrashMonitor: true, Debug: true, DebugWriter: log})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "crash monitor not started: the client is disabled")
	assert.NotContains(t, log.String(), "crash monitor started")
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

// The program of buildUserApp: a module of its own that uses errsight
// through a replace directive.
const (
	userAppMain = `package main

import (
	"os"
	"time"

	errsight "github.com/errsight/errsight-go"

	"example.com/app/internal/jobs"
)

func main() {
	client, _ := errsight.Init(errsight.Options{CrashMonitor: true})
	defer client.Close()
	if len(os.Args) > 1 {
		go jobs.Run("retries")
		time.Sleep(time.Minute)
	}
}
`
	userAppJobs = `package jobs

func Run(key string) {
	var m map[string]int
	m[key]++
}
`
)

// buildUserApp builds a program of module example.com/app that uses this
// repository's errsight.
func buildUserApp(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := os.Getwd()
	require.NoError(t, err)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	dir := t.TempDir()
	gomod := "module example.com/app\n\ngo 1.24\n\nrequire github.com/errsight/errsight-go v0.0.0\n\n" +
		"replace github.com/errsight/errsight-go => " + root + "\n"
	for name, text := range map[string]string{
		"go.mod":                gomod,
		"go.sum":                string(sum),
		"main.go":               userAppMain,
		"internal/jobs/jobs.go": userAppJobs,
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		err := os.MkdirAll(filepath.Dir(path), 0o755)
		require.NoError(t, err, fmt.Sprint(err))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	bin := filepath.Join(dir, "app")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the user module:\n%s", out)
	return bin
}
