// Package errsightzap reports go.uber.org/zap entries to ErrSight: errors
// as events, and the lines logged before them as breadcrumbs. It is a
// nested module, so that the errsight module itself does not depend on zap.
//
// # Setup
//
// [NewCore] returns a zapcore.Core that writes no output: tee it with the
// logger's own core, so the logs stay as they are,
//
//	client, err := errsight.Init(errsight.Options{...})
//	...
//	logger := zap.New(zapcore.NewTee(ownCore, errsightzap.NewCore(errsightzap.Options{})))
//	// or, on an existing logger:
//	logger = logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
//		return zapcore.NewTee(c, errsightzap.NewCore(errsightzap.Options{}))
//	}))
//	defer logger.Sync() // also sends the last events
//
// From then on, by default,
//
//   - entries at zapcore.ErrorLevel and above become events (Error as
//     error; DPanic, Panic and Fatal as fatal);
//   - entries at zapcore.InfoLevel and above become breadcrumbs, attached
//     to the next events of the same hub (an event's own entry is added
//     after it);
//   - Debug entries cost zap's level comparison and nothing else.
//
// [Options.EventLevel] and [Options.BreadcrumbLevel] move the thresholds.
//
// # Context decides the hub
//
// zap entries carry no context.Context: the [Context] field carries it,
// invisible to other cores. An entry goes to errsight.HubFromContext of
// its Context field, else of the one given to With:
//
//	log := logger.With(errsightzap.Context(r.Context())) // this request's hub (errsighthttp.Middleware)
//	log.Info("loading cart", zap.Int("cart", id))                     // breadcrumb on this request only
//	log.Error("charge failed", zap.Error(err), zap.Int("order", 42)) // event with this request's user and tags
//
// Entries without one go to the global hub, or to [Options.Hub] when set:
// never to another request's.
//
// # What an event holds
//
//   - the entry's message; with an error field, "message: error text";
//   - the level, mapped as above, and the entry's time;
//   - every field in the metadata, nested as zap nests them: zap.Object
//     and zap.Inline objects, arrays, and zap.Namespace (from With or the
//     entry) as nested objects; the logger's name (zap.Logger.Named) as
//     "logger"; durations as text ("1.5s"). Values are converted when
//     logged: a pointer changed later does not change the report. A
//     marshaler or String method that panics, a value JSON cannot encode
//     (a cycle), and objects nested deeper than 8 become placeholder texts;
//   - with an error field (zap.Error, zap.NamedError: the entry's first,
//     else the first given to With): the error's class, its %w /
//     errors.Join causes, and its own origin stack when it carries one,
//     else the stack of the logging call, starting at the function that
//     called zap. The metadata holds the error's text, not zap's
//     errorVerbose.
//
// Before zap panics or exits after a DPanic, Panic or Fatal entry, the core
// waits for the event to be sent, at most two seconds.
package errsightzap
