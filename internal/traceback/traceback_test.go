package traceback

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the parser's output")

// samples returns the recorded crash outputs: name -> text. They are real
// outputs of Go 1.26, recorded by testdata/gen (go generate).
func samples(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txt")
	require.NoError(t, err, "no samples in testdata (%v): run go generate", err)
	require.NotEmpty(t, files, "no samples in testdata (%v): run go generate", err)
	out := make(map[string]string, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		out[strings.TrimSuffix(filepath.Base(f), ".txt")] = string(data)
	}
	return out
}

// TestGolden compares the parse of every sample with testdata/golden.
func TestGolden(t *testing.T) {
	for name, text := range samples(t) {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(Parse(text), "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				err := os.MkdirAll(filepath.Dir(golden), 0o755)
				require.NoError(t, err, fmt.Sprint(err))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "%v (run go test -update)", err)
			assert.True(t, bytes.Equal(got, want), "parse of %s differs from %s (go test -update rewrites it):\n%s", name, golden, got)
		})
	}
}

// TestCrashOutputMatchesStderr checks that the crash output (what the
// monitor reads) and standard error parse to the same stacks and, but for
// the fatal error line Go leaves out of the crash output, the same message.
func TestCrashOutputMatchesStderr(t *testing.T) {
	all := samples(t)
	for name, crashText := range all {
		base, ok := strings.CutSuffix(name, ".crash")
		if !ok || all[base+".stderr"] == "" {
			continue
		}
		t.Run(base, func(t *testing.T) {
			c, s := Parse(crashText), Parse(all[base+".stderr"])
			if c.Kind == "" {
				// A fatal error without any goroutine to show
				// (goexit_deadlock) leaves the crash output empty.
				require.Equal(t, "", strings.TrimSpace(crashText), "crash output unrecognised: %q", crashText)
				require.Equal(t, KindFatal, s.Kind, "crash output unrecognised: %q", crashText)
				assert.LessOrEqual(t, len(s.Goroutines), 0, "crash output unrecognised: %q", crashText)
				return
			}
			require.True(t, reflect.DeepEqual(c.Goroutines, s.Goroutines), "stacks differ:\ncrash output: %+v\nstderr:       %+v", c.Goroutines, s.Goroutines)
			assert.True(t, reflect.DeepEqual(c.Panics, s.Panics), "stacks differ:\ncrash output: %+v\nstderr:       %+v", c.Goroutines, s.Goroutines)
			require.Equal(t, s.Crashing, c.Crashing, "crashing/class: crash output %d %q, stderr %d %q", c.Crashing, c.Class, s.Crashing, s.Class)
			assert.Equal(t, s.Class, c.Class, "crashing/class: crash output %d %q, stderr %d %q", c.Crashing, c.Class, s.Crashing, s.Class)
			assert.False(t, s.Inferred, "stderr holds the message, yet it was inferred: %q", s.Message)
			if !c.Inferred {
				assert.Equal(t, s.Message, c.Message, "message: crash output vs stderr")
			}
		})
	}
}

// TestReports pins the headline of each recorded crash: what the event's
// message, class and first frame will be.
func TestReports(t *testing.T) {
	all := samples(t)
	tests := []struct {
		sample   string
		kind     string
		message  string
		class    string
		inferred bool
		function string // the crashing goroutine's first frame
		created  string // its "created by" function
		nPanics  int
	}{
		{"panic_string.crash", KindPanic, "panic: boom", ClassPanic, false, "main.panicString", "", 1},
		{"panic_goroutine.crash", KindPanic, "panic: worker failed", ClassPanic, false, "main.worker", "main.panicInGoroutine", 1},
		{"nil_map_write.crash", KindPanic, "panic: assignment to entry in nil map", ClassRuntimeError, false, "main.nilMapWrite", "", 1},
		{"index_out_of_range.crash", KindPanic, "panic: runtime error: index out of range [5] with length 3", ClassRuntimeError, false, "main.indexOutOfRange", "", 1},
		{"nil_pointer.crash", KindPanic, "panic: runtime error: invalid memory address or nil pointer dereference", ClassRuntimeError, false, "main.nilPointer", "", 1},
		{"type_assertion.crash", KindPanic, "panic: interface conversion: interface {} is string, not int", ClassRuntimeError, false, "main.init.func19", "", 1},
		{"closed_channel.crash", KindPanic, "panic: close of closed channel", ClassRuntimeError, false, "main.init.func18", "", 1},
		{"panic_nil.crash", KindPanic, "panic: panic called with nil argument", ClassRuntimeError, false, "main.init.func9", "", 1},
		{"concurrent_map.crash", KindFatal, "fatal error: concurrent map access (writes, or a read or iteration during a write)", ClassFatal, true, "internal/runtime/maps.fatal", "sync.(*WaitGroup).Go", 0},
		{"concurrent_map.stderr", KindFatal, "fatal error: concurrent map writes", ClassFatal, false, "internal/runtime/maps.fatal", "sync.(*WaitGroup).Go", 0},
		{"concurrent_map_system.crash", KindFatal, "fatal error: concurrent map writes", ClassFatal, true, "runtime.fatal", "sync.(*WaitGroup).Go", 0},
		{"deadlock.crash", KindFatal, "fatal error: all goroutines are asleep - deadlock!", ClassFatal, true, "main.deadlock", "", 0},
		{"stack_overflow.crash", KindFatal, "fatal error: stack overflow", ClassFatal, true, "main.overflow", "", 0},
		{"unlock_unlocked.crash", KindFatal, "fatal error: sync: unlock of unlocked mutex", ClassFatal, true, "internal/sync.fatal", "", 0},
		{"runlock_unlocked.crash", KindFatal, "fatal error: sync: RUnlock of unlocked RWMutex", ClassFatal, true, "sync.fatal", "", 0},
		{"panic_error_panics.crash", KindFatal, "fatal error: panic while printing panic value", ClassFatal, true, "runtime.throw", "", 0},
		{"panic_error_panics.stderr", KindFatal, "fatal error: panic while printing panic value: Error method panicked", ClassFatal, false, "runtime.throw", "", 0},
		{"panic_in_defer.crash", KindPanic, "panic: second", ClassPanic, false, "main.panicInDefer.func1", "", 2},
		{"recovered_then_panic.crash", KindPanic, "panic: wrapped: first", ClassPanic, false, "main.recoveredThenPanic.func1", "", 2},
		{"repanicked.crash", KindPanic, "panic: repanic me", ClassPanic, false, "main.repanicked.func1", "", 1},
		{"custom_error.crash", KindPanic, "panic: code 42", ClassPanic, false, "main.init.func2", "", 1},
		{"custom_string_type.crash", KindPanic, `panic: main.state("broken")`, "main.state", false, "main.init.func3", "", 1},
		{"custom_int_type.crash", KindPanic, "panic: main.code(7)", "main.code", false, "main.init.func5", "", 1},
		{"custom_struct.crash", KindPanic, "", "main.point", false, "main.init.func4", "", 1},
		{"stringer.crash", KindPanic, "panic: named widget", ClassPanic, false, "main.init.func6", "", 1},
		{"multiline_value.crash", KindPanic, "panic: first line\nsecond line\n\tindented", ClassPanic, false, "main.init.func7", "", 1},
		{"generic_method.crash", KindPanic, "panic: box of int", ClassPanic, false, "main.(*box[...]).explode", "", 1},
		{"sigquit.crash", KindSignal, "SIGQUIT: quit", "SIGQUIT", false, "internal/runtime/syscall/linux.Syscall6", "", 0},
		{"traceback_system.crash", KindPanic, "panic: system", ClassPanic, false, "panic", "", 1},
		{"traceback_crash.crash", KindPanic, "panic: worker failed", ClassPanic, false, "panic", "main.panicInGoroutine", 1},
		{"traceback_none.crash", KindPanic, "panic: quiet", ClassPanic, false, "", "", 1},
		{"all_goroutines.crash", KindPanic, "panic: with company", ClassPanic, false, "main.panicString", "", 1},
		{"truncated.crash", KindPanic, "panic: with company", ClassPanic, false, "main.panicString", "", 1},
		{"goexit_deadlock.crash", "", "", "", false, "", "", 0},
		{"goexit_deadlock.stderr", KindFatal, "fatal error: no goroutines (main called runtime.Goexit) - deadlock!", ClassFatal, false, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			text, ok := all[tt.sample]
			require.True(t, ok, "no sample %s", tt.sample)
			r := Parse(text)
			require.Equal(t, tt.kind, r.Kind, "kind, class, inferred = %q, %q, %v; want %q, %q, %v", r.Kind, r.Class, r.Inferred, tt.kind, tt.class, tt.inferred)
			require.Equal(t, tt.class, r.Class, "kind, class, inferred = %q, %q, %v; want %q, %q, %v", r.Kind, r.Class, r.Inferred, tt.kind, tt.class, tt.inferred)
			assert.Equal(t, tt.inferred, r.Inferred, "kind, class, inferred = %q, %q, %v; want %q, %q, %v", r.Kind, r.Class, r.Inferred, tt.kind, tt.class, tt.inferred)
			if tt.message != "" {
				assert.Equal(t, tt.message, r.Message, "message")
			}
			assert.Len(t, r.Panics, tt.nPanics, "%d panics, want %d: %+v", len(r.Panics), tt.nPanics, r.Panics)
			var fn, created string
			if r.Crashing >= 0 {
				g := r.Goroutines[r.Crashing]
				fn, created = g.Frames[0].Function, g.CreatedBy.Function
				for i, f := range g.Frames {
					if i < len(g.Frames)-1 {
						assert.NotEmpty(t, f.File, "frame %d badly parsed (no file): %+v", i, f)
					}
					if !strings.Contains(f.Function, "(*") {
						assert.False(t, strings.ContainsAny(f.Function, " ()"), "frame %d badly parsed (function): %+v", i, f)
					}
				}
			}
			require.Equal(t, tt.function, fn, "first frame %q created by %q; want %q created by %q", fn, created, tt.function, tt.created)
			assert.Equal(t, tt.created, created, "first frame %q created by %q; want %q created by %q", fn, created, tt.function, tt.created)
		})
	}
}

func TestPanicChain(t *testing.T) {
	all := samples(t)
	tests := []struct {
		sample string
		want   []Panic
	}{
		{"panic_in_defer.crash", []Panic{{Value: "first", Class: ClassPanic}, {Value: "second", Class: ClassPanic}}},
		{"recovered_then_panic.crash", []Panic{{Value: "first", Class: ClassPanic, Recovered: true}, {Value: "wrapped: first", Class: ClassPanic}}},
		{"repanicked.crash", []Panic{{Value: "repanic me", Class: ClassPanic, Recovered: true, Repanicked: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			assert.True(t, reflect.DeepEqual(Parse(all[tt.sample]).Panics, tt.want))
		})
	}
}

func TestGoroutineDetails(t *testing.T) {
	all := samples(t)
	r := Parse(all["all_goroutines.crash"])
	var states []string
	for _, g := range r.Goroutines {
		states = append(states, g.State)
	}
	want := []string{"running", "chan receive", "select (no cases)", "sync.Mutex.Lock", "sync.WaitGroup.Wait", "sleep"}
	assert.True(t, reflect.DeepEqual(states, want))
	g := r.Goroutines[1]
	require.EqualValues(t, 1, g.CreatorID, "created by = %+v in %d", g.CreatedBy, g.CreatorID)
	require.EqualValues(t, "main.allGoroutines", g.CreatedBy.Function, "created by = %+v in %d", g.CreatedBy, g.CreatorID)
	assert.NotZero(t, g.CreatedBy.Line, "created by = %+v in %d", g.CreatedBy, g.CreatorID)

	deep := Parse(all["deep_recursion.crash"]).Goroutines[0]
	require.EqualValues(t, 104, deep.FramesElided, "deep recursion: %d frames, %d elided; want 100, 104", len(deep.Frames), deep.FramesElided)
	assert.Len(t, deep.Frames, 100, "deep recursion: %d frames, %d elided; want 100, 104", len(deep.Frames), deep.FramesElided)

	sys := Parse(all["traceback_system.crash"])
	f := sys.Goroutines[0].Frames[1]
	require.Equal(t, "main.panicString", f.Function, "GOTRACEBACK=system frame = %+v", f)
	require.True(t, strings.HasSuffix(f.File, "gen/main.go"), "GOTRACEBACK=system frame = %+v", f)
	assert.NotZero(t, f.Line, "GOTRACEBACK=system frame = %+v", f)
	got := Parse(all["nil_pointer.crash"]).Signal
	assert.True(t, strings.HasPrefix(got, "SIGSEGV: segmentation violation"), "signal = %q", got)
	so := Parse(all["stack_overflow.crash"])
	require.Len(t, so.RuntimeStack, 3, "runtime stack = %+v", so.RuntimeStack)
	assert.EqualValues(t, "runtime.throw", so.RuntimeStack[0].Function, "runtime stack = %+v", so.RuntimeStack)
}

func TestParseFileLine(t *testing.T) {
	tests := []struct {
		in   string
		file string
		line int
	}{
		{"/src/app/main.go:145 +0x4d", "/src/app/main.go", 145},
		{"/src/app/main.go:145", "/src/app/main.go", 145},
		{"/my project/main.go:7 +0x1 fp=0xc0 sp=0xc1 pc=0x4", "/my project/main.go", 7},
		{"C:/Users/dev/app/main.go:12 +0x1d", "C:/Users/dev/app/main.go", 12},
		{"<autogenerated>:1 +0x26", "<autogenerated>", 1},
		{"?:0", "?", 0},
		{"/src/app/main.go:14", "/src/app/main.go", 14},
		{"/src/app/main.go:", "/src/app/main.go:", 0},
		{"no line at all", "no line at all", 0},
	}
	for _, tt := range tests {
		file, line := parseFileLine(tt.in)
		require.Equal(t, tt.file, file, "parseFileLine(%q) = %q, %d; want %q, %d", tt.in, file, line, tt.file, tt.line)
		assert.Equal(t, tt.line, line, "parseFileLine(%q) = %q, %d; want %q, %d", tt.in, file, line, tt.file, tt.line)
	}
}

func TestClassifyValue(t *testing.T) {
	tests := []struct{ value, class string }{
		{"boom", ClassPanic},
		{"runtime error: slice bounds out of range [:5] with capacity 3", ClassRuntimeError},
		{"runtime error: integer divide by zero", ClassRuntimeError},
		{"send on closed channel", ClassRuntimeError},
		{"value method main.T.M called using nil *T pointer", ClassRuntimeError},
		{"value method is fine", ClassPanic},
		{`main.state("broken")`, "main.state"},
		{`main.state("with (parens)")`, "main.state"},
		{"main.code(-7)", "main.code"},
		{"main.ratio(+1.500000e+000)", "main.ratio"},
		{"main.flag(true)", "main.flag"},
		{"(main.point) 0xc000012345", "main.point"},
		{"(*main.T) 0xc000012345", "*main.T"},
		{"(main.point) 0xnothex", ClassPanic},
		{"main.f(x)", ClassPanic},
		{"f(1)", ClassPanic},
		{"error in (some thing) 0x12", ClassPanic},
	}
	for _, tt := range tests {
		got := classifyValue(tt.value)
		assert.Equal(t, tt.class, got, "classifyValue(%q) = %q, want %q", tt.value, got, tt.class)
	}
}

// TestMalformed feeds inputs that are broken in the ways real ones can be.
func TestMalformed(t *testing.T) {
	tests := []struct {
		name, text string
		kind       string
		crashing   int
	}{
		{"empty", "", "", -1},
		{"blank lines", "\n\n\n", "", -1},
		{"garbage", "hello\nworld\x00\xff\n", "", -1},
		{"panic only", "panic: x", KindPanic, -1},
		{"header without frames", "panic: x\n\ngoroutine 1 [running]:\n", KindPanic, -1},
		{"file line first", "goroutine 1 [running]:\n\t/a.go:1 +0x1\nmain.f()\n", KindFatal, 0},
		{"bad goroutine id", "panic: x\n\ngoroutine x [running]:\nmain.f()\n\t/a.go:1\n", KindPanic, -1},
		{"created by only", "goroutine 3 [running]:\ncreated by main.main in goroutine x\n\t/a.go:3\n", KindFatal, -1},
		{"crlf", "panic: x\r\n\r\ngoroutine 1 [running]:\r\nmain.f()\r\n\t/a.go:1 +0x1\r\n", KindPanic, 0},
		{"tab chain without panic", "\tpanic: y\n", "", -1},
		{"signal bracket", "[signal SIGSEGV: x]\n\ngoroutine 1 [running]:\nmain.f()\n\t/a.go:1\n", KindFatal, 0},
		{"elided outside block", "...3 frames elided...\n", "", -1},
		{"runtime stack only", "runtime stack:\nruntime.throw()\n\t/r.go:1\n", KindFatal, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(tt.text)
			require.Equal(t, tt.kind, r.Kind, "kind %q crashing %d; want %q %d (%+v)", r.Kind, r.Crashing, tt.kind, tt.crashing, r)
			assert.Equal(t, tt.crashing, r.Crashing, "kind %q crashing %d; want %q %d (%+v)", r.Kind, r.Crashing, tt.kind, tt.crashing, r)
			checkInvariants(t, r)
		})
	}
}

// TestTruncated parses every prefix (by line) of the recorded outputs: a
// cut-off output must give a consistent, partial report.
func TestTruncated(t *testing.T) {
	for name, text := range samples(t) {
		full := Parse(text)
		for i := 0; i < len(text); i++ {
			if text[i] != '\n' && i%97 != 0 {
				continue
			}
			r := Parse(text[:i])
			checkInvariants(t, r)
			if full.Kind == KindPanic && r.Kind != "" {
				require.Equal(t, KindPanic, r.Kind, "%s cut at %d", name, i)
			}
		}
	}
}

func checkInvariants(t testing.TB, r *Report) {
	t.Helper()
	require.GreaterOrEqual(t, r.Crashing, -1, "Crashing %d out of range (%d goroutines)", r.Crashing, len(r.Goroutines))
	require.Less(t, r.Crashing, len(r.Goroutines), "Crashing %d out of range (%d goroutines)", r.Crashing, len(r.Goroutines))
	if r.Crashing >= 0 {
		require.NotEmpty(t, r.Goroutines[r.Crashing].Frames, "crashing goroutine without frames")
	}
	switch r.Kind {
	case "":
		require.Equal(t, "", r.Message, "no kind, yet message %q class %q", r.Message, r.Class)
		require.Equal(t, "", r.Class, "no kind, yet message %q class %q", r.Message, r.Class)
	case KindPanic, KindFatal, KindSignal:
		require.NotEmpty(t, r.Message, "kind %q without message (%q) or class (%q)", r.Kind, r.Message, r.Class)
		require.NotEmpty(t, r.Class, "kind %q without message (%q) or class (%q)", r.Kind, r.Message, r.Class)
	default:
		require.Failf(t, "unknown kind", "%q", r.Kind)
	}
	if r.Kind == KindPanic {
		require.NotEmpty(t, r.Panics, "panic without a panic chain")
	}
}
