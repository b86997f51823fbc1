package stacktrace

import (
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func firstFunction(t *testing.T, pcs []uintptr) string {
	t.Helper()
	require.NotEmpty(t, pcs, "no program counters")
	f, _ := runtime.CallersFrames(pcs).Next()
	return f.Function
}

//go:noinline
func callersFrom(skip int) []uintptr {
	pcs := make([]uintptr, 32)
	return pcs[:Callers(skip, pcs)]
}

//go:noinline
func callersViaHelper(skip int) []uintptr { return callersFrom(skip) }

// inlinedCallers is small enough to be inlined; Callers' count must hold.
func inlinedCallers(skip int) []uintptr {
	pcs := make([]uintptr, 32)
	return pcs[:Callers(skip, pcs)]
}

func TestCallersSkip(t *testing.T) {
	const pkg = "github.com/errsight/errsight-go/stacktrace."
	cases := []struct {
		name string
		pcs  []uintptr
		want string
	}{
		{"skip 0 is the caller of Callers", callersFrom(0), pkg + "callersFrom"},
		{"skip 1 is its caller", callersViaHelper(1), pkg + "callersViaHelper"},
		{"skip 2", callersViaHelper(2), pkg + "TestCallersSkip"},
		{"negative skip is 0", callersFrom(-3), pkg + "callersFrom"},
		{"inlined caller", inlinedCallers(0), pkg + "inlinedCallers"},
		{"inlined caller skip 1", inlinedCallers(1), pkg + "TestCallersSkip"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := firstFunction(t, tc.pcs)
			assert.Equal(t, tc.want, got, "first frame %q, want %q", got, tc.want)
		})
	}
	n := Callers(0, nil)
	assert.EqualValues(t, 0, n, "Callers into a nil slice wrote %d", n)
}

func TestCallersDoesNotAllocate(t *testing.T) {
	pcs := make([]uintptr, 64)
	n := testing.AllocsPerRun(100, func() { Callers(0, pcs) })
	assert.EqualValues(t, 0, n, "Callers allocates %v times per call", n)
}

func frame(fn string) runtime.Frame { return runtime.Frame{Function: fn} }

func functions(raw []runtime.Frame) string {
	var names []string
	for _, f := range raw {
		names = append(names, f.Function)
	}
	return strings.Join(names, " ")
}

func TestTrimStack(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want string
	}{
		{"goroutine bottom", []string{"main.work", "main.main.func1", "runtime.goexit"}, "main.work main.main.func1"},
		{"main goroutine bottom", []string{"main.run", "main.main", "runtime.main", "runtime.goexit"}, "main.run main.main"},
		{"runtime-only stack is kept", []string{"runtime.gcBgMarkWorker", "runtime.goexit"}, "runtime.gcBgMarkWorker"},
		{"explicit panic", []string{"errsight.Recover", "runtime.gopanic", "main.handle", "main.main", "runtime.main", "runtime.goexit"}, "main.handle main.main"},
		{"nil dereference", []string{"main.rec", "runtime.gopanic", "runtime.panicmem", "runtime.sigpanic", "main.deref", "main.main"}, "main.deref main.main"},
		{"index out of range", []string{"main.rec", "runtime.gopanic", "runtime.goPanicIndex", "main.index"}, "main.index"},
		{"bounds go1.26", []string{"main.rec", "runtime.gopanic", "runtime.panicBounds64", "runtime.panicBounds", "main.index"}, "main.index"},
		{"runtime function that panics stays", []string{"main.rec", "runtime.gopanic", "runtime.mapassign_faststr", "main.store"}, "runtime.mapassign_faststr main.store"},
		{"nested panics: the innermost wins", []string{"main.rec", "runtime.gopanic", "main.cleanup", "runtime.gopanic", "main.first"}, "main.cleanup runtime.gopanic main.first"},
		{"nothing outside the panic: keep the stack", []string{"main.rec", "runtime.gopanic"}, "main.rec"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var raw []runtime.Frame
			for _, fn := range tc.in {
				raw = append(raw, frame(fn))
			}
			assert.Equal(t, tc.want, functions(trimStack(raw)))
		})
	}
}

func recurse(n int, pcs []uintptr) int {
	if n == 0 {
		return Callers(0, pcs)
	}
	return recurse(n-1, pcs) + 0
}

func TestFramesDeepRecursion(t *testing.T) {
	pcs := make([]uintptr, 200)
	n := recurse(150, pcs)
	s := NewSymbolizer(Options{ContextLines: -1})
	frames, omitted := s.Frames(pcs[:n])
	require.Len(t, frames, MaxFrames, "%d frames, want %d", len(frames), MaxFrames)
	assert.Equal(t, n-MaxFrames-1, omitted, "omitted (runtime.goexit is dropped, not omitted)")
	for i := 0; i < 40; i++ {
		require.Equal(t, "recurse", frames[i].Function, "frame %d is %q, want one of the innermost recurse frames", i, frames[i].Function)
	}
	last := frames[len(frames)-1]
	assert.Equal(t, "tRunner", last.Function, "outermost frame %q, want testing's tRunner", last.Function)
	assert.Equal(t, "TestFramesDeepRecursion", frames[len(frames)-2].Function, "second outermost frame %q", frames[len(frames)-2].Function)

	small := NewSymbolizer(Options{MaxFrames: 10, ContextLines: -1})
	frames, omitted = small.Frames(pcs[:n])
	require.Len(t, frames, 10, "MaxFrames 10: %d frames, %d omitted", len(frames), omitted)
	assert.Equal(t, n-11, omitted, "MaxFrames 10: %d frames, %d omitted", len(frames), omitted)
}

// TestFramesFromCap checks that frames from a traceback are cut as
// captured stacks are, by the same symbolizer option: one place decides
// the cap for both.
func TestFramesFromCap(t *testing.T) {
	raw := make([]runtime.Frame, 30)
	for i := range raw {
		raw[i] = runtime.Frame{Function: "main.f" + strings.Repeat("x", i), File: "/src/app/main.go", Line: i + 1}
	}
	tests := []struct {
		name      string
		max       int
		frames    int
		omitted   int
		firstLast [2]int // lines of the first and last frames kept
	}{
		{"default cap keeps all", 0, 30, 0, [2]int{1, 30}},
		{"cap 10", 10, 10, 20, [2]int{1, 30}},
		{"cap 5", 5, 5, 25, [2]int{1, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSymbolizer(Options{MaxFrames: tt.max, ContextLines: -1})
			frames, omitted := s.FramesFrom(append([]runtime.Frame(nil), raw...))
			require.Len(t, frames, tt.frames, "%d frames, %d omitted; want %d, %d", len(frames), omitted, tt.frames, tt.omitted)
			require.Equal(t, tt.omitted, omitted, "%d frames, %d omitted; want %d, %d", len(frames), omitted, tt.frames, tt.omitted)
			got := [2]int{frames[0].Lineno, frames[len(frames)-1].Lineno}
			assert.Equal(t, tt.firstLast, got, "first and last lines %v, want %v", got, tt.firstLast)
			if tt.max > 0 {
				inner := tt.max - tt.max/5
				require.Equal(t, inner, frames[inner-1].Lineno, "cut between lines %d and %d", frames[inner-1].Lineno, frames[inner].Lineno)
				assert.Equal(t, 30-tt.max/5+1, frames[inner].Lineno, "cut between lines %d and %d", frames[inner-1].Lineno, frames[inner].Lineno)
			}
		})
	}
}

func TestFramesEmpty(t *testing.T) {
	var s Symbolizer // the zero Symbolizer is ready to use
	frames, omitted := s.Frames(nil)
	require.Nil(t, frames, "Frames(nil) = %v, %d", frames, omitted)
	assert.EqualValues(t, 0, omitted, "Frames(nil) = %v, %d", frames, omitted)
	frames, _ = s.Frames([]uintptr{1})
	assert.LessOrEqual(t, len(frames), 1, "Frames of a bogus pc = %+v", frames)
	for _, f := range frames {
		require.NotEmpty(t, f.Filename, "empty filename or function in %+v", f)
		assert.NotEmpty(t, f.Function, "empty filename or function in %+v", f)
	}
}

func TestFrameFromTraceback(t *testing.T) {
	skipIfTrimpath(t)
	s := NewSymbolizer(Options{})
	f := s.Frame("github.com/errsight/errsight-go/stacktrace.TestFrameFromTraceback(0xc000123456)", thisFile(t), 1)
	want := Frame{
		Filename:   "stacktrace/frames_test.go",
		AbsPath:    thisFile(t),
		Lineno:     1,
		Function:   "TestFrameFromTraceback",
		Module:     "github.com/errsight/errsight-go/stacktrace",
		InApp:      true,
		PreContext: nil, ContextLine: "package stacktrace",
		PostContext: []string{"", "import (", "\t\"runtime\"", "\t\"strings\"", "\t\"sync\""},
	}
	assert.True(t, equalFrames(f, want), "Frame = %+v\nwant    %+v", f, want)
	f = s.Frame("net/http.(*conn).serve", "net/http/server.go", 2000)
	require.False(t, f.InApp, "std frame = %+v", f)
	require.Equal(t, "net/http/server.go", f.Filename, "std frame = %+v", f)
	require.Equal(t, "(*conn).serve", f.Function, "std frame = %+v", f)
	require.Equal(t, "", f.AbsPath, "std frame = %+v", f)
	assert.Equal(t, "", f.ContextLine, "std frame = %+v", f)
}

func equalFrames(a, b Frame) bool {
	eq := func(x, y []string) bool { return strings.Join(x, "\n") == strings.Join(y, "\n") && len(x) == len(y) }
	return a.Filename == b.Filename && a.AbsPath == b.AbsPath && a.Lineno == b.Lineno &&
		a.Function == b.Function && a.Module == b.Module && a.InApp == b.InApp &&
		eq(a.PreContext, b.PreContext) && a.ContextLine == b.ContextLine && eq(a.PostContext, b.PostContext)
}

func TestBacktrace(t *testing.T) {
	assert.Nil(t, Backtrace(nil), "Backtrace(nil) is not nil")
	got := Backtrace([]Frame{
		{Filename: "internal/db/query.go", Lineno: 42, Function: "(*DB).Query"},
		{Filename: "net/http/server.go", Lineno: 2100, Function: "HandlerFunc.ServeHTTP"},
	})
	want := "internal/db/query.go:42 in (*DB).Query\nnet/http/server.go:2100 in HandlerFunc.ServeHTTP"
	assert.Equal(t, want, strings.Join(got, "\n"), "Backtrace = %q", got)
}

func TestSymbolizerConcurrent(t *testing.T) {
	s := NewSymbolizer(Options{CacheBytes: 4 << 10})
	pcs := callersFrom(0)
	want, _ := s.Frames(pcs)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				got, _ := s.Frames(pcs)
				// A goroutine of the test's own: assert, never require (FailNow).
				if !assert.Len(t, got, len(want), "concurrent Frames differ") ||
					!assert.True(t, equalFrames(got[0], want[0]), "concurrent Frames differ: %+v", got[0]) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
