package errsight

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/crashmonitor"
	"github.com/errsight/errsight-go/internal/traceback"
)

// crashSample reads a crash output recorded by internal/traceback's
// generator.
func crashSample(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("internal", "traceback", "testdata", name+".txt"))
	require.NoError(t, err)
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
			assert.Equal(t, LevelFatal, ev.Level)
			assert.True(t, strings.HasPrefix(ev.Message, tt.message), "message %q, want prefix %q", ev.Message, tt.message)
			assert.Equal(t, tt.class, ex.Class)
			assert.Equal(t, tt.functions, functions(ex.Frames))
			f, ok := firstInApp(ex.Frames)
			require.True(t, ok, "no in-app frame")
			assert.Equal(t, tt.inApp, f.Function)
			assert.NotEmpty(t, f.ContextLine, "the first in-app frame has source context")
			assert.Equal(t, tt.causes, ex.Causes)
			assert.Equal(t, tt.omitted, ex.FramesOmitted)
			assert.Equal(t, tt.inferred, ev.Metadata[keyCrashMessageInferred] == true, "message inferred")
			_, hasSignal := ev.Metadata[keyCrashSignal]
			assert.Equal(t, tt.signal, hasSignal, "signal metadata present")
			assert.Equal(t, text, ev.Metadata[keyCrashOutput])
			assert.Equal(t, 42, ev.Metadata[keyCrashPID])
		})
	}
}

func TestCrashEventEdges(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	t.Run("deep stack is capped", func(t *testing.T) {
		text := crashSample(t, "deep_recursion.crash")
		ex := crashEvent(c, traceback.Parse(text), []byte(text), 1).Exception
		// 100 frames printed, 104 elided by the runtime; 50 kept.
		require.Len(t, ex.Frames, 50)
		assert.Equal(t, 104+100-50, ex.FramesOmitted)
		assert.Equal(t, "recurse", ex.Frames[0].Function)
		assert.Equal(t, "main", ex.Frames[49].Function)
	})
	t.Run("unrecognised output", func(t *testing.T) {
		text := "something went\nvery wrong\n"
		ev := crashEvent(c, traceback.Parse(text), []byte(text), 1)
		assert.Equal(t, "the process crashed: something went", ev.Message)
		assert.Equal(t, classCrash, ev.Exception.Class)
		assert.Empty(t, ev.Exception.Frames)
	})
	t.Run("long output is cut", func(t *testing.T) {
		text := crashSample(t, "long_value.crash") + strings.Repeat("x", maxCrashOutputSent)
		ev := crashEvent(c, traceback.Parse(text), []byte(text), 1)
		assert.Len(t, ev.Metadata[keyCrashOutput], maxCrashOutputSent+len(truncationMarker))
	})
	t.Run("truncated stack", func(t *testing.T) {
		text := crashSample(t, "truncated.crash")
		ex := crashEvent(c, traceback.Parse(text), []byte(text), 1).Exception
		require.NotEmpty(t, ex.Frames)
		assert.Equal(t, "panicString", ex.Frames[0].Function)
	})
}

func TestCrashHeader(t *testing.T) {
	c, _ := newTestClient(t, Options{Environment: "staging", Release: "r1", ServerName: "web-3", InAppInclude: []string{"example.com/lib"}})
	h := newCrashHeader(c)
	assert.Equal(t, crashmonitor.HeaderVersion, h.Version)
	assert.Equal(t, os.Getpid(), h.PID)
	assert.Equal(t, "staging", h.Environment)
	assert.Equal(t, "r1", h.Release)
	assert.Equal(t, "web-3", h.ServerName, "a crash report must name the application's server")
	assert.Equal(t, []string{"example.com/lib"}, h.InAppInclude)
	line, err := h.Encode()
	require.NoError(t, err)
	assert.NotContains(t, string(line), testKey, "the header holds the API key")
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
	assert.Equal(t, "u-9", h.User.ID)
	assert.Len(t, h.Tags, maxTags)
	for k, v := range h.Tags {
		assert.LessOrEqual(t, len([]rune(v)), maxTagValueChars, "tag %q not truncated", k)
		assert.LessOrEqual(t, len(k), maxTagKeyChars, "tag key %q not truncated", k)
	}
}

// monitorInput is what the application writes on the monitor's pipe after
// the launch line.
func monitorInput(t testing.TB, h crashmonitor.Header, rest ...string) *strings.Reader {
	t.Helper()
	line, err := h.Encode()
	require.NoError(t, err)
	return strings.NewReader(string(line) + strings.Join(rest, ""))
}

// TestRunCrashMonitor runs the monitor's side in-process against an
// errsighttest server.
func TestRunCrashMonitor(t *testing.T) {
	srv := errsighttest.NewServer()
	defer srv.Close()
	header := crashmonitor.Header{
		Version: crashmonitor.HeaderVersion, PID: 4242, Host: srv.URL, Environment: "crashtest", Release: "app@2",
		Timeout: time.Second, ShutdownTimeout: 2 * time.Second, InAppInclude: []string{"main"},
		Tags: map[string]string{"region": "eu"}, User: crashmonitor.User{ID: "u-1"},
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
		{"reported by Recover", monitorInput(t, header, crashmonitor.ReportedLine+"9\n", crashmonitor.ReportedLine+"1\n", repanicked), srv.APIKey(), 0, 0},
		{"reported on another goroutine", monitorInput(t, header, crashmonitor.ReportedLine+"2\n", repanicked), srv.APIKey(), 0, 1},
		{"a panic", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), srv.APIKey(), 0, 1},
		{"no API key", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), "", 1, 0},
		{"wrong API key", monitorInput(t, header, crashSample(t, "panic_goroutine.crash")), "elp_" + strings.Repeat("0", 48), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			var stderr bytes.Buffer
			assert.Equal(t, tt.status, runCrashMonitor(tt.input, &stderr, tt.key), "stderr: %s", stderr.String())
			assert.Len(t, srv.Events(), tt.events)
			if tt.key != "" {
				assert.NotContains(t, stderr.String(), tt.key, "the monitor printed the API key")
			}
		})
	}

	t.Run("event content", func(t *testing.T) {
		srv.Reset()
		text := crashSample(t, "panic_goroutine.crash")
		require.Equal(t, 0, runCrashMonitor(monitorInput(t, header, text), io.Discard, srv.APIKey()))
		evs := srv.Events()
		require.Len(t, evs, 1)
		ev := evs[0]
		assert.Equal(t, "fatal", ev.Level)
		assert.Equal(t, "panic: worker failed", ev.Message)
		assert.Equal(t, "crashtest", ev.Environment)
		assert.Equal(t, "app@2", ev.Release)
		assert.Equal(t, "eu", ev.Tags["region"])
		assert.Equal(t, "u-1", ev.User.ID)
		assert.Equal(t, "panic", ev.Metadata["exception_class"])
		assert.Equal(t, text, ev.Metadata[keyCrashOutput])
		assert.Empty(t, ev.Problems(), "the server would change the event")
	})
}
