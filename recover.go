package errsight

import (
	"context"

	"github.com/errsight/errsight-go/internal/safe"
)

// Recover reports a panic in progress as a fatal event on the hub of ctx,
// flushes the client (bounded by Options.ShutdownTimeout) and re-panics with
// the same value, so the program behaves exactly as it would without it:
// an unhandled panic still prints its stack ("panic: X [recovered,
// repanicked]") and exits with status 2. Use it directly as a deferred
// call:
//
//	defer errsight.Recover(ctx)
//
// recover only stops a panic when called by the deferred function itself,
// so Recover does nothing inside another deferred function (defer
// func() { errsight.Recover(ctx) }() reports nothing).
//
// The event's message is "panic: " and the value; its class is the value's
// type ("string", "main.code"), or for an error value the error's class,
// with its cause chain; its stack is the one at the panic site, the
// function that panicked first. http.ErrAbortHandler is re-panicked
// without a report. Without a panic, Recover does nothing. When reporting
// itself fails, the original panic goes on all the same.
//
// With Options.CrashMonitor, a panic Recover reported is not reported a
// second time by the crash monitor when it kills the program.
func Recover(ctx context.Context) {
	r := recover()
	if r == nil {
		return
	}
	reportPanic(ctx, r)
	panic(r)
}

// reportPanic is Recover's report: it contains any panic of its own, so that
// Recover always re-panics with the original value.
func reportPanic(ctx context.Context, r any) {
	defer func() {
		if p := recover(); p != nil {
			if c := HubFromContext(ctx).Client(); c != nil {
				c.log.printf("reporting a panic failed: %s", safe.PanicText(p))
			}
		}
	}()
	h := HubFromContext(ctx)
	// Skip reportPanic and Recover: the stack starts at the runtime's
	// panic machinery, which the symboliser cuts off above the function
	// that panicked.
	if h.capturePanic(ctx, r, 2) == "" {
		return
	}
	if flushBounded(ctx, h.Client()) {
		noteReportedPanic()
	}
}

// Go runs f in a new goroutine with a forked hub (see [WithScope]) and the
// panic capture of [Recover]: a panic in f is reported with the scope of the
// work that started it (and what f added to its own fork), then crashes the
// program as it would have. It panics if f is nil.
func Go(ctx context.Context, f func(ctx context.Context)) {
	if f == nil {
		panic("errsight: Go called with a nil function")
	}
	ctx = WithScope(ctx)
	go func() {
		defer Recover(ctx)
		f(ctx)
	}()
}

// flushBounded delivers a panic's report before the process dies, bounded by
// the shutdown timeout alone: a cancelled or expiring request context must
// not skip the report. It reports whether everything queued was delivered
// (or finally dropped) in time.
func flushBounded(ctx context.Context, c *Client) bool {
	if !c.Enabled() {
		return false
	}
	if ctx == nil {
		ctx = context.Background()
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.ShutdownTimeout)
	defer cancel()
	if err := c.Flush(fctx); err != nil {
		c.log.printf("flushing after a panic: %v", err)
		return false
	}
	return true
}
