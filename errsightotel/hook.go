package errsightotel

import (
	"context"
	"strconv"

	"github.com/errsight/errsight-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Keys this package writes in Event.Contexts (and Tags, for TagTraceID).
const (
	ContextTraceID      = "trace_id"
	ContextSpanID       = "span_id"
	ContextTraceSampled = "trace_sampled"
	TagTraceID          = "trace_id"
	// AttributeEventID is the attribute of the recorded exception that holds
	// the ErrSight event id.
	AttributeEventID = "errsight.event_id"
)

// Options configures the hook. The zero value is the default: ids on every
// event captured in a span, nothing recorded on the span.
type Options struct {
	// RecordException makes the span of the capture record the exception,
	// with the ErrSight event id as attribute errsight.event_id. Only
	// recording spans do; see the package documentation for when to use it.
	RecordException bool
	// SetStatus also sets the span's status to Error when RecordException
	// records an event at or above errsight.LevelError.
	SetStatus bool
}

// Hook is the errsight.ContextHook that links events to spans. It is safe
// for concurrent use; its zero value is a Hook with zero Options.
type Hook struct {
	opts Options
}

var _ errsight.ContextHook = (*Hook)(nil)

// NewHook returns a hook with the given options, for
// errsight.Options.ContextHooks.
func NewHook(opts Options) *Hook {
	return &Hook{opts: opts}
}

// FromContext returns the span of ctx when its span context is valid, nil
// otherwise. It runs on the capturing goroutine: the span is returned as it
// is (an interface value, so no allocation), and its ids are read later by
// Enrich. With RecordException, a recording span records the exception here,
// while it is still open.
func (h *Hook) FromContext(ctx context.Context, info errsight.CaptureInfo) any {
	span := trace.SpanFromContext(ctx)
	if !span.SpanContext().IsValid() {
		return nil
	}
	if h != nil && h.opts.RecordException && span.IsRecording() {
		h.record(span, info)
	}
	return span
}

// record adds the exception event to a recording span.
func (h *Hook) record(span trace.Span, info errsight.CaptureInfo) {
	id := trace.WithAttributes(attribute.String(AttributeEventID, string(info.ID)))
	if info.Err != nil {
		span.RecordError(info.Err, id)
	} else {
		span.AddEvent("exception", id, trace.WithAttributes(
			attribute.String("exception.message", info.Message),
		))
	}
	if h.opts.SetStatus && info.Level >= errsight.LevelError {
		span.SetStatus(codes.Error, info.Message)
	}
}

// Enrich writes the span's ids into the event. A span's SpanContext never
// changes, so reading it on the client's worker, after the span may have
// ended, is safe.
func (h *Hook) Enrich(ev *errsight.Event, v any) {
	span, ok := v.(trace.Span)
	if !ok {
		return
	}
	sc := span.SpanContext()
	if ev.Contexts == nil {
		ev.Contexts = make(map[string]string, 3)
	}
	traceID := sc.TraceID().String()
	ev.Contexts[ContextTraceID] = traceID
	ev.Contexts[ContextSpanID] = sc.SpanID().String()
	ev.Contexts[ContextTraceSampled] = strconv.FormatBool(sc.IsSampled())
	if _, set := ev.Tags[TagTraceID]; !set {
		if ev.Tags == nil {
			ev.Tags = make(map[string]string, 1)
		}
		ev.Tags[TagTraceID] = traceID
	}
}
