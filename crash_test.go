package errsight

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/traceback"
)

// crashSample reads a crash output recorded by internal/traceback's
// generator.
func crashSample(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("internal", "traceback", "testdata", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func firstInApp(frames []Frame) (Frame, bool) {
	for _, f := range frames {
		if f.InApp {
			return f, true
		}
	}
	return Frame{}, false
}

func functions(frames []Frame) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = f.Function
	}
	return out
}

// TestCrashEvent turns real crash outputs into events: the message, the
// class and the frames the server will group by.
func TestCrashEvent(t *testing.T) {
	c, _ := newTestClient(t, Options{InAppInclude: []string{"main"}})
	tests := []struct {
		sample    string
		message   string // a prefix of the message
		class     string
		functions []string // all frames, innermost first
		inApp     string   // the first in-app frame's function
		causes    []Cause
		omitted   int
		inferred  bool
		signal    bool
	}{
		{sample: "panic_goroutine.crash", inApp: "worker", message: "panic: worker failed", class: "panic",
			functions: []string{"worker", "panicInGoroutine"}},
		{sample: "index_out_of_range.crash", inApp: "indexOutOfRange", message: "panic: runtime error: index out of range [5] with length 3",
			class: "runtime.Error", functions: []string{"indexOutOfRange", "runCase", "main"}},
		{sample: "nil_pointer.crash", inApp: "nilPointer", message: "panic: runtime error: invalid memory address or nil pointer dereference",
			class: "runtime.Error", functions: []string{"nilPointer", "runCase", "main"}, signal: true},
		{sample: "concurrent_map.crash", inApp: "concurrentMapWrites.func", class: "fatal error", inferred: true,
			message:   "fatal error: concurrent map access (writes, or a read or iteration during a write)",
			functions: []string{"concurrentMapWrites.func", "(*WaitGroup).Go.func", "(*WaitGroup).Go"}},
		{sample: "traceback_crash.crash", inApp: "worker", message: "panic: worker failed", class: "panic",
			functions: []string{"worker", "panicInGoroutine.func", "panicInGoroutine"}},
		{sample: "recovered_then_panic.crash", inApp: "recoveredThenPanic.func", message: "panic: wrapped: first", class: "panic",
			functions: []string{"recoveredThenPanic.func", "gopanic", "recoveredThenPanic", "runCase", "main"},
			causes:    []Cause{{Class: "panic", Message: "panic: first [recovered]"}}},
		{sample: "custom_struct.crash", inApp: "init.func", message: "panic: (main.point) 0x", class: "main.point",
			functions: []string{"init.func", "runCase", "main"}},
		{sample: "deadlock.crash", inApp: "deadlock", message: "fatal error: all goroutines are asleep - deadlock!", class: "fatal error",
			functions: []string{"deadlock", "runCase", "main"}, inferred: true},
		{sample: "sigquit.crash", inApp: "sigquit", message: "SIGQUIT: quit", class: "SIGQUIT", signal: true,
			functions: []string{"RawSyscall6", "RawSyscall", "Kill", "sigquit", "runCase", "main"}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			text := crashSample(t, tt.sample)
			ev := crashEvent(c, traceback.Parse(text), []byte(text), 42)
			ex := ev.Exception
			if ev.Level != LevelFatal || !strings.HasPrefix(ev.Message, tt.message) || ex.Class != tt.class {
				t.Errorf("level, message, class = %v, %q, %q; want fatal, %q, %q", ev.Level, ev.Message, ex.Class, tt.message, tt.class)
			}
			if got := functions(ex.Frames); !reflect.DeepEqual(got, tt.functions) {
				t.Errorf("functions = %q, want %q", got, tt.functions)
			}
			if f, ok := firstInApp(ex.Frames); !ok || f.Function != tt.inApp || f.ContextLine == "" {
				t.Errorf("first in-app frame %+v: want %s, with source context", f, tt.inApp)
			}
			if !reflect.DeepEqual(ex.Causes, tt.causes) || ex.FramesOmitted != tt.omitted {
				t.Errorf("causes %+v omitted %d; want %+v, %d", ex.Causes, ex.FramesOmitted, tt.causes, tt.omitted)
			}
			if got := ev.Metadata[keyCrashMessageInferred] == true; got != tt.inferred {
				t.Errorf("inferred = %v, want %v", got, tt.inferred)
			}
			if _, got := ev.Metadata[keyCrashSignal]; got != tt.signal {
				t.Errorf("signal metadata present = %v, want %v", got, tt.signal)
			}
			if ev.Metadata[keyCrashOutput] != text || ev.Metadata[keyCrashPID] != 42 {
				t.Errorf("metadata = %v", ev.Metadata)
			}
		})
	}
}

func TestCrashEventEdges(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	t.Run("deep stack is capped", func(t *testing.T) {
		text := crashSample(t, "deep_recursion.crash")
		ex := crashEvent(c, traceback.Parse(text), []byte(text), 1).Exception
		// 100 frames printed, 104 elided by the runtime; 50 kept.
		if len(ex.Frames) != 50 || ex.FramesOmitted != 104+100-50 {
			t.Errorf("%d frames, %d omitted", len(ex.Frames), ex.FramesOmitted)
		}
		if ex.Frames[0].Function != "recurse" || ex.Frames[49].Function != "main" {
			t.Errorf("kept %s ... %s", ex.Frames[0].Function, ex.Frames[49].Function)
		}
	})
	t.Run("unrecognised output", func(t *testing.T) {
		text := "something went\nvery wrong\n"
		ev := crashEvent(c, traceback.Parse(text), []byte(text), 1)
		if ev.Message != "the process crashed: something went" || ev.Exception.Class != classCrash || len(ev.Exception.Frames) != 0 {
			t.Errorf("event = %q %+v", ev.Message, ev.Exception)
		}
	})
	t.Run("long output is cut", func(t *testing.T) {
		text := crashSample(t, "long_value.crash") + strings.Repeat("x", maxCrashOutputSent)
		ev := crashEvent(c, traceback.Parse(text), []byte(text), 1)
		if out := ev.Metadata[keyCrashOutput].(string); len(out) != maxCrashOutputSent+len(truncationMarker) {
			t.Errorf("crash output of %d bytes", len(out))
		}
	})
	t.Run("truncated stack", func(t *testing.T) {
		text := crashSample(t, "truncated.crash")
		ex := crashEvent(c, traceback.Parse(text), []byte(text), 1).Exception
		if len(ex.Frames) == 0 || ex.Frames[0].Function != "panicString" {
			t.Errorf("frames = %q", functions(ex.Frames))
		}
	})
}

func TestCrashHeader(t *testing.T) {
	c, _ := newTestClient(t, Options{Environment: "staging", Release: "r1", InAppInclude: []string{"example.com/lib"}})
	h := newCrashHeader(c)
	h.Tags = map[string]string{"region": "eu"}
	h.User = User{ID: "u1"}
	line, err := h.encode()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(line, []byte(testKey)) {
		t.Fatal("the header holds the API key")
	}
	got, err := parseCrashHeader(line)
	if err != nil || !reflect.DeepEqual(got, h) {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, h)
	}

	h.InAppInclude = make([]string, 5000)
	for i := range h.InAppInclude {
		h.InAppInclude[i] = "example.com/some/long/package/path"
	}
	line, err = h.encode()
	if err != nil || len(line) > maxCrashHeaderBytes {
		t.Fatalf("large header: %d bytes, %v", len(line), err)
	}
	if got, _ := parseCrashHeader(line); got.InAppInclude != nil || got.Tags != nil || got.Host != h.Host {
		t.Errorf("large header kept %+v", got)
	}

	for _, bad := range []string{"", "panic: x\n", crashHeaderLine + "{", crashHeaderLine + `{"v":99}` + "\n"} {
		if _, err := parseCrashHeader([]byte(bad)); err == nil {
			t.Errorf("parseCrashHeader(%q) succeeded", bad)
		}
	}
}

func TestCrashHeaderTakesGlobalScope(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	s := globalHub.Scope()
	saved := s.Clone()
	t.Cleanup(func() { s.Clear(); s.SetUser(saved.User()); s.SetTags(saved.Tags()) })
	s.SetUser(User{ID: "u-9"})
	for i := range 40 {
		s.SetTag("k"+strings.Repeat("x", i), strings.Repeat("v", 300))
	}
	h := newCrashHeader(c)
	if h.User.ID != "u-9" || len(h.Tags) != maxTags {
		t.Errorf("user %+v, %d tags", h.User, len(h.Tags))
	}
	for k, v := range h.Tags {
		if len([]rune(v)) > maxTagValueChars || len(k) > maxTagKeyChars {
			t.Errorf("tag %q=%q not truncated", k, v)
		}
	}
}

func TestCrashMonitorEnv(t *testing.T) {
	env := crashMonitorEnv([]string{"PATH=/bin", EnvAPIKey + "=old", EnvCrashMonitor + "=1", "HOME=/root"}, "elp_new")
	want := []string{"PATH=/bin", "HOME=/root", EnvCrashMonitor + "=" + crashMonitorMarker, EnvAPIKey + "=elp_new"}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("env = %q, want %q", env, want)
	}
}

// monitorInput is what the application writes on the monitor's pipe.
func monitorInput(t testing.TB, h crashHeader, rest ...string) *strings.Reader {
	t.Helper()
	line, err := h.encode()
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReader(string(line) + strings.Join(rest, ""))
}

// TestRunCrashMonitor runs the monitor's side in-process against an
// errsighttest server.
func TestRunCrashMonitor(t *testing.T) {
	srv := errsighttest.NewServer()
	defer srv.Close()
	header := crashHeader{
		Version: crashHeaderVersion, PID: 4242, Host: srv.URL, Environment: "crashtest", Release: "app@2",
		Timeout: time.Second, ShutdownTimeout: 2 * time.Second, InAppInclude: []string{"main"},
		Tags: map[string]string{"region": "eu"}, User: User{ID: "u-1"},
	}
	repanicked := crashSample(t, "repanicked.crash") // goroutine 1
	tests := []struct {
		name   string
		input  io.Reader
		key    string
		status int
		events int
	}{
		{"empty input", strings.NewReader(""), srv.APIKey(), 0, 0},
		{"header only: a clean exit", monitorInput(t, header), srv.APIKey(), 0, 0},
		{"blank output", monitorInput(t, header, "\n\n"), srv.APIKey(), 0, 0},
		{"not a header", strings.NewReader("panic: x\n"), srv.APIKey(), 1, 0},
		{"reported by Recover", monitorInput(t, header, crashReportedLine+"9\n", crashReportedLine+"1\n", repanicked), srv.APIKey(), 0, 0},
		{"reported on another goroutine", monitorInput(t, header, crashReportedLine+"2\n", repanicked), srv.APIKey(), 0, 1},
		{"a panic", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), srv.APIKey(), 0, 1},
		{"no API key", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), "", 1, 0},
		{"wrong API key", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), "elp_" + strings.Repeat("0", 48), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			var stderr bytes.Buffer
			if got := runCrashMonitor(tt.input, &stderr, tt.key); got != tt.status {
				t.Errorf("status %d, want %d; stderr: %s", got, tt.status, stderr.String())
			}
			if got := len(srv.Events()); got != tt.events {
				t.Errorf("%d events, want %d", got, tt.events)
			}
		})
	}

	t.Run("event content", func(t *testing.T) {
		srv.Reset()
		text := crashSample(t, "panic_goroutine.crash")
		if got := runCrashMonitor(monitorInput(t, header, text), io.Discard, srv.APIKey()); got != 0 {
			t.Fatalf("status %d", got)
		}
		evs := srv.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		ev := evs[0]
		if ev.Level != "fatal" || ev.Message != "panic: worker failed" || ev.Environment != "crashtest" ||
			ev.Release != "app@2" || ev.Tags["region"] != "eu" || ev.User.ID != "u-1" {
			t.Errorf("event = %+v", ev)
		}
		if ev.Metadata["exception_class"] != "panic" || ev.Metadata[keyCrashOutput] != text {
			t.Errorf("metadata = %v", ev.Metadata)
		}
		if problems := ev.Problems(); len(problems) > 0 {
			t.Errorf("the server would change the event: %v", problems)
		}
	})

	t.Run("control lines inside the output are dropped", func(t *testing.T) {
		srv.Reset()
		text := crashSample(t, "repanicked.crash")
		head, tail, _ := strings.Cut(text, "\n\n")
		in := monitorInput(t, header, head, "\n", crashReportedLine+"1\n", "\n", tail)
		if got := runCrashMonitor(in, io.Discard, srv.APIKey()); got != 0 || len(srv.Events()) != 1 {
			t.Fatalf("status %d, %d events: a late marker must not suppress the report", got, len(srv.Events()))
		}
		if out := srv.Events()[0].Metadata[keyCrashOutput]; strings.Contains(out.(string), crashControlPrefix) {
			t.Errorf("control line in the output: %q", out)
		}
	})

	t.Run("huge output is drained and cut", func(t *testing.T) {
		srv.Reset()
		line := "\t" + strings.Repeat("x", 1000) + "\n"
		in := monitorInput(t, header, crashSample(t, "all_goroutines.crash"), strings.Repeat(line, 6000))
		if got := runCrashMonitor(in, io.Discard, srv.APIKey()); got != 0 || len(srv.Events()) != 1 {
			t.Fatalf("status %d, %d events", got, len(srv.Events()))
		}
		if in.Len() != 0 {
			t.Errorf("%d bytes left unread: the application would block", in.Len())
		}
	})
}

func TestReadLine(t *testing.T) {
	in := strings.NewReader(strings.Repeat("a", 100000) + "\nshort\nlast")
	r := bufio.NewReaderSize(in, 4096)
	for _, want := range []struct {
		n   int
		err error
	}{{1000, nil}, {6, nil}, {4, io.EOF}, {0, io.EOF}} {
		line, err := readLine(r, 1000)
		if len(line) != want.n || err != want.err {
			t.Errorf("readLine = %d bytes, %v; want %d, %v", len(line), err, want.n, want.err)
		}
	}
}

func TestCurrentGoroutineID(t *testing.T) {
	id := currentGoroutineID()
	other := make(chan int64)
	go func() { other <- currentGoroutineID() }()
	if o := <-other; id <= 0 || o <= 0 || o == id {
		t.Errorf("goroutine ids %d and %d", id, o)
	}
}

func TestCrashHeaderJSONNames(t *testing.T) {
	// The header is a protocol between two processes of the same build;
	// pin its field names anyway, to notice an accidental rename.
	b, err := json.Marshal(crashHeader{Version: 1, Host: "h", User: User{ID: "u"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"pid":0,"host":"h","timeout":0,"shutdown_timeout":0,"user":{"id":"u"}}`
	if string(b) != want {
		t.Errorf("header JSON = %s, want %s", b, want)
	}
}
