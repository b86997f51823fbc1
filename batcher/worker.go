package batcher

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/errsight/errsight-go/transport"
)

// worker is the state owned by the worker goroutine. Nothing here is
// touched by any other goroutine; what others need to see is published
// through the Batcher's atomics.
type worker[T any] struct {
	b   *Batcher[T]
	cfg Config[T]

	// outbox holds the encoded items taken from the queue and not yet
	// delivered or dropped, oldest first. Batches are cut from its front.
	outbox      []entry
	outboxBytes int // sum of len(data) over outbox
	// held lists the sizes of the batches at the front of outbox that must
	// go out next, exactly as they are: a batch that failed and waits for
	// its retry, or the halves of a batch the server found too large.
	held []int
	// resend is true when the next send repeats the previous attempt (a
	// retry after a transient failure or a 429): it counts in Retries.
	resend bool

	recvSeq uint64 // sequence number of the last item taken from the queue

	// nextSendAt is the earliest time a send may start: the end of a 429
	// pause (rateLimited) or of a retry backoff.
	nextSendAt  time.Time
	rateLimited bool
	failures    int // consecutive transient failures, for the backoff

	waiters []*flushWaiter // pending Flush calls, by increasing target

	stopping   bool
	deadline   time.Time
	lost       [NumDropReasons]uint64 // accepted items dropped, by reason
	lostAtStop [NumDropReasons]uint64

	// limit is the most items one request may carry: BatchSize, lowered to
	// the project's rate limit when a 429 says it (or halved when a 429
	// does not say it), since the server refuses for ever a request of more
	// events than its per-window limit.
	limit     int
	keyWarned bool   // the rejected-key warning was given
	body      []byte // request body buffer, reused
}

// run is the worker goroutine. It returns after Close has closed stopCh and
// the worker has delivered everything or given up (deadline reached, or a
// pause that outlasts it); its deferred close(done) tells Close so.
func (w *worker[T]) run(ctx context.Context) {
	b := w.b
	defer close(b.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	for {
		w.publish()
		if w.stopping && len(w.outbox) == 0 && len(b.queue) == 0 {
			break // everything accepted is delivered or dropped
		}
		// Take what is already queued, up to a full batch, before deciding
		// anything: a batch that is due should leave as full as it can.
		if !w.full() {
			select {
			case item := <-b.queue:
				w.accept(item)
				continue
			default:
			}
		}
		now := time.Now()
		if w.stopping && (!now.Before(w.deadline) || w.nextSendAt.After(w.deadline) || ctx.Err() != nil) {
			break // Close's time is up, or the next send could only start after it
		}
		if w.due(now) {
			// Under a steady flood the loop may never reach the select below:
			// look at Flush and Close once per batch so they cannot starve.
			select {
			case fw := <-b.flushCh:
				w.addWaiter(fw)
				continue
			case <-w.stopCh():
				w.stop()
				continue
			default:
			}
			w.send(ctx)
			continue
		}

		var queue <-chan T
		if !w.full() {
			// With a full batch waiting (paused, backing off), leave the rest
			// in the queue: memory stays bounded and Enqueue counts the
			// overflow instead.
			queue = b.queue
		}
		var wake <-chan time.Time
		if at, ok := w.wakeAt(); ok {
			timer.Reset(at.Sub(now))
			wake = timer.C
		}
		select {
		case item := <-queue:
			w.accept(item)
		case fw := <-b.flushCh:
			w.addWaiter(fw)
		case <-w.stopCh():
			w.stop()
		case <-wake:
		}
		timer.Stop()
	}
	w.giveUp()
	w.publish()
	for _, fw := range w.waiters {
		close(fw.done) // everything is accounted for now
	}
	w.waiters = nil
	for _, r := range []DropReason{DropRateLimited, DropClosed} {
		b.report.GaveUp[r] = w.lost[r] - w.lostAtStop[r]
	}
}

// stopCh is the Batcher's stopCh until the worker has seen it closed, nil
// after (a nil channel is never ready in a select).
func (w *worker[T]) stopCh() <-chan struct{} {
	if w.stopping {
		return nil
	}
	return w.b.stopCh
}

// stop switches the worker to draining for Close.
func (w *worker[T]) stop() {
	w.stopping = true
	w.deadline = w.b.stopDeadline
	w.lostAtStop = w.lost
}

// urgent reports whether the front of the outbox should go out without
// waiting for its FlushInterval.
func (w *worker[T]) urgent() bool {
	return len(w.held) > 0 || w.full() || w.stopping || len(w.waiters) > 0
}

// due reports whether a batch should be sent now.
func (w *worker[T]) due(now time.Time) bool {
	if len(w.outbox) == 0 || now.Before(w.nextSendAt) {
		return false
	}
	return w.urgent() || !now.Before(w.outbox[0].at.Add(w.cfg.FlushInterval))
}

// wakeAt is when the worker must look again even if nothing arrives: the
// end of a pause or backoff, the FlushInterval of the oldest item, Close's
// deadline.
func (w *worker[T]) wakeAt() (time.Time, bool) {
	var at time.Time
	ok := false
	if len(w.outbox) > 0 {
		at, ok = w.nextSendAt, true
		if !w.urgent() {
			if t := w.outbox[0].at.Add(w.cfg.FlushInterval); t.After(at) {
				at = t
			}
		}
	}
	if w.stopping && (!ok || w.deadline.Before(at)) {
		at, ok = w.deadline, true
	}
	return at, ok
}

// send sends the batch at the front of the outbox and applies the outcome.
func (w *worker[T]) send(ctx context.Context) {
	n := w.batchLen()
	body := w.buildBody(n)
	if w.stopping {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, w.deadline)
		defer cancel()
	}
	if w.resend {
		w.b.retries.Add(1)
	}
	start := time.Now()
	out := w.safeSend(ctx, body)
	if out.Kind == transport.Delivered {
		w.cfg.Debugf("delivered a batch of %d events (%d bytes, status %d) in %v", n, len(body), out.Status, time.Since(start).Round(time.Millisecond))
	}
	w.apply(out, n)
}

// safeSend calls the transport, turning a panic (a broken contract) into a
// transient failure so that the worker, and the program, survive it.
func (w *worker[T]) safeSend(ctx context.Context, body []byte) (out transport.Outcome) {
	defer func() {
		if r := recover(); r != nil {
			w.cfg.Debugf("batcher: transport panicked: %v", r)
			out = transport.Outcome{Kind: transport.Retry}
		}
	}()
	return w.cfg.Transport.Send(ctx, body)
}

// apply is the delivery policy: the one place that decides what happens to
// a batch of n items after a send.
func (w *worker[T]) apply(out transport.Outcome, n int) {
	now := time.Now()
	switch out.Kind {
	case transport.Delivered:
		w.resolveFront(n)
		w.b.sent.Add(uint64(n))
		w.failures, w.resend = 0, false
		w.setPause(time.Time{}, false)

	case transport.RateLimited:
		w.resend = true
		if w.adaptLimit(out, n) {
			return // split into requests the server can admit: send them now
		}
		d := out.RetryAfter
		switch {
		case d <= 0 && !out.RetryAfterSet:
			d = DefaultRetryAfter
		case d <= 0:
			// "Retry now" (RFC 9110). A server that keeps answering so gets
			// the exponential backoff, never a hot loop.
			if w.failures > 0 {
				d = backoff(w.failures - 1)
			}
			w.failures++
		}
		d = min(d, MaxRetryAfter)
		w.hold(n)
		w.setPause(now.Add(d), true)
		w.cfg.Debugf("batcher: rate limited (%v): pausing all sends for %v; %d events held", out.Err, d, n)

	case transport.Retry:
		d := backoff(w.failures)
		w.failures++
		w.hold(n)
		w.resend = true
		w.setPause(now.Add(d), false)
		w.cfg.Debugf("batcher: send failed (%v): retrying %d events in %v", out.Err, n, d.Round(time.Millisecond))

	case transport.TooLarge:
		w.resend = false
		if n > 1 {
			first := (n + 1) / 2
			w.hold(n)
			w.held = slices.Insert(w.held, 1, n-first)
			w.held[0] = first
			w.cfg.Debugf("batcher: server found a batch of %d events too large: splitting it in %d + %d", n, first, n-first)
			return
		}
		w.dropFront(1, DropTooLarge)
		w.cfg.Debugf("batcher: server refused an event as too large (%v): dropped", out.Err)

	default: // transport.Rejected, and any kind this version does not know
		reason := DropRejected
		if out.Status == http.StatusUnauthorized || out.Status == http.StatusForbidden {
			reason = DropUnauthorized
			if !w.keyWarned {
				w.keyWarned = true
				w.cfg.Warnf(fmt.Sprintf("the server rejected the API key (%d): no event is delivered until it is fixed; check the key (a write key, elp_...) and that the project is active", out.Status))
			}
		}
		w.dropFront(n, reason)
		w.failures, w.resend = 0, false
		w.setPause(time.Time{}, false)
		w.cfg.Debugf("batcher: server rejected a batch (%v, %v): %d events dropped", out.Kind, out.Err, n)
	}
}

// adaptLimit lowers the items per request after a 429: to the project's
// limit when the answer gives it, else to half the batch (the server admits
// a request only if all its events fit in what is left of its window, and
// never one larger than the limit). The held batch of n is split to match.
// It reports whether the batch was larger than the advertised limit: the
// 429 then says nothing about the window, and the parts can go at once.
func (w *worker[T]) adaptLimit(out transport.Outcome, n int) bool {
	switch {
	case out.Limit > 0:
		w.limit = min(w.limit, out.Limit)
	case out.RetryAfterSet || out.RetryAfter > 0:
		// A rate limit that does not say its size (a paused project sends
		// no Retry-After either, and batch size is not its cause).
		w.limit = max(1, min(w.limit, n)/2)
	}
	if n <= w.limit {
		return false
	}
	w.hold(n)
	parts := make([]int, 0, n/w.limit+1)
	for left := n; left > 0; left -= w.limit {
		parts = append(parts, min(left, w.limit))
	}
	w.held = slices.Replace(w.held, 0, 1, parts...)
	w.cfg.Debugf("batcher: the server admits at most %d events per request (rate limit): split a batch of %d into %d requests", w.limit, n, len(parts))
	return out.Limit > 0
}

// setPause records when sending may resume, and publishes a 429 pause.
func (w *worker[T]) setPause(until time.Time, rateLimited bool) {
	w.nextSendAt, w.rateLimited = until, rateLimited
	if rateLimited {
		w.b.pausedUntil.Store(until.UnixNano())
	} else {
		w.b.pausedUntil.Store(0)
	}
}

// hold keeps the front batch of n items as it is for the next send.
func (w *worker[T]) hold(n int) {
	if len(w.held) == 0 {
		w.held = append(w.held, n)
	}
}

// addWaiter registers a Flush call. Its target is every item that is in
// the queue or already taken from it at this moment: that includes all the
// items accepted before Flush was called, and only real items (so the
// target is always reached).
func (w *worker[T]) addWaiter(fw *flushWaiter) {
	target := w.recvSeq + uint64(len(w.b.queue))
	fw.target.Store(target)
	if w.resolved() >= target {
		close(fw.done)
		return
	}
	w.waiters = append(w.waiters, fw)
}

// resolved is the watermark: every item with a sequence number up to it is
// delivered or dropped. Items resolve in order except for those dropped at
// encoding, which never enter the outbox; the oldest item in the outbox
// bounds the watermark either way.
func (w *worker[T]) resolved() uint64 {
	if len(w.outbox) > 0 {
		return w.outbox[0].seq - 1
	}
	return w.recvSeq
}

// publish makes the watermark visible and releases the Flush calls it
// satisfies.
func (w *worker[T]) publish() {
	r := w.resolved()
	w.b.resolved.Store(r)
	i := 0
	for i < len(w.waiters) && w.waiters[i].target.Load() <= r {
		close(w.waiters[i].done)
		i++
	}
	if i > 0 {
		w.waiters = append(w.waiters[:0], w.waiters[i:]...)
	}
}

// giveUp counts whatever is left, in the outbox and in the queue, once
// Close's time is up: the batch a 429 pause holds as DropRateLimited, the
// rest as DropClosed. Close has made sure no Enqueue can still send, so the
// drain below is final.
func (w *worker[T]) giveUp() {
	if n := len(w.outbox) + len(w.b.queue); n > 0 {
		w.cfg.Debugf("batcher: close: giving up on %d events", n)
	}
	if w.rateLimited && time.Now().Before(w.nextSendAt) {
		// The batch the 429 answered is what the pause held back.
		held := 0
		for _, n := range w.held {
			held += n
		}
		w.dropFront(held, DropRateLimited)
	}
	w.b.pausedUntil.Store(0) // nothing waits for the pause any more
	w.dropFront(len(w.outbox), DropClosed)
	for {
		select {
		case <-w.b.queue:
			w.recvSeq++
			w.drop(DropClosed)
		default:
			return
		}
	}
}
