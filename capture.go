package errsight

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"time"
	"unsafe"

	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/internal/traceback"
	"github.com/errsight/errsight-go/stacktrace"
)

// maxCauses caps exception_causes, as the official SDKs do.
const maxCauses = 5

// stackDepth is how many program counters a capture records: enough for
// MaxFrames after the SDK's own frames, and for the innermost-and-outermost
// trimming of deep stacks to have something to trim.
const stackDepth = 64

// capture is what a capture function queues: the few words the capturing
// goroutine can record cheaply. The worker turns it into an Event, unless
// the Event exists already: built by the caller (CaptureEvent), or on the
// spot for BeforeSend. Keeping it small keeps the capture path cheap: every
// byte allocated here is paid for on the user's goroutine.
type capture struct {
	ev  *Event
	id  EventID
	msg string
	// at is when the capture happened, as a monotonic reading (monoNow):
	// one clock read where time.Now makes two; event turns it into the
	// wall-clock Timestamp on the worker.
	at    time.Duration
	err   error
	pcs   []uintptr
	scope *scopeData
	// errBytes is the length of err's text (see size); bytes is what the
	// capture is charged in the queue's byte budget until the worker takes
	// it.
	errBytes int
	bytes    int64
	// hooked holds what the ContextHooks found in the capture's context,
	// by hook index; nil (no allocation) when they found nothing.
	hooked []any
	// idBytes holds the characters of id, so that the record and its id
	// are one allocation. Written once, before id refers to it, never after.
	idBytes [eventIDLen]byte
	// level comes last, next to idBytes: in the padding after it, the
	// record is 176 bytes, a size class below 192.
	level Level
}

// event returns the capture's Event, making it from the record once.
func (r *capture) event() *Event {
	if r.ev == nil {
		r.ev = &Event{ID: r.id, Level: r.level, Message: r.msg, Timestamp: wallTime(r.at), err: r.err, pcs: r.pcs, scope: r.scope, hooked: r.hooked}
		r.err, r.pcs, r.scope, r.hooked = nil, nil, nil, nil
	}
	return r.ev
}

// The capture functions below count the frames above them exactly: skip is
// how many frames sit between the user's call and the function itself, so
// that the first frame of the stack is the user's call site. ctx is the
// capture's context for the ContextHooks; nil for the Hub methods.

func (h *Hub) captureError(ctx context.Context, err error, level Level, skip int) EventID {
	c, level := h.admitError(err, level)
	if c == nil {
		return ""
	}
	var buf [stackDepth]uintptr
	return h.finishError(ctx, c, err, level, buf[:runtime.Callers(skip+2, buf[:])])
}

// admitError decides whether err is captured at level: it returns the
// client and the level to use, or a nil client when nothing is to be
// queued. It is the part of captureError before the stack is recorded,
// separate so that the exported capture functions can record the stack
// themselves: each SDK frame between the user's call and runtime.Callers
// costs the stack walk as much as one of the user's frames.
func (h *Hub) admitError(err error, level Level) (*Client, Level) {
	c := h.Client()
	if !c.Enabled() {
		return nil, 0
	}
	if safe.IsNilError(err) {
		c.log.printf("CaptureError called with a nil error (%T): nothing to report", err)
		return nil, 0
	}
	if level == 0 {
		level = LevelError
	}
	if level < c.opts.MinLevel {
		c.skipBelowMinLevel(level)
		return nil, 0
	}
	if c.ignored(err) || c.sampledOut() {
		return nil, 0
	}
	return c, level
}

// finishError queues the capture of err, admitted by admitError, with the
// stack pcs (recorded by the caller in a buffer of its own).
func (h *Hub) finishError(ctx context.Context, c *Client, err error, level Level, pcs []uintptr) EventID {
	msg := stacktrace.ErrorMessage(err)
	r := newCaptureWithStack(pcs)
	r.level, r.err, r.msg, r.errBytes = level, err, trimmed(msg, maxMessageChars), len(msg)
	return h.finish(ctx, c, r)
}

func (h *Hub) captureMessage(ctx context.Context, msg string, level Level, skip int) EventID {
	c := h.Client()
	if !c.Enabled() {
		return ""
	}
	if level == 0 {
		level = LevelInfo
	}
	if level < c.opts.MinLevel {
		c.skipBelowMinLevel(level)
		return ""
	}
	if c.sampledOut() {
		return ""
	}
	var r *capture
	if c.opts.AttachStacktrace {
		var buf [stackDepth]uintptr
		r = newCaptureWithStack(buf[:runtime.Callers(skip+2, buf[:])])
	} else {
		r = &capture{}
	}
	r.level, r.msg = level, trimmed(msg, maxMessageChars)
	return h.finish(ctx, c, r)
}

func (h *Hub) captureEvent(ctx context.Context, ev *Event, skip int) EventID {
	c := h.Client()
	if !c.Enabled() || ev == nil {
		return ""
	}
	ev.Level = defaultLevel(ev)
	if ev.Level < c.opts.MinLevel {
		c.skipBelowMinLevel(ev.Level)
		return ""
	}
	if c.ignored(ev.err) || c.sampledOut() {
		return ""
	}
	if c.opts.AttachStacktrace && ev.Exception == nil && ev.err == nil && ev.pcs == nil {
		// Only when the caller gave no stack of its own (SetStack, SetError).
		ev.pcs = callers(skip + 1)
	}
	trimEvent(ev)
	return h.finish(ctx, c, &capture{ev: ev})
}

// capturePanic reports a recovered value as a fatal event. Called from a
// deferred function, its stack runs through runtime.gopanic to the panicking
// function, which the symboliser makes the first frame.
func (h *Hub) capturePanic(ctx context.Context, r any, skip int) EventID {
	if r == nil {
		return ""
	}
	if safe.IsAbortHandler(r) {
		// net/http's sentinel for "abort this response quietly".
		return ""
	}
	c := h.Client()
	if !c.Enabled() {
		return ""
	}
	if err, ok := r.(error); (ok && c.ignored(err)) || c.sampledOut() {
		return ""
	}
	ev := &Event{Level: LevelFatal, Message: trimmed(safe.PanicMessage(r), maxMessageChars)}
	if err, ok := r.(error); ok && !safe.IsNilError(err) {
		ev.err = err
	}
	if _, ok := r.(error); !ok || isRuntimeError(r) {
		ev.Exception = &Exception{Class: panicClass(r)}
	}
	ev.pcs = callers(skip + 1)
	return h.finish(ctx, c, &capture{ev: ev})
}

// skipBelowMinLevel says, under Debug, that a capture was dropped for its
// level: the first time and at each power of two of the count, so that a
// chatty logger gives a handful of lines. Without Debug it costs nothing
// (no shared counter on a path that may run on every core).
func (c *Client) skipBelowMinLevel(level Level) {
	if !c.log.enabled {
		return
	}
	if n := c.belowMinLevel.Add(1); n&(n-1) == 0 {
		c.log.printf("capture at level %s dropped: below MinLevel (%s); %d dropped for this reason so far", level, c.opts.MinLevel, n)
	}
}

// finish stamps the capture with its id, time and scope snapshot, runs the
// ContextHooks' capture step, and hands it to the client.
func (h *Hub) finish(ctx context.Context, c *Client, r *capture) EventID {
	if ev := r.ev; ev != nil {
		if ev.ID == "" {
			ev.ID = newEventID()
		}
		if ev.Timestamp.IsZero() {
			ev.Timestamp = time.Now()
		}
		ev.scope = h.scope.snapshot()
		r.id = ev.ID
		if ctx != nil && len(c.opts.ContextHooks) > 0 {
			ev.hooked = c.contextValues(ctx, CaptureInfo{ID: ev.ID, Level: ev.Level, Message: ev.Message, Err: ev.err})
		}
	} else {
		putRandomEventID(&r.idBytes)
		r.id = EventID(unsafe.String(&r.idBytes[0], len(r.idBytes)))
		r.at = monoNow()
		r.scope = h.scope.snapshot()
		if ctx != nil && len(c.opts.ContextHooks) > 0 {
			r.hooked = c.contextValues(ctx, CaptureInfo{ID: r.id, Level: r.level, Message: r.msg, Err: r.err})
		}
	}
	return c.enqueue(r)
}

// defaultLevel is the level of a hand-built event: its own, else
// LevelError with exception data and LevelInfo without.
func defaultLevel(ev *Event) Level {
	switch {
	case ev.Level != 0:
		return ev.Level
	case ev.Exception != nil:
		return LevelError
	}
	return LevelInfo
}

// clockBase anchors the monotonic readings of captures.
var clockBase = time.Now()

// monoNow is the monotonic time since clockBase: one clock read (time.Since
// of a time with a monotonic reading reads only the monotonic clock).
func monoNow() time.Duration { return time.Since(clockBase) }

// wallTime is the wall-clock time of the monotonic reading at, taken
// moments ago: now, less the monotonic time elapsed since. It is exact
// unless the wall clock was stepped, or the machine suspended, in the few
// milliseconds between the capture and the worker.
func wallTime(at time.Duration) time.Time {
	now := time.Now()
	return now.Add(at - now.Sub(clockBase))
}

// callers records the stack into an array on the goroutine's own stack,
// then keeps only what it holds: a typical stack of 20 frames costs 160
// bytes, not stackDepth words.
func callers(skip int) []uintptr {
	var buf [stackDepth]uintptr
	n := stacktrace.Callers(skip+1, buf[:])
	if n == 0 {
		return nil
	}
	return append([]uintptr(nil), buf[:n]...)
}

// panicClass names a panic value for grouping, the way the crash monitor
// does, so that a panic groups the same whichever layer reports it: "panic"
// for a string or a Stringer (the traceback shows only their text),
// "runtime.Error" for the runtime's own panics (whose concrete types, such
// as runtime.boundsError, are internal and change between Go versions),
// else the value's type ("main.state"). Other errors get their ErrorClass.
func panicClass(r any) string {
	switch r.(type) {
	case nil, string, fmt.Stringer:
		return traceback.ClassPanic
	}
	if isRuntimeError(r) {
		return traceback.ClassRuntimeError
	}
	return reflect.TypeOf(r).String()
}

func isRuntimeError(r any) bool {
	_, ok := r.(runtime.Error)
	return ok
}
