// Package errsight reports errors, panics and log records to ErrSight.
//
// # Setup
//
// Build a client once, at the start of main, and close it on the way out:
//
//	client, err := errsight.Init(errsight.Options{
//		APIKey:  os.Getenv("ERRSIGHT_API_KEY"), // blank: every capture is a no-op
//		Release: "checkout@1.4.2",
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer client.Close() // delivers what is queued, within ShutdownTimeout
//
// Every zero field of [Options] is seeded from the environment
// (ERRSIGHT_API_KEY, ERRSIGHT_ENV, ERRSIGHT_HOST, ERRSIGHT_RELEASE,
// ERRSIGHT_SERVER_NAME, ERRSIGHT_DEBUG), then from the defaults. Without
// an API key the client is disabled: it starts no goroutine, sends nothing,
// and a capture costs a few nanoseconds and no allocation, so capture calls
// can ship unconditionally.
//
// # Capturing
//
// Every capture function takes a context.Context and returns the event's
// [EventID]:
//
//	errsight.CaptureError(ctx, err)
//	errsight.CaptureErrorAtLevel(ctx, err, errsight.LevelWarning)
//	errsight.CaptureMessage(ctx, "cache rebuild took too long", errsight.LevelWarning)
//
// A capture never blocks and never panics. The calling goroutine records the
// stack (program counters only), takes a snapshot of the scope and enqueues;
// symbolisation, source context, JSON encoding and HTTP happen on the
// client's worker goroutine. When the bounded queue is full the new event is
// dropped and counted in [Client.Stats].
//
// An error's report carries its type (the most specific one in its chain,
// as %T prints it), the whole %w / errors.Join cause chain, and its frames:
// the error's own creation stack when it carries one (github.com/pkg/errors,
// github.com/go-errors/errors...), else the stack of the capture call.
//
// # Scopes and context
//
// A [Hub] pairs the [Client] with a [Scope]: user, tags, metadata,
// fingerprint and breadcrumbs. Hubs travel in contexts. [WithScope] forks
// the hub of a context, so that what one request or job adds to its scope
// stays with it:
//
//	ctx = errsight.WithScope(ctx)
//	errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
//		s.SetUser(errsight.User{ID: "u-42"})
//		s.SetTag("tenant", "acme")
//	})
//	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "db", Message: "SELECT cart"})
//
// [HubFromContext] never returns nil: a context without a hub falls back to
// the global hub, which [Init] binds its client to. Forking is cheap (the
// scopes share their data until one changes it), so do it per request; the
// errsighthttp middleware does it for you.
//
// # Filtering and scrubbing
//
// [Options.MinLevel], [Options.IgnoreErrors] (errors.Is targets such as
// context.Canceled), [Options.IgnoreError] and [Options.SampleRate] drop
// events before anything is built. [Options.BeforeSend] sees each event
// fully built, on the client's worker goroutine (never the capturing one),
// with maps and slices of its own, and may change or drop it;
// [Event.Err] is the error it was captured for:
//
//	BeforeSend: func(ev *errsight.Event) *errsight.Event {
//		if errors.Is(ev.Err(), sql.ErrNoRows) {
//			return nil
//		}
//		delete(ev.Metadata, "credit_card")
//		return ev
//	},
//
// If BeforeSend panics, the event is dropped (fail-closed) unless
// [Options.BeforeSendFailOpen] is set. [Options.BeforeBreadcrumb] changes
// or drops each breadcrumb as it is added.
//
// After BeforeSend, on the worker, the URLs written in the text the SDK sends
// (messages, breadcrumbs, string values, source context) lose their
// user:password@ and the values of sensitive query parameters, by
// errsighthttp's rules: an error's `Get "https://h/v1?token=..."` is sent
// as `Get "https://h/v1?token=[Filtered]"`.
//
// # Delivery
//
// Events are sent in batches of [Options.BatchSize] every
// [Options.FlushInterval], up to [Options.MaxConcurrentSends] requests at
// once, split to stay under the server's 512 KiB and 100 events per request
// and under the project's rate limit. A 429 pauses sending for the server's
// Retry-After; 5xx answers and network errors are retried with exponential
// backoff. Delivery is at-least-once: the server does not de-duplicate a
// retry of a request it had in fact processed. [Client.Flush] waits for
// delivery, bounded by its context; [Client.Close] drains within
// [Options.ShutdownTimeout], whatever the worker is doing, and says what it
// could not deliver as a [*DeliveryError] matching [ErrShutdownTimeout],
// [ErrAPIKeyRejected] or [ErrDeliveryStuck]. A rejected API key is also
// warned about once on stderr.
//
// # Panics and crashes
//
// [Recover] reports a panic with the stack at the panic site, then
// re-panics; [Go] starts a goroutine with a forked hub and that protection.
// With [Options.CrashMonitor], [Init] also starts a monitor process that
// reports unrecovered panics in any goroutine and fatal runtime errors.
// [Safe] reports a panic and returns it as a [*PanicError] instead, for
// loops that carry on. [NewGroup] is errgroup.WithContext whose goroutines
// each get a forked hub and that protection.
//
// # Context on every event
//
// Every event carries [Event.Contexts]: server name ([Options.ServerName]),
// Go version, OS, architecture, SDK name and version, sent as the metadata
// object "errsight_context" ahead of the user's keys. [Options.Release] is
// detected when not set: see its documentation for the order. A
// [ContextHook] ([Options.ContextHooks]) adds what the capture context
// carries; package errsightotel is one, adding trace and span ids.
//
// # Testing
//
// Package errsighttest runs an in-process ErrSight API that enforces the real
// server's rules and records what it accepted; point [Options.Host] at it.
// Package errsighttest/testhub does it in one call for an application's
// tests: testhub.New(t) returns a context whose hub reports to such a
// server, closed when the test ends.
package errsight
