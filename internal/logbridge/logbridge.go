// Package logbridge is what the logging integrations (errsightslog,
// errsightzap, errsightzerolog, errsightlogrus) share: turning one log record
// into an event and/or a breadcrumb, taking a safe snapshot of a field's
// value, and finding the stack of the logging call. It is internal: users
// see each integration's own API.
package logbridge

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/stacktrace"
)

// Category is the category of the breadcrumbs every logging integration adds.
const Category = "log"

// Record is one log record, converted by an integration.
type Record struct {
	Level   errsight.Level
	Message string
	Time    time.Time      // zero: now
	Data    map[string]any // the record's fields, owned by the record; nil when none
	Err     error          // the error field, nil when none
	Stack   []uintptr      // the logging call's stack (innermost first), used when Err carries none
	// Event and Breadcrumb say what the record becomes.
	Event, Breadcrumb bool
	// Ctx is the record's context, for the client's ContextHooks
	// (errsightotel reads the span there); nil when the logger carries none.
	Ctx context.Context
}

// Report turns r into an event and/or a breadcrumb on hub. An event's
// message is "message: error text" when there is an error; the breadcrumb
// is added after the event, so that it shows on the later events of the
// same work and not on its own. Nothing happens when hub's client is
// disabled.
func Report(hub *errsight.Hub, r Record) {
	if !hub.Client().Enabled() {
		return
	}
	if r.Event {
		metadata := r.Data
		if r.Breadcrumb && r.Data != nil {
			// The event may be changed by BeforeSend; the breadcrumb is
			// shared by every later event. They must not share a map.
			metadata = maps.Clone(r.Data)
		}
		ev := &errsight.Event{Level: r.Level, Message: r.Message, Metadata: metadata, Timestamp: r.Time}
		if r.Err != nil && !IsNilError(r.Err) {
			ev.SetError(r.Err)
			ev.SetStack(r.Stack)
			if text := stacktrace.ErrorMessage(r.Err); ev.Message == "" {
				ev.Message = text
			} else if text != "" {
				ev.Message += ": " + text
			}
		}
		hub.CaptureEventContext(r.Ctx, ev)
	}
	if r.Breadcrumb {
		hub.AddBreadcrumb(errsight.Breadcrumb{
			Category:  Category,
			Message:   r.Message,
			Level:     r.Level,
			Data:      r.Data,
			Timestamp: r.Time,
		})
	}
}

// FlushTimeout bounds the flush before a logger ends the process (a Fatal
// record): long enough for one request, short enough not to hold an exit.
const FlushTimeout = 2 * time.Second

// Flush waits, at most FlushTimeout, for hub's client to deliver what is
// queued. The logging integrations call it for the records after which
// their logger exits the process or panics, as the loggers' own outputs
// sync then.
func Flush(hub *errsight.Hub) {
	ctx, cancel := context.WithTimeout(context.Background(), FlushTimeout)
	defer cancel()
	_ = hub.Client().Flush(ctx)
}

// Snapshot turns a field's value into one that is safe to encode later, on
// the client's worker, when the caller may have changed what a pointer
// points to: basic values as they are, errors as their text, Stringers as
// their text, anything else as its JSON (json.RawMessage). A value JSON
// cannot encode (a cycle, a channel) and a panicking String, Error or
// MarshalJSON method give a placeholder, never a panic: not %+v, which
// follows a map that contains itself until the stack overflows.
func Snapshot(x any) (out any) {
	defer func() {
		if r := recover(); r != nil {
			out = PanicPlaceholder(x, r)
		}
	}()
	switch x := x.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, json.Number, time.Time:
		return x
	case json.Marshaler, encoding.TextMarshaler:
		// The type chose its JSON form: below.
	case error:
		return stacktrace.ErrorMessage(x)
	case fmt.Stringer:
		return x.String()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprintf("[errsight: cannot encode %T: %v]", x, err)
	}
	return json.RawMessage(b)
}

// PanicPlaceholder is the text that stands for a value x whose method
// panicked with r. r is printed only when it is a string or an error: fmt
// would follow a map that contains itself until the stack overflows, which
// no recover can catch.
func PanicPlaceholder(x, r any) string {
	var text string
	switch r := r.(type) {
	case string:
		text = r
	case error:
		text = stacktrace.ErrorMessage(r)
	default:
		text = fmt.Sprintf("a %T", r)
	}
	return fmt.Sprintf("!PANIC in %T: %s", x, text)
}

// MaxDepth is how deep Nested follows maps inside maps; deeper values are
// snapshots as a whole.
const MaxDepth = 8

// maxEntries caps the entries Nested copies from one map.
const maxEntries = 100

// Nested is Snapshot for a field value that may hold fields of its own, as
// loggers nest them (logrus.Fields inside logrus.Fields, a map[string]any):
// a map with string keys becomes a map[string]any of nested values, to
// MaxDepth levels and maxEntries entries per map, so a map that contains
// itself ends as a placeholder. Other values are Snapshot's.
func Nested(x any) any { return nested(x, 0) }

func nested(x any, depth int) any {
	if depth >= MaxDepth {
		return Snapshot(x)
	}
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return Snapshot(x)
	}
	if _, ok := x.(json.Marshaler); ok {
		return Snapshot(x) // the type chose its JSON form
	}
	out := make(map[string]any, min(v.Len(), maxEntries))
	for it := v.MapRange(); it.Next() && len(out) < maxEntries; {
		e := it.Value()
		if !e.CanInterface() {
			continue
		}
		out[it.Key().String()] = nested(e.Interface(), depth+1)
	}
	return out
}

// IsNilError reports whether err is nil or a typed nil (see
// safe.IsNilError, the one implementation).
func IsNilError(err error) bool { return safe.IsNilError(err) }

// HubFor returns the hub of ctx; when ctx carries none, pinned if it is not
// nil, else the global hub. A hub in the record's context always wins, so
// a pinned hub never collects another request's records.
func HubFor(ctx context.Context, pinned *errsight.Hub) *errsight.Hub {
	hub := errsight.HubFromContext(ctx)
	if pinned != nil && hub == errsight.CurrentHub() {
		return pinned
	}
	return hub
}
