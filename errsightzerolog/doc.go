// Package errsightzerolog reports github.com/rs/zerolog events to
// ErrSight: errors as events, and the lines logged before them as
// breadcrumbs. It is a nested module, so that the errsight module itself
// does not depend on zerolog.
//
// # Setup
//
// A zerolog writer sees only encoded bytes, and a zerolog hook sees the
// event's context but not its fields: the [Writer] is both, and is
// installed both ways. [New] does it in one call:
//
//	client, err := errsight.Init(errsight.Options{...})
//	...
//	logger := errsightzerolog.New(os.Stderr, errsightzerolog.Options{})
//	// which is
//	w := errsightzerolog.NewWriter(errsightzerolog.Options{})
//	logger := zerolog.New(zerolog.MultiLevelWriter(os.Stderr, w)).Hook(w.(zerolog.Hook))
//
// The logger's output is unchanged. From then on, by default,
//
//   - events at zerolog.ErrorLevel and above become ErrSight events (Error
//     as error, Fatal and Panic as fatal);
//   - events at zerolog.InfoLevel and above become breadcrumbs, attached
//     to the next events of the same hub (an event's own line is added
//     after it);
//   - Debug and Trace events cost two level comparisons (hook and writer)
//     and no allocation; events below the logger's level never reach them.
//
// [Options.EventLevel] and [Options.BreadcrumbLevel] move the thresholds.
//
// # Context decides the hub
//
// An event goes to errsight.HubFromContext of its context: give the logger
// the context of the work at hand, or each event,
//
//	log := logger.With().Ctx(r.Context()).Logger() // this request's hub (errsighthttp.Middleware)
//	log.Info().Int("cart", id).Msg("loading cart")                   // breadcrumb on this request only
//	log.Error().Err(err).Int("order", 42).Msg("charge failed")      // event with this request's user and tags
//	logger.Warn().Ctx(ctx).Msg("slow")                               // one event's context
//
// Events without a hub in their context go to the global hub, or to
// [Options.Hub] when set: never to another request's.
//
// # What an event holds, and how
//
// The hook runs on the logging goroutine, before zerolog writes the line.
// It reports:
//
//   - the message; with an error, "message: error text";
//   - the level, mapped as in [Options], and the time of the report;
//   - the fields the event holds when the hooks run (the logger's context
//     fields and the event's; not those added by hooks that run after it),
//     decoded from zerolog's JSON: Dict and Object fields are nested
//     objects, values are what zerolog wrote (its own fallbacks for values
//     it cannot encode). zerolog's level and time fields are left out;
//   - with Err: the error's class, its %w / errors.Join causes and its own
//     origin stack when it carries one, else the stack of the logging call,
//     starting at the function that called zerolog.
//
// # Limits, and why
//
// zerolog gives hooks no access to an event's fields: the hook reads the
// event's encoded buffer, an unexported field, through reflection
// (read-only, on the goroutine that owns the event). A zerolog release
// that renamed it would leave events without fields, not break them; a
// test pins it. zerolog built with the binary_log tag (CBOR) gives no
// fields either.
//
// zerolog keeps nothing of the error given to Err but its encoding. The
// error value, which the class, causes and stack come from, is seen on its
// way through zerolog.ErrorMarshalFunc, which [NewWriter] wraps once with
// [MarshalErrors] (output unchanged), and found again by the error's text.
// So: set your own ErrorMarshalFunc before NewWriter, or wrap it with
// MarshalErrors; an event whose error was not seen reports the error's
// text only. Two errors with the same text logged at the same moment on
// different goroutines can swap values (same text: almost surely the same
// class and causes; the origin stack may be the other's).
//
// The writer side reports events only while the Writer has never run as a
// hook: a logger given only the writer still reports, to Options.Hub or the
// global hub (bytes carry no context); once a logger has the hook, the
// writer stands down, so every logger writing to it must have the hook.
//
// Before zerolog exits after a Fatal event (or panics after a Panic one),
// the hook waits for the event to be sent, at most two seconds.
package errsightzerolog
