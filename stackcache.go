package errsight

import (
	"slices"
	"strings"
	"unsafe"

	"github.com/errsight/errsight-go/stacktrace"
)

// stackCache remembers, per distinct stack, what the worker makes of it:
// its frames, symbolised with source context, and their JSON. Errors come
// from a few call sites again and again, and for an event with a 20-frame
// stack, symbolising it and encoding its frames (about 10 KB of JSON, most
// of it source lines to escape and scrub) was most of the worker's time;
// with the cache, a stack seen before costs a map lookup and a copy.
//
// It belongs to the worker goroutine (the Client's encode), so it takes no
// lock. Entries are keyed by the program counters' bytes, which name the
// stack exactly within one process, and made afresh when the symboliser
// learns something that changes its output (its Generation). Events share
// an entry's frames: nothing writes to them (BeforeSend gets its own copy,
// see Event.isolate), and the JSON is spliced only while the event's
// frames are equal to the entry's.
type stackCache struct {
	m     map[string]*stackEntry
	bytes int // an estimate of what the entries hold
}

// Bounds of the stack cache: a few hundred distinct stacks, a few MiB. When
// either is reached the cache starts again: the worker's stacks are few, so
// this is rare, and it bounds the memory without tracking use.
const (
	maxStackEntries = 512
	maxStackBytes   = 4 << 20
)

// stackEntry is what the cache knows of one stack.
type stackEntry struct {
	gen uint32 // the symboliser's Generation the entry was made under
	// first is the first in-app frame (no source context), for the spike
	// guard's decision, which comes before the event is built: a dropped
	// event costs no source reading.
	first      Frame
	firstKnown bool
	// frames are the symbolised frames with source context, innermost
	// first, shared read-only by every event of this stack; built says
	// they are set.
	frames  []Frame
	omitted int
	built   bool
	// framesJSON and backtraceJSON are the encodings of frames at full
	// fidelity (the exception_frames value and the backtrace array), made
	// on first use.
	framesJSON, backtraceJSON []byte
	// fpJSON is the encoded default fingerprint of the last event of this
	// stack, for its class and message (see defaultFingerprintJSON).
	fpClass, fpMessage string
	fpJSON             []byte
}

// pcsKey is the map key of a stack: its program counters' bytes, read in
// place (a lookup does not allocate; an insertion copies it).
func pcsKey(pcs []uintptr) string {
	return unsafe.String((*byte)(unsafe.Pointer(unsafe.SliceData(pcs))), len(pcs)*int(unsafe.Sizeof(uintptr(0))))
}

// entry returns the stack's entry, making an empty one when there is none
// or it is stale.
func (sc *stackCache) entry(sym *stacktrace.Symbolizer, pcs []uintptr) *stackEntry {
	gen := sym.Generation()
	key := pcsKey(pcs)
	if e, ok := sc.m[key]; ok && e.gen == gen {
		return e
	}
	if sc.m == nil || len(sc.m) >= maxStackEntries || sc.bytes >= maxStackBytes {
		sc.m, sc.bytes = make(map[string]*stackEntry), 0
	}
	e := &stackEntry{gen: gen}
	sc.m[strings.Clone(key)] = e
	sc.bytes += len(key) + 128
	return e
}

// frames returns the entry of pcs with its frames symbolised.
func (sc *stackCache) frames(sym *stacktrace.Symbolizer, pcs []uintptr) *stackEntry {
	e := sc.entry(sym, pcs)
	if !e.built {
		e.frames, e.omitted = sym.Frames(pcs)
		e.built = true
		for i := range e.frames {
			f := &e.frames[i]
			// The strings are mostly shared with the symboliser's caches;
			// the slices and structs are the entry's own.
			sc.bytes += int(unsafe.Sizeof(*f)) + 16*(len(f.PreContext)+len(f.PostContext))
		}
	}
	return e
}

// firstInApp is the first in-app frame of the stack pcs, the zero Frame
// when none is: from the entry's frames when symbolised already, else
// symbolised without source context and remembered.
func (sc *stackCache) firstInApp(sym *stacktrace.Symbolizer, pcs []uintptr) Frame {
	e := sc.entry(sym, pcs)
	if e.built {
		f, _ := stacktrace.InAppFrame(e.frames)
		return f
	}
	if !e.firstKnown {
		e.first, _ = sym.FirstInApp(pcs)
		e.firstKnown = true
	}
	return e.first
}

// framesJSON returns the entry's exception_frames value, encoding it on
// first use (with the worker's per-frame source cache src).
func (sc *stackCache) framesJSON(e *stackEntry, src *sourceCache) []byte {
	if e.framesJSON == nil {
		e.framesJSON = slices.Clip(appendFramesCached(nil, e.frames, src))
		sc.bytes += len(e.framesJSON)
	}
	return e.framesJSON
}

// backtraceJSON returns the entry's backtrace array, encoding it on first
// use.
func (sc *stackCache) backtraceJSON(e *stackEntry) []byte {
	if e.backtraceJSON == nil {
		e.backtraceJSON = slices.Clip(appendStrings(nil, stacktrace.Backtrace(e.frames)))
		sc.bytes += len(e.backtraceJSON)
	}
	return e.backtraceJSON
}

// matches reports whether frames are the entry's frames: the very slice, or
// an equal copy (what BeforeSend received and left unchanged).
func (e *stackEntry) matches(frames []Frame) bool {
	if e == nil || !e.built || len(frames) != len(e.frames) || len(frames) == 0 {
		return false
	}
	if &frames[0] == &e.frames[0] {
		return true
	}
	for i := range frames {
		if !frameEqual(&frames[i], &e.frames[i]) {
			return false
		}
	}
	return true
}

// frameEqual compares two frames field by field. Strings shared by a copy
// compare by pointer first, so a copy's check is cheap.
func frameEqual(a, b *Frame) bool {
	return a.Filename == b.Filename && a.AbsPath == b.AbsPath && a.Lineno == b.Lineno &&
		a.Function == b.Function && a.Module == b.Module && a.InApp == b.InApp &&
		a.ContextLine == b.ContextLine && slices.Equal(a.PreContext, b.PreContext) &&
		slices.Equal(a.PostContext, b.PostContext)
}
