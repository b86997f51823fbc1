// Package errsightslog reports log/slog records to ErrSight: errors as
// events, and the lines logged before them as breadcrumbs. It depends on the
// standard library and the errsight package only.
//
// # Setup
//
// Install the [Handler] as the default logger, keeping a text or JSON
// handler for the logs themselves with [HandlerOptions.Next]:
//
//	client, err := errsight.Init(errsight.Options{...})
//	...
//	slog.SetDefault(slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{
//		Next: slog.NewJSONHandler(os.Stderr, nil),
//	})))
//
// From then on, by default,
//
//   - records at slog.LevelError and above become events (Error as error,
//     anything above it as fatal);
//   - records at slog.LevelInfo and above become breadcrumbs, attached to
//     the next events of the same hub. Error records are breadcrumbs too,
//     added after their own event: an error logged and handled shows on
//     the crash that follows it;
//   - Debug records cost nothing unless Next wants them.
//
// [HandlerOptions.EventLevel] and [HandlerOptions.BreadcrumbLevel] move
// the thresholds; a *slog.LevelVar moves them at run time.
//
// # Context decides the hub
//
// Each record goes to errsight.HubFromContext of its context. Log with the
// *Context functions and the context of the work at hand:
//
//	func handle(w http.ResponseWriter, r *http.Request) {
//		ctx := r.Context() // carries this request's hub (errsighthttp.Middleware)
//		slog.InfoContext(ctx, "loading cart", "cart", id)                // breadcrumb on this request only
//		slog.ErrorContext(ctx, "charge failed", "err", err, "order", 42) // event with this request's user, tags and data
//	}
//
// A breadcrumb logged by one request never shows on another request's
// events, however many run at once. Records without a hub in their context
// (slog.Info, log.Printf) go to the global hub, or to [HandlerOptions.Hub]
// when set.
//
// # What an event holds
//
//   - the record's message; with an error attribute, "message: error text";
//   - the level, mapped as above;
//   - the record's time;
//   - every attribute in the metadata, groups as dotted keys ("req.id"),
//     LogValuers resolved, WithAttrs and WithGroup honoured. Values are
//     converted when logged, as slog.JSONHandler writes them, so a pointer
//     changed after the call does not change the report;
//   - with an attribute whose value is an error (the record's first, else
//     the first of WithAttrs): the exception data, as errsight.CaptureError
//     reports it: the error's type, its %w / errors.Join cause chain, and its
//     own origin stack when it carries one, else the stack of the logging
//     call (from slog.Record.PC).
//
// A record without an error attribute is a message event: the server groups
// it by its message, which is what a constant slog message is for.
//
// Breadcrumbs have the category "log", the record's message, level, time
// and attributes.
//
// # The standard log package
//
// slog.SetDefault also routes the log package's output through the
// handler, at slog.LevelInfo: log.Printf lines become breadcrumbs on the
// global hub (or [HandlerOptions.Hub]).
package errsightslog
