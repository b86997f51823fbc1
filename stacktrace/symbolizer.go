package stacktrace

import (
	"runtime"
	"strings"
	"sync"
)

// Options configures a Symbolizer. The zero Options is valid: every zero
// field means its default. The slices are read, never modified or kept
// beyond NewSymbolizer's copy.
//
// A frame is in-app by these rules, the first that applies:
//  1. it matches InAppExclude: not in-app;
//  2. it is in this SDK (github.com/errsight/errsight-go, and its batcher,
//     transport, stacktrace, errsighthttp, errsightslog, errsighttest and
//     internal packages): not in-app, even when the SDK is the main module,
//     except in its *_test.go files, where tests stand for the application
//     (the SDK's examples/ are an application too);
//  3. it matches InAppInclude: in-app;
//  4. it is in the main module: in-app; the standard library and every
//     dependency module, vendored or not: not.
type Options struct {
	// InAppInclude are package-path or file-path prefixes (on whole path
	// elements, matched against Frame.Module, Frame.Filename and
	// Frame.AbsPath) whose frames are in-app even outside the main module:
	// a company's shared libraries, say.
	InAppInclude []string
	// InAppExclude are prefixes like InAppInclude's whose frames are never
	// in-app, say generated code in the main module. Exclusion wins.
	InAppExclude []string
	// ContextLines is how many source lines each side of an in-app frame's
	// line are sent: default 5; negative disables source context.
	ContextLines int
	// MaxFrames caps the frames of one stack: default [MaxFrames].
	MaxFrames int
	// CacheBytes is the budget of the source-line cache: default 8 MiB;
	// negative disables caching (each frame then reads its file again).
	CacheBytes int
	// MainModule overrides the main module path, which otherwise comes from
	// debug.ReadBuildInfo (under go test, the module of the package being
	// tested). It is for tests, and for binaries built without module
	// information, to say which module is the application.
	MainModule string
}

const (
	defaultContextLines = 5
	defaultCacheBytes   = 8 << 20
	// maxNameCache bounds the remembered per-function results.
	maxNameCache = 4096
)

// Symbolizer turns program counters into [Frame]s: names normalised,
// files named the same on every machine, in-app flags set, and source
// context read for in-app frames. It remembers what it worked out, so one
// long-lived Symbolizer (per client) is cheapest.
//
// Safe for concurrent use. The zero Symbolizer is ready to use, with the
// zero [Options].
type Symbolizer struct {
	once sync.Once
	opts Options
	mods *modules
	src  *sourceCache

	mu    sync.Mutex
	gen   uint32 // mods.gen that names was filled under
	names map[nameKey]nameInfo
}

type nameKey struct{ function, file string }

// nameInfo is what a frame's function and file say, independent of line.
type nameInfo struct {
	filename, function, module string
	inApp                      bool
}

// NewSymbolizer builds a Symbolizer. The main module comes from
// debug.ReadBuildInfo unless opts.MainModule names it; the directory it was
// built in is learned from the calling goroutine's stack when it can be,
// and otherwise from the first frames that show it.
func NewSymbolizer(opts Options) *Symbolizer {
	s := &Symbolizer{}
	s.once.Do(func() { s.setup(opts) })
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	s.learnFrom(pcs[:n])
	return s
}

func (s *Symbolizer) init() { s.once.Do(func() { s.setup(Options{}) }) }

func (s *Symbolizer) setup(opts Options) {
	opts.InAppInclude = append([]string(nil), opts.InAppInclude...)
	opts.InAppExclude = append([]string(nil), opts.InAppExclude...)
	if opts.ContextLines == 0 {
		opts.ContextLines = defaultContextLines
	}
	if opts.MaxFrames <= 0 {
		opts.MaxFrames = MaxFrames
	}
	if opts.CacheBytes == 0 {
		opts.CacheBytes = defaultCacheBytes
	}
	s.opts = opts
	s.mods = newModules(opts.MainModule)
	s.src = newSourceCache(max(opts.CacheBytes, 0))
}

// Callers fills pcs with the calling goroutine's program counters, skipping
// skip frames above the caller of Callers (skip 0 = the caller of Callers is
// the first frame), and returns how many it wrote. It never allocates:
// capture paths call it and leave symbolisation for later. A negative skip
// counts as 0.
func Callers(skip int, pcs []uintptr) int {
	// runtime.Callers' skip 0 is runtime.Callers itself and 1 is this
	// function, so the caller of Callers is 2. It counts inlined frames
	// too, so this stays exact when Callers is inlined.
	return runtime.Callers(max(skip, 0)+2, pcs)
}

// Frames symbolises pcs (innermost first, as runtime.Callers gives them)
// into at most Options.MaxFrames frames with in-app flags and source context
// for in-app frames. omitted is how many frames were left out of the middle.
//
// The stack is cut to what matters:
//   - When a panic is on the stack (a frame is runtime.gopanic, the
//     innermost one when panics nest), that frame and everything inner of
//     it (the deferred function that recovered, the SDK) are dropped, and
//     so are the runtime's panic helpers right outside it (runtime.sigpanic,
//     runtime.panicmem, runtime.goPanicIndex...), so the first frame is the
//     function that panicked. A runtime function that panics on its own
//     account (runtime.mapassign for a nil map) stays: it is where it
//     happened.
//   - Runtime frames at the bottom (runtime.main, runtime.goexit) are
//     dropped: every goroutine has them.
//   - A stack deeper than the cap keeps its innermost four fifths and its
//     outermost fifth (40 and 10 by default): deep recursion shows where it
//     started and where it failed.
func (s *Symbolizer) Frames(pcs []uintptr) (frames []Frame, omitted int) {
	return s.frames(pcs, true)
}

func (s *Symbolizer) frames(pcs []uintptr, withContext bool) ([]Frame, int) {
	s.init()
	if len(pcs) == 0 {
		return nil, 0
	}
	raw := make([]runtime.Frame, 0, len(pcs))
	it := runtime.CallersFrames(pcs)
	for {
		f, more := it.Next()
		if f.PC != 0 || f.Function != "" || f.File != "" {
			raw = append(raw, f)
		}
		if !more {
			break
		}
	}
	raw = trimStack(raw)
	if !s.mods.rootKnown() {
		s.learnFrames(raw)
	}
	raw, omitted := s.keep(raw)
	out := make([]Frame, len(raw))
	for i, f := range raw {
		out[i] = s.frame(f.Function, f.File, f.Line, withContext)
	}
	return out, omitted
}

// Generation changes whenever the Symbolizer learns something that changes
// the frames it makes (the main module's directory, first seen in a
// stack): a caller that keeps frames it made, keyed by their program
// counters, must make them again when it differs.
func (s *Symbolizer) Generation() uint32 {
	s.init()
	return s.mods.gen.Load()
}

// FramesFrom symbolises frames that do not come from runtime.Callers (a
// traceback parsed from a crash output), innermost first, as Frame does
// each, and keeps at most Options.MaxFrames of them as Frames does: the
// innermost four fifths and the outermost fifth. It trims nothing else: the
// caller knows which frames of its stack matter. omitted is how many frames
// were left out of the middle.
func (s *Symbolizer) FramesFrom(raw []runtime.Frame) (frames []Frame, omitted int) {
	s.init()
	raw, omitted = s.keep(raw)
	out := make([]Frame, len(raw))
	for i, f := range raw {
		out[i] = s.frame(TrimArgs(f.Function), f.File, f.Line, true)
	}
	return out, omitted
}

// keep applies the frame cap, the one place that decides how a deep stack
// is cut (see Frames). It may reuse raw's array.
func (s *Symbolizer) keep(raw []runtime.Frame) ([]runtime.Frame, int) {
	limit := s.opts.MaxFrames
	if len(raw) <= limit {
		return raw, 0
	}
	outer := limit / 5
	inner := limit - outer
	return append(raw[:inner:inner], raw[len(raw)-outer:]...), len(raw) - limit
}

// trimStack drops the panic machinery and the runtime's bottom frames; see
// Frames. It never returns an empty stack for a non-empty one.
func trimStack(raw []runtime.Frame) []runtime.Frame {
	for i, f := range raw {
		if f.Function == "runtime.gopanic" {
			rest := raw[i+1:]
			for len(rest) > 0 && isPanicHelper(rest[0].Function) {
				rest = rest[1:]
			}
			if len(rest) > 0 {
				raw = rest
			}
			break
		}
	}
	n := len(raw)
	for n > 1 && isRuntimeFunc(raw[n-1].Function) {
		n--
	}
	return raw[:n]
}

// isPanicHelper reports whether fn is a runtime function whose only job is
// to start a panic for the caller's fault: a bad index, a nil dereference,
// a division by zero, a failed type assertion.
func isPanicHelper(fn string) bool {
	return fn == "runtime.sigpanic" || strings.HasPrefix(fn, "runtime.panic") ||
		strings.HasPrefix(fn, "runtime.goPanic")
}

func isRuntimeFunc(fn string) bool {
	return strings.HasPrefix(fn, "runtime.")
}

// learnFrom learns the main module's directory from a stack.
func (s *Symbolizer) learnFrom(pcs []uintptr) {
	if len(pcs) == 0 {
		return
	}
	var raw []runtime.Frame
	it := runtime.CallersFrames(pcs)
	for {
		f, more := it.Next()
		raw = append(raw, f)
		if !more {
			break
		}
	}
	s.learnFrames(raw)
}

// learnFrames learns from the first frame that can teach the main
// module's directory. Function literals are not trusted: one inlined from
// another module carries its caller's package but its own file.
func (s *Symbolizer) learnFrames(raw []runtime.Frame) {
	for _, f := range raw {
		if !isAbs(f.File) {
			continue
		}
		pkg, fn := SplitFunction(f.Function)
		if strings.HasSuffix(fn, ".func") || fn == "func" {
			continue
		}
		if s.mods.learn(pkg, f.File) {
			return
		}
	}
}

// Frame builds one frame from a fully-qualified function name (as
// runtime.Frame.Function or a traceback prints it, with or without the
// argument list), a file path and a line, with the same normalisation,
// in-app classification and source context as Frames.
func (s *Symbolizer) Frame(function, file string, line int) Frame {
	s.init()
	return s.frame(TrimArgs(function), file, line, true)
}

func (s *Symbolizer) frame(function, file string, line int, withContext bool) Frame {
	info := s.lookup(function, file)
	f := Frame{
		Filename: info.filename,
		Lineno:   line,
		Function: info.function,
		Module:   info.module,
		InApp:    info.inApp,
	}
	if isAbs(file) {
		f.AbsPath = file
	}
	if withContext && f.InApp && f.AbsPath != "" && s.opts.ContextLines > 0 {
		f.PreContext, f.ContextLine, f.PostContext = s.src.context(f.AbsPath, line, s.opts.ContextLines)
	}
	return f
}

// lookup works out, or remembers, what a function and file say.
func (s *Symbolizer) lookup(function, file string) nameInfo {
	key := nameKey{function, file}
	gen := s.mods.gen.Load()
	s.mu.Lock()
	if s.gen != gen || s.names == nil {
		s.names, s.gen = make(map[nameKey]nameInfo), gen
	}
	info, ok := s.names[key]
	s.mu.Unlock()
	if ok {
		return info
	}
	pkg, fn := SplitFunction(function)
	if fn == "" {
		fn = "unknown"
	}
	filename, kind := s.mods.locate(pkg, file)
	abs := ""
	if isAbs(file) {
		abs = file
	}
	info = nameInfo{filename: filename, function: fn, module: pkg}
	info.inApp = s.inApp(pkg, filename, abs, kind)
	s.mu.Lock()
	if len(s.names) >= maxNameCache {
		clear(s.names)
	}
	if s.gen == gen {
		s.names[key] = info
	}
	s.mu.Unlock()
	return info
}

// TrimArgs removes a Go traceback's argument list from a function name:
// "main.f(0x1, {0x2, 0x3})" and "main.(*T).M(...)" end at their name. A
// receiver's parentheses follow a dot, an argument list's do not.
func TrimArgs(fn string) string {
	if !strings.HasSuffix(fn, ")") {
		return fn
	}
	depth := 0
	for i := len(fn) - 1; i >= 0; i-- {
		switch fn[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if i > 0 && fn[i-1] != '.' {
					return fn[:i]
				}
				return fn
			}
		}
	}
	return fn
}

// FirstInApp returns the first in-app frame of the stack that Frames makes
// of pcs, without reading source context: what the server groups an event
// by, at a fraction of Frames' cost. ok is false when no frame is in-app.
func (s *Symbolizer) FirstInApp(pcs []uintptr) (f Frame, ok bool) {
	s.init()
	frames, _ := s.frames(pcs, false)
	return InAppFrame(frames)
}

// InAppFrame returns the first of frames that is in-app: the frame the
// server groups by.
func InAppFrame(frames []Frame) (Frame, bool) {
	for _, f := range frames {
		if f.InApp {
			return f, true
		}
	}
	return Frame{}, false
}
