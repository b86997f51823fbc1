package errsight

import (
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/errsight/errsight-go/internal/text"
	"github.com/errsight/errsight-go/internal/traceback"
	"github.com/errsight/errsight-go/stacktrace"
)

// Metadata keys of crash monitor events.
const (
	// keyCrashOutput holds the runtime's crash output as the monitor read
	// it (every goroutine under GOTRACEBACK=all), cut to maxCrashOutputSent.
	keyCrashOutput = "crash_output"
	// keyCrashPID is the crashed process's id.
	keyCrashPID = "crash_pid"
	// keyCrashGoroutine is the crashing goroutine's id and state.
	keyCrashGoroutine = "crash_goroutine"
	// keyCrashSignal is the "[signal ...]" line: the fault's address.
	keyCrashSignal = "crash_signal"
	// keyCrashMessageInferred is true when the message was inferred from
	// the stack: Go does not copy a fatal error's message to the monitor
	// (golang/go#76859).
	keyCrashMessageInferred = "crash_message_inferred"
)

// maxCrashOutputSent bounds the crash output sent in the metadata: well
// under the encoder's limit for one value once JSON escapes its tabs.
const maxCrashOutputSent = 32 << 10

// Exception classes of crash monitor events that are not a type name.
const (
	// classCrash is a crash output the parser did not recognise.
	classCrash = "crash"
)

// crashEvent turns a parsed crash output into a fatal event:
//
//   - the message is the crash's headline: "panic: VALUE" (the panic that
//     killed the program), "fatal error: MESSAGE", "SIGQUIT: quit";
//   - the class is "panic" for a panic value whose type the text does not
//     show (a string, an error, a Stringer), the type for one it shows
//     ("main.state"), "runtime.Error" for the runtime's own panics (index
//     out of range, nil map, nil dereference...), "fatal error" for fatal
//     errors and the signal's name ("SIGQUIT") for fatal signals;
//   - the frames are the crashing goroutine's, innermost first, without the
//     runtime's frames above the first frame of the program (the runtime's
//     panic or fatal call), with the go statement that started the
//     goroutine ("created by") as the outermost frame;
//   - the earlier panics of a panic chain ("panic: X [recovered]" then
//     "panic: Y") are the causes, newest first.
func crashEvent(c *Client, r *traceback.Report, crash []byte, pid int) *Event {
	ev := &Event{
		Level:     LevelFatal,
		Message:   r.Message,
		Timestamp: time.Now(),
		Metadata:  map[string]any{keyCrashPID: pid},
	}
	ex := &Exception{Class: r.Class}
	if r.Kind == "" {
		ev.Message = "the process crashed: " + firstLine(strings.TrimSpace(string(crash)))
		ex.Class = classCrash
	}
	if r.Crashing >= 0 {
		g := &r.Goroutines[r.Crashing]
		ex.Frames, ex.FramesOmitted = crashFrames(c.sym, g)
		ev.Metadata[keyCrashGoroutine] = "goroutine " + strconv.FormatInt(g.ID, 10) + " [" + g.State + "]"
	}
	for i := len(r.Panics) - 1; i >= 0; i-- {
		if i == len(r.Panics)-1 && r.Kind == traceback.KindPanic {
			continue // the event itself
		}
		p := r.Panics[i]
		msg := "panic: " + p.Value
		if p.Recovered {
			msg += " [recovered]"
		}
		if len(ex.Causes) < maxCauses {
			ex.Causes = append(ex.Causes, Cause{Class: p.Class, Message: msg})
		}
	}
	ev.Exception = ex
	if r.Signal != "" {
		ev.Metadata[keyCrashSignal] = r.Signal
	}
	if r.Inferred {
		ev.Metadata[keyCrashMessageInferred] = true
	}
	ev.Metadata[keyCrashOutput] = text.TruncateBytes(string(crash), maxCrashOutputSent+len(text.Marker))
	return ev
}

// crashFrames symbolises a goroutine's frames as Symbolizer.Frames does a
// captured stack: the runtime's own frames above the program's first one
// and at the bottom dropped, the "created by" frame last, frames the
// traceback cut off (no file) left out, and the deep-stack cap applied by
// the symbolizer (Symbolizer.FramesFrom), the one place that cuts stacks.
func crashFrames(sym *stacktrace.Symbolizer, g *traceback.Goroutine) ([]Frame, int) {
	raw := g.Frames
	first := 0
	for first < len(raw) && isRuntimeFrame(raw[first].Function) {
		first++
	}
	if first == len(raw) {
		first = 0 // nothing but the runtime: keep it all
	}
	raw = raw[first:]
	n := len(raw)
	for n > 1 && isRuntimeFrame(raw[n-1].Function) {
		n--
	}
	raw = raw[:n]
	if g.CreatedBy.Function != "" && g.CreatedBy.File != "" {
		raw = append(raw[:n:n], g.CreatedBy)
	}
	frames := make([]runtime.Frame, 0, len(raw))
	for _, f := range raw {
		if f.File == "" {
			continue // cut off
		}
		fn := f.Function
		if fn == "panic" {
			fn = "runtime.gopanic" // as runtime.Callers names it
		}
		frames = append(frames, runtime.Frame{Function: fn, File: f.File, Line: f.Line})
	}
	out, omitted := sym.FramesFrom(frames)
	return out, omitted + g.FramesElided
}

// isRuntimeFrame reports whether fn belongs to the runtime: "panic" (how
// tracebacks print runtime.gopanic), runtime.*, internal/runtime/...
func isRuntimeFrame(fn string) bool {
	return fn == "panic" || strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/") ||
		strings.HasPrefix(fn, "runtime/internal/")
}
