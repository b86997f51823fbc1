// Package errsightotel links ErrSight events to OpenTelemetry traces.
//
// An event captured with a context that carries a span (the package-level
// capture functions, errsight.Recover, errsight.Go, errsight.Group, and the
// integrations that pass the request's context) gets the span's ids:
//
//   - in the event's context, sent as metadata "errsight_context":
//     trace_id, span_id and trace_sampled ("true" when the trace is
//     exported, so there is a trace to jump to). The SDK writes this key
//     ahead of the user's metadata, so it survives the server's 50-key cut.
//   - as the tag "trace_id", to find every error of one trace by filtering
//     on it (unless the application set a trace_id tag itself; like any tag,
//     it is kept when the event has at most 30 tags, or when it sorts
//     among the first 30 keys).
//
// Install it once, with the client:
//
//	client, err := errsight.Init(errsight.Options{
//		ContextHooks: []errsight.ContextHook{errsightotel.NewHook(errsightotel.Options{})},
//	})
//
// # Recording the exception on the span
//
// With Options.RecordException, the span also records the exception (an
// "exception" span event, as span.RecordError makes), with the attribute
// errsight.event_id: the event's id, so that a trace viewer leads to the
// ErrSight event. It is off by default, because applications that call
// span.RecordError themselves would record every error twice. The span
// records it when the event is captured: an event dropped later (by
// BeforeSend, a full queue, the spike guard) leaves an id that never arrives.
//
// # Cost
//
// Outside a span, the hook costs one context lookup and no allocation; the
// core never imports OpenTelemetry. Inside a span, reading the ids happens
// on the client's worker, not on the capturing goroutine.
package errsightotel
