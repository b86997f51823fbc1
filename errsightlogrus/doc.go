// Package errsightlogrus reports github.com/sirupsen/logrus entries to
// ErrSight: errors as events, and the lines logged before them as
// breadcrumbs. It is a nested module, so that the errsight module itself
// does not depend on logrus.
//
// # Setup
//
//	client, err := errsight.Init(errsight.Options{...})
//	...
//	logrus.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
//
// The logger's output (formatter, writer, level) is unchanged. From then
// on, by default,
//
//   - entries at logrus.ErrorLevel and above become events (Error as
//     error, Fatal and Panic as fatal);
//   - entries at logrus.InfoLevel and above become breadcrumbs, attached
//     to the next events of the same hub (an event's own entry is added
//     after it);
//   - Debug and Trace entries never reach the hook: logrus asks for its
//     levels once, in AddHook.
//
// [Options.EventLevel] and [Options.BreadcrumbLevel] move the thresholds.
//
// # Context decides the hub
//
// An entry goes to errsight.HubFromContext of its context: log with
// WithContext and the context of the work at hand,
//
//	log := logrus.WithContext(r.Context()) // this request's hub (errsighthttp.Middleware)
//	log.WithField("cart", id).Info("loading cart")               // breadcrumb on this request only
//	log.WithError(err).WithField("order", 42).Error("charge failed") // event with this request's user and tags
//
// Entries without a hub in their context go to the global hub, or to
// [Options.Hub] when set: never to another request's.
//
// # What an event holds
//
//   - the entry's message; with an error, "message: error text";
//   - the level, mapped as above, and the entry's time;
//   - every field in the metadata; a map field (logrus.Fields,
//     map[string]any) stays a nested object, to a depth of 8. Values are
//     converted when logged: a pointer changed later does not change the
//     report; a value whose String, Error or MarshalJSON panics, or that
//     JSON cannot encode (a cycle), becomes a placeholder text;
//   - with an error field (WithError, else the first error-valued field in
//     key order): the error's class, its %w / errors.Join causes, and its
//     own origin stack when it carries one, else the stack of the logging
//     call, starting at the function that called logrus.
//
// Before a Fatal entry exits (or a Panic entry panics) the hook waits for
// the event to be sent, at most two seconds.
package errsightlogrus
