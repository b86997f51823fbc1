package errsight

import (
	"context"
)

// Recover reports a panic in progress as a fatal event on the hub of ctx,
// flushes the client (bounded by Options.ShutdownTimeout) and re-panics with
// the same value, so the program behaves exactly as it would without it.
// Use it directly as a deferred call:
//
//	defer errsight.Recover(ctx)
//
// The event's stack is the one at the panic site. http.ErrAbortHandler is
// re-panicked without a report. Without a panic, Recover does nothing.
func Recover(ctx context.Context) {
	r := recover()
	if r == nil {
		return
	}
	h := HubFromContext(ctx)
	if h.capturePanic(r, 1) != "" {
		flushBounded(ctx, h.Client())
	}
	panic(r)
}

// Go runs f in a new goroutine with a forked hub (see [WithScope]) and the
// panic capture of [Recover]: a panic in f is reported with the scope of the
// work that started it, then crashes the program as it would have.
func Go(ctx context.Context, f func(ctx context.Context)) {
	ctx = WithScope(ctx)
	go func() {
		defer Recover(ctx)
		f(ctx)
	}()
}

// flushBounded delivers a panic's report before the process dies, bounded by
// the shutdown timeout alone: a cancelled or expiring request context must
// not skip the report.
func flushBounded(ctx context.Context, c *Client) {
	if !c.Enabled() {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.ShutdownTimeout)
	defer cancel()
	if err := c.Flush(fctx); err != nil {
		c.log.printf("flushing after a panic: %v", err)
	}
}
