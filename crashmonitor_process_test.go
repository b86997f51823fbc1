//go:build linux

package errsight

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
)

// crashyRun is what one run of the crash test program did.
type crashyRun struct {
	exit        int    // exit status
	stderr      string // the program's standard error
	initMicros  int    // how long Init took, from its "ready" line; -1 without one
	monitor     int    // the monitor's pid, 0 for none
	monitorRSS  int    // the monitor's resident memory in KiB, once it waits on the pipe
	monitorAnon int    // the part of it that is its own (RssAnon): the rest is the binary, shared
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
	if err != nil {
		t.Fatalf("building the crash test program: %v\n%s", err, out)
	}
	return bin
}

// runCrashy runs the program in mode against srv, looks at its monitor
// once Init has returned, lets it fail, and waits until both processes are
// gone.
func runCrashy(t *testing.T, srv *errsighttest.Server, wrap []string, bin, mode string) crashyRun {
	t.Helper()
	args := append(append([]string(nil), wrap...), bin, mode)
	cmd := exec.Command(args[0], args[1:]...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ERRSIGHT_") && !strings.HasPrefix(kv, "GOTRACEBACK=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, EnvAPIKey+"="+srv.APIKey(), EnvHost+"="+srv.URL)
	// A file, not a pipe: Wait must not depend on who else holds it.
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := crashyRun{initMicros: -1}
	if ready, err := bufio.NewReader(stdout).ReadString('\n'); err == nil {
		run.initMicros, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(ready, "ready ")))
		run.monitor = findMonitor(cmd.Process.Pid)
		if run.monitor != 0 && waitReading(run.monitor) {
			run.monitorRSS = procStatus(run.monitor, "VmRSS")
			run.monitorAnon = procStatus(run.monitor, "RssAnon")
		}
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
		t.Fatal(err)
	}
	if run.monitor != 0 {
		// A clean exit leaves it nothing to do; a crash, one report to
		// send within ShutdownTimeout (5 s).
		waitGone(t, run.monitor, 15*time.Second)
	}
	data, _ := os.ReadFile(stderr.Name())
	run.stderr = string(data)
	return run
}

// findMonitor returns the pid of parent's child process that carries the
// monitor marker, 0 for none. A child whose environment is not readable
// yet (it is still in exec) is looked at again.
func findMonitor(parent int) int {
	for deadline := time.Now().Add(5 * time.Second); ; {
		starting := false
		dirs, _ := os.ReadDir("/proc")
		for _, d := range dirs {
			pid, err := strconv.Atoi(d.Name())
			if err != nil {
				continue
			}
			_, rest, _ := strings.Cut(readFile("/proc/"+d.Name()+"/stat"), ") ")
			fields := strings.Fields(rest)
			if len(fields) < 2 || fields[1] != strconv.Itoa(parent) {
				continue
			}
			env := processEnviron(pid)
			starting = starting || env == nil
			for _, kv := range env {
				if kv == EnvCrashMonitor+"="+crashMonitorMarker {
					return pid
				}
			}
		}
		if !starting || time.Now().After(deadline) {
			return 0
		}
		time.Sleep(time.Millisecond)
	}
}

// procStatus reads a "kB" field of a process's /proc status.
func procStatus(pid int, field string) int {
	for _, line := range strings.Split(readFile("/proc/"+strconv.Itoa(pid)+"/status"), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// waitReading waits (a little) until the monitor has started and blocks
// reading its pipe, so that its memory can be measured as it stays.
func waitReading(pid int) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if strings.Contains(readFile("/proc/"+strconv.Itoa(pid)+"/wchan"), "pipe") {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

func firstInAppFunction(ev errsighttest.Event) string {
	for _, f := range ev.ExceptionFrames() {
		if f.InApp {
			return f.Function
		}
	}
	return ""
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
		{mode: "recover", exit: 2, stderr: "panic: recover boom [recovered, repanicked]\n\ngoroutine 1 [running]:\n",
			events: 1, message: "panic: recover boom", class: "panic", function: "panicker",
			tags: map[string]string{"app": "crashy"}},
		{mode: "go", exit: 2, stderr: "panic: reindex: unsupported operation [recovered, repanicked]\n\ngoroutine ",
			events: 1, message: "panic: reindex: unsupported operation", function: "reindex",
			tags: map[string]string{"app": "crashy", "request": "r-1", "job": "reindex"}},
		{mode: "monitor-panic", exit: 2, stderr: "panic: goroutine boom\n\ngoroutine ", monitor: true,
			events: 1, message: "panic: goroutine boom", class: "panic", function: "worker",
			tags: map[string]string{"app": "crashy"}},
		{mode: "monitor-fatal", exit: 2, stderr: "fatal error: concurrent map writes\n", monitor: true,
			events: 1, message: "fatal error: concurrent map", class: "fatal error", function: "writeForever"},
		{mode: "monitor-main-panic", exit: 2, stderr: "panic: code 42\n\ngoroutine 1 [running]:\n", monitor: true,
			events: 1, message: "panic: code 42", class: "panic", function: "panicInMain"},
		{mode: "monitor-recover", exit: 2, stderr: "panic: recover boom [recovered, repanicked]\n", monitor: true,
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
			if run.exit != tt.exit || !strings.Contains(run.stderr, tt.stderr) {
				t.Errorf("exit status %d, want %d; stderr (want %q):\n%s", run.exit, tt.exit, tt.stderr, run.stderr)
			}
			if got := run.monitor != 0; got != tt.monitor {
				t.Fatalf("monitor process found: %v, want %v", got, tt.monitor)
			}
			if tt.monitor {
				t.Logf("Init took %d µs; monitor %d: %d KiB resident, %d KiB of it its own", run.initMicros, run.monitor, run.monitorRSS, run.monitorAnon)
			} else if run.initMicros >= 0 {
				t.Logf("Init without a monitor took %d µs", run.initMicros)
			}
			// Every report was sent before its sender exited, and both
			// processes have: what the server has is all there will be.
			evs, err := srv.WaitForEvents(tt.events, 10*time.Second)
			if err != nil || len(evs) != tt.events {
				t.Fatalf("%d events, want %d (%v); stderr:\n%s", len(evs), tt.events, err, run.stderr)
			}
			if tt.events == 0 {
				return
			}
			ev := evs[0]
			if ev.Level != "fatal" || !strings.HasPrefix(ev.Message, tt.message) ||
				(tt.class != "" && ev.ExceptionClass() != tt.class) {
				t.Errorf("level %q, message %q, class %q; want fatal, %q, %q", ev.Level, ev.Message, ev.ExceptionClass(), tt.message, tt.class)
			}
			if got := firstInAppFunction(ev); got != tt.function {
				t.Errorf("first in-app frame %q, want %q; frames %+v", got, tt.function, ev.ExceptionFrames())
			}
			if ev.Environment != "crashtest" || ev.Release != "crashy@1.0.0" || ev.User.ID != "u-7" {
				t.Errorf("environment %q, release %q, user %+v", ev.Environment, ev.Release, ev.User)
			}
			for k, v := range tt.tags {
				if ev.Tags[k] != v {
					t.Errorf("tag %s = %q, want %q (tags %v)", k, ev.Tags[k], v, ev.Tags)
				}
			}
			if problems := ev.Problems(); len(problems) > 0 {
				t.Errorf("the server would change the event: %v", problems)
			}
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
		if run.exit != 2 || !strings.Contains(run.stderr, "panic: assignment to entry in nil map") {
			t.Errorf("exit status %d; stderr:\n%s", run.exit, run.stderr)
		}
		evs, err := srv.WaitForEvents(1, 10*time.Second)
		if err != nil {
			t.Fatalf("%v; stderr:\n%s", err, run.stderr)
		}
		want := []errsighttest.Frame{
			{Filename: "internal/jobs/jobs.go", Lineno: 5, Function: "Run", InApp: true, ContextLine: "\tm[key]++"},
			{Filename: "main.go", Lineno: 16, Function: "main", InApp: true, ContextLine: "\t\tgo jobs.Run(\"retries\")"},
		}
		got := evs[0].ExceptionFrames()
		if len(got) != len(want) {
			t.Fatalf("frames %+v, want %+v", got, want)
		}
		for i, f := range got {
			w := want[i]
			if f.Filename != w.Filename || f.Lineno != w.Lineno || f.Function != w.Function || f.InApp != w.InApp ||
				f.ContextLine != w.ContextLine || !strings.HasSuffix(f.AbsPath, "/"+w.Filename) {
				t.Errorf("frame %d = %+v, want %+v", i, f, w)
			}
		}
		if cls := evs[0].ExceptionClass(); cls != "runtime.Error" {
			t.Errorf("class %q", cls)
		}
	})

	t.Run("as PID 1", func(t *testing.T) {
		t.Parallel()
		unshare, err := exec.LookPath("unshare")
		if err != nil || os.Geteuid() != 0 {
			t.Skip("needs unshare(1) and root for a PID namespace")
		}
		if out, err := exec.Command(unshare, "--pid", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
			t.Skipf("no PID namespace here: %v %s", err, out)
		}
		srv := errsighttest.NewServer()
		defer srv.Close()
		run := runCrashy(t, srv, []string{unshare, "--pid", "--fork", "--mount-proc"}, bin, "monitor-panic")
		if run.exit != 2 || !strings.Contains(run.stderr, "crash monitor not started: this process is PID 1") {
			t.Errorf("exit status %d; stderr:\n%s", run.exit, run.stderr)
		}
	})
}

// TestCrashMonitorFiles checks that the monitor keeps nothing of the
// application's standard output and error open (a reader of the
// application's output must see EOF when the application exits).
func TestCrashMonitorFiles(t *testing.T) {
	m := startTestMonitor(t, Options{})
	fd := "/proc/" + strconv.Itoa(m.cmd.Process.Pid) + "/fd/"
	for _, n := range []string{"1", "2"} {
		target, err := os.Readlink(fd + n)
		if err != nil {
			t.Fatal(err)
		}
		mine, _ := os.Readlink("/proc/self/fd/" + n)
		if target == mine {
			t.Errorf("the monitor's fd %s is the application's (%s)", n, target)
		}
	}
	if target, _ := os.Readlink(fd + "2"); target != os.DevNull {
		t.Errorf("the monitor's stderr is %s, want %s without Debug", target, os.DevNull)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/app\n\ngo 1.26\n\nrequire github.com/errsight/errsight-go v0.0.0\n\n" +
		"replace github.com/errsight/errsight-go => " + root + "\n"
	for name, text := range map[string]string{
		"go.mod":                gomod,
		"go.sum":                string(sum),
		"main.go":               userAppMain,
		"internal/jobs/jobs.go": userAppJobs,
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "app")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the user module: %v\n%s", err, out)
	}
	return bin
}
