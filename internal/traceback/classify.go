package traceback

import "strings"

// Classes, as in Report.Class and Panic.Class. They group crashes, so they
// never hold a value, an address or a goroutine id.
const (
	// ClassPanic is a panic whose value's type the text does not show: a
	// string, an error (printed as its Error text), a Stringer, a number.
	ClassPanic = "panic"
	// ClassRuntimeError is a panic raised by the runtime for the program's
	// fault: "runtime error: index out of range", "assignment to entry in
	// nil map", "interface conversion: ...", "close of closed channel"...
	ClassRuntimeError = "runtime.Error"
	// ClassFatal is a fatal error, whatever its message.
	ClassFatal = "fatal error"
)

// A panic value of a named non-error type prints with its type, which then
// is the class: `main.state("broken")` and `main.code(7)` are "main.state"
// and "main.code", `(main.point) 0xc000012345` and `(*main.T) 0xc000012345`
// are "main.point" and "*main.T".

// runtimePanics are the texts of the runtime's own panics that do not start
// with "runtime error: " (its plainError values and friends).
var runtimePanics = []string{
	"assignment to entry in nil map",
	"close of nil channel",
	"close of closed channel",
	"send on closed channel",
	"makechan: size out of range",
	"panic called with nil argument",
	"interface conversion: ",
	"value method ",
	"arg size to reflect.call more than 1GB",
}

// classifyValue works out a panic value's class from its printed text.
func classifyValue(v string) string {
	if strings.HasPrefix(v, "runtime error: ") {
		return ClassRuntimeError
	}
	for _, p := range runtimePanics {
		if strings.HasPrefix(v, p) {
			if p == "value method " && !strings.Contains(v, " called using nil *") {
				continue
			}
			return ClassRuntimeError
		}
	}
	if t, ok := typedValue(v); ok {
		return t
	}
	return ClassPanic
}

// typedValue recognises how the runtime prints a value of a named type
// that is neither an error nor a Stringer: `pkg.T("text")`, `pkg.T(42)`,
// `(pkg.T) 0xc000012345`.
func typedValue(v string) (string, bool) {
	if rest, ok := strings.CutPrefix(v, "("); ok {
		typ, addr, ok := strings.Cut(rest, ") 0x")
		if ok && isTypeName(typ) && isHex(addr) {
			return typ, true
		}
		return "", false
	}
	open := strings.IndexByte(v, '(')
	if open <= 0 || !strings.HasSuffix(v, ")") {
		return "", false
	}
	typ, arg := v[:open], v[open+1:len(v)-1]
	if !isTypeName(typ) {
		return "", false
	}
	if strings.HasPrefix(arg, `"`) && strings.HasSuffix(arg, `"`) && len(arg) >= 2 {
		return typ, true
	}
	if arg == "true" || arg == "false" || isNumber(arg) {
		return typ, true
	}
	return "", false
}

// isTypeName accepts what reflect prints for a named type: "main.T",
// "*main.T", "pkg.List[int]", with at least one dot and no spaces.
func isTypeName(s string) bool {
	s = strings.TrimLeft(s, "*")
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '.', c == '[', c == ']', c == ',', c == '*', c >= 0x80:
		default:
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isNumber accepts the runtime's printing of integers and floats
// ("-7", "+1.500000e+000", "NaN", "+Inf").
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && !strings.ContainsRune("+-.eNaIf", c) {
			return false
		}
	}
	return true
}

// inferFatal works out a fatal error's message from the stacks, for crash
// outputs that lack the "fatal error: ..." line (golang/go#76859). It
// recognises the fatal errors a program (rather than the runtime) causes
// and says so plainly when it cannot.
func inferFatal(r *Report) string {
	var frames []Frame
	if r.Crashing >= 0 {
		frames = r.Goroutines[r.Crashing].Frames
	}
	// GOTRACEBACK=system shows the runtime's own fatal frames first.
	for len(frames) > 0 && (frames[0].Function == "runtime.fatal" || frames[0].Function == "runtime.throw") {
		frames = frames[1:]
	}
	switch {
	case hasFunc(r.RuntimeStack, "runtime.newstack"):
		return "stack overflow"
	case hasFunc(r.RuntimeStack, "runtime.preprintpanics") || hasFunc(frames, "runtime.preprintpanics") ||
		hasFunc(frames, "runtime.preprintpanics.func1"):
		return "panic while printing panic value"
	case len(frames) > 0 && isMapFatal(frames[0].Function):
		return mapFatal(frames[1:])
	case len(frames) > 0 && (frames[0].Function == "sync.fatal" || frames[0].Function == "internal/sync.fatal"):
		return syncFatal(frames[1:])
	case r.Signal != "":
		return "unexpected signal during runtime execution"
	case r.Crashing >= 0 && !r.Goroutines[r.Crashing].Running() && len(r.RuntimeStack) == 0:
		// Nothing runs: every goroutine is blocked.
		return "all goroutines are asleep - deadlock!"
	}
	return "(the runtime printed the message on standard error only)"
}

func hasFunc(frames []Frame, fn string) bool {
	for _, f := range frames {
		if f.Function == fn {
			return true
		}
	}
	return false
}

func isMapFatal(fn string) bool {
	return fn == "internal/runtime/maps.fatal"
}

// mapFatal names a concurrent map misuse from the frames below the fatal
// call. The runtime hides its own frames by default, so only under
// GOTRACEBACK=system do they say which access it was.
func mapFatal(below []Frame) string {
	for _, f := range below {
		if !strings.HasPrefix(f.Function, "runtime.") && !strings.HasPrefix(f.Function, "internal/runtime/maps.") {
			break
		}
		fn := strings.ToLower(f.Function)
		switch {
		case strings.Contains(fn, "clone"):
			return "concurrent map clone and map write"
		case strings.Contains(fn, "iter"):
			return "concurrent map iteration and map write"
		case strings.Contains(fn, "access") || strings.Contains(fn, "get"):
			return "concurrent map read and map write"
		case strings.Contains(fn, "assign") || strings.Contains(fn, "put") ||
			strings.Contains(fn, "delete") || strings.Contains(fn, "clear"):
			return "concurrent map writes"
		}
	}
	return "concurrent map access (writes, or a read or iteration during a write)"
}

// syncFatal names a sync primitive's fatal misuse from its frames.
func syncFatal(below []Frame) string {
	for _, f := range below {
		switch {
		case strings.Contains(f.Function, "(*RWMutex).rUnlock") || strings.Contains(f.Function, "(*RWMutex).RUnlock"):
			return "sync: RUnlock of unlocked RWMutex"
		case strings.Contains(f.Function, "(*RWMutex).Unlock"):
			return "sync: Unlock of unlocked RWMutex"
		case strings.Contains(f.Function, "(*Mutex).unlock") || strings.Contains(f.Function, "(*Mutex).Unlock"):
			return "sync: unlock of unlocked mutex"
		}
	}
	return "sync: misuse of a sync primitive"
}
