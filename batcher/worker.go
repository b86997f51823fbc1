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
// through the Batcher's atomics. The sends it starts run on goroutines of
// their own and hand their outcome back on results: only the worker
// applies them.
type worker[T any] struct {
	b   *Batcher[T]
	cfg Config[T]

	// outbox holds the encoded items taken from the queue and not yet cut
	// into a batch, oldest first.
	outbox      []entry
	outboxBytes int // sum of len(data) over outbox
	// ready lists the batches that must go out before anything new is cut
	// from the outbox, in order: a batch waiting for its retry, or the
	// parts of a batch that was split.
	ready []*batch
	// inflight lists the batches being sent, at most MaxInFlight.
	inflight []*batch
	// heldItems counts the items in ready and inflight.
	heldItems int
	results   chan sendResult
	bufs      [][]byte // request body buffers, reused
	// segs are request bodies being assembled (Config.EncodeTo): each is
	// "[" and the encodings of the next n entries of the outbox, joined by
	// ",", at most a batch's worth. Together they cover the outbox in
	// order. A batch cut as exactly the first segment's entries (the
	// usual case) is sent from it, without a copy.
	segs []segment

	recvSeq uint64 // sequence number of the last item taken from the queue

	// nextSendAt is the earliest time a send may start: the end of a 429
	// pause (rateLimited) or of a retry backoff. It holds every send.
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
	keyWarned bool // the rejected-key warning was given
}

// sendResult is what a send goroutine hands back.
type sendResult struct {
	bt      *batch
	out     transport.Outcome
	buf     []byte
	elapsed time.Duration
}

// run is the worker goroutine. It returns after Close has closed stopCh and
// the worker has delivered everything or given up (deadline reached, or a
// pause that outlasts it), and every send it started has returned; its
// deferred close(done) tells Close so.
func (w *worker[T]) run(ctx context.Context) {
	b := w.b
	defer close(b.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	for {
		w.publish()
		if w.stopping && w.idle() && b.queue.len() == 0 {
			break // everything accepted is delivered or dropped
		}
		// Take what is already queued, up to what the worker may hold,
		// before deciding anything: a batch that is due should leave as
		// full as it can.
		if !w.saturated() {
			if item, ok := b.queue.pop(); ok {
				w.accept(item)
				continue
			}
		}
		now := time.Now()
		if w.stopping && (!now.Before(w.deadline) || ctx.Err() != nil ||
			(len(w.inflight) == 0 && w.nextSendAt.After(w.deadline))) {
			break // Close's time is up, or the next send could only start after it
		}
		if w.due(now) {
			// Under a steady flood the loop may never reach the select below:
			// look at Flush, Close and the sends once per batch so they
			// cannot starve.
			select {
			case fw := <-b.flushCh:
				w.addWaiter(fw)
				continue
			case <-w.stopCh():
				w.stop()
				continue
			case r := <-w.results:
				w.finish(r)
				continue
			default:
			}
			w.send(ctx)
			continue
		}

		// Sleep until the batch is due, or full (Enqueue's kick), rather
		// than take each item as it comes: see Batcher.kickAt.
		var kick <-chan struct{}
		if !w.saturated() {
			need := 1
			if len(w.outbox) > 0 {
				need = max(1, w.limit-len(w.outbox))
			}
			at := w.recvSeq + uint64(need)
			b.kickAt.Store(at)
			// Enqueue adds to enqueued, then reads kickAt; here kickAt is
			// written, then enqueued read: one of the two sees the other,
			// so an item that reaches the threshold is never slept on.
			if b.queue.enqueued() >= at {
				b.kickAt.Store(noKick)
				continue
			}
			kick = b.kick
		}
		var wake <-chan time.Time
		if at, ok := w.wakeAt(); ok {
			timer.Reset(at.Sub(now))
			wake = timer.C
		}
		select {
		case <-kick: // items wait in the queue: the loop's top takes them
		case fw := <-b.flushCh:
			w.addWaiter(fw)
		case <-w.stopCh():
			w.stop()
		case r := <-w.results:
			w.finish(r)
		case <-wake:
		}
		b.kickAt.Store(noKick)
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

// idle reports whether the worker holds nothing: no item, no batch, no send.
func (w *worker[T]) idle() bool {
	return len(w.outbox) == 0 && len(w.ready) == 0 && len(w.inflight) == 0
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
	return len(w.ready) > 0 || w.batchReady() || w.stopping || len(w.waiters) > 0
}

// due reports whether a send should start now.
func (w *worker[T]) due(now time.Time) bool {
	if len(w.inflight) >= w.cfg.MaxInFlight || now.Before(w.nextSendAt) {
		return false
	}
	if len(w.ready) > 0 {
		return true
	}
	if len(w.outbox) == 0 {
		return false
	}
	return w.urgent() || !now.Before(w.outbox[0].at.Add(w.cfg.FlushInterval))
}

// wakeAt is when the worker must look again even if nothing arrives: the
// end of a pause or backoff, the FlushInterval of the oldest item, Close's
// deadline. A send in flight wakes it through results.
func (w *worker[T]) wakeAt() (time.Time, bool) {
	var at time.Time
	ok := false
	if (len(w.ready) > 0 || len(w.outbox) > 0) && len(w.inflight) < w.cfg.MaxInFlight {
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

// send starts the next batch on a goroutine of its own: a held one first,
// else one cut from the outbox. The goroutine ends when the transport
// returns (at the latest when Close cancels its context, for a transport
// that honours it), and the worker waits for it before exiting.
func (w *worker[T]) send(ctx context.Context) {
	var bt *batch
	if len(w.ready) > 0 {
		bt = w.ready[0]
		w.ready = slices.Delete(w.ready, 0, 1)
	} else {
		bt = w.cut()
	}
	bt.rateLimited = false
	if bt.attempts > 0 {
		w.b.retries.Add(1)
	}
	bt.attempts++
	w.inflight = append(w.inflight, bt)
	buf := bt.body
	if buf == nil {
		buf = appendBody(w.spareBody(), bt)
	}
	var cancel context.CancelFunc = func() {}
	if w.stopping {
		ctx, cancel = context.WithDeadline(ctx, w.deadline)
	}
	go func() { // ends when Send returns; results has room for every send
		defer cancel()
		start := time.Now()
		out := w.safeSend(ctx, buf)
		w.results <- sendResult{bt: bt, out: out, buf: buf, elapsed: time.Since(start)}
	}()
}

// finish takes a send's result back and applies it.
func (w *worker[T]) finish(r sendResult) {
	w.inflight = slices.DeleteFunc(w.inflight, func(bt *batch) bool { return bt == r.bt })
	if r.bt.body == nil {
		// Rendered for this send; a batch's own body waits for release.
		w.keepBody(r.buf)
	}
	if r.out.Kind == transport.Delivered {
		w.cfg.Debugf("delivered a batch of %d events (%d bytes, status %d) in %v",
			len(r.bt.entries), len(r.buf), r.out.Status, r.elapsed.Round(time.Millisecond))
	}
	w.apply(r.out, r.bt)
}

// safeSend calls the transport, turning a panic (a broken contract) into a
// transient failure so that the worker, and the program, survive it.
func (w *worker[T]) safeSend(ctx context.Context, body []byte) (out transport.Outcome) {
	defer func() {
		if r := recover(); r != nil {
			w.cfg.Debugf("transport panicked: %v", r)
			out = transport.Outcome{Kind: transport.Retry}
		}
	}()
	return w.cfg.Transport.Send(ctx, body)
}

// apply is the delivery policy: the one place that decides what happens to
// a batch after a send.
func (w *worker[T]) apply(out transport.Outcome, bt *batch) {
	now := time.Now()
	n := len(bt.entries)
	switch out.Kind {
	case transport.Delivered:
		w.release(bt)
		w.b.sent.Add(uint64(n))
		w.failures = 0
		if !w.rateLimited || !now.Before(w.nextSendAt) {
			// Another request's 429 pause still holds; a backoff does not.
			w.setPause(time.Time{}, false)
		}

	case transport.RateLimited:
		split, sendNow := w.adaptLimit(out, bt)
		if sendNow {
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
		if !split {
			bt.rateLimited = true
			w.hold(bt)
		}
		w.setPause(now.Add(d), true)
		w.cfg.Debugf("rate limited (%v): pausing all sends for %v; %d events held", out.Err, d, n)

	case transport.Retry:
		d := backoff(w.failures)
		w.failures++
		w.hold(bt)
		if at := now.Add(d); !w.rateLimited || at.After(w.nextSendAt) {
			w.setPause(at, false)
		}
		w.cfg.Debugf("send failed (%v): retrying %d events in %v", out.Err, n, d.Round(time.Millisecond))

	case transport.TooLarge:
		if n > 1 {
			parts := bt.split((n + 1) / 2)
			for _, p := range parts {
				p.attempts = 0 // a new request, not a retry
			}
			w.hold(parts...)
			w.cfg.Debugf("server found a batch of %d events too large: splitting it in %d + %d", n, len(parts[0].entries), len(parts[1].entries))
			return
		}
		w.dropBatch(bt, DropTooLarge)
		w.cfg.Debugf("server refused an event as too large (%v): dropped", out.Err)

	default: // transport.Rejected, and any kind this version does not know
		reason := DropRejected
		if out.Status == http.StatusUnauthorized || out.Status == http.StatusForbidden {
			reason = DropUnauthorized
			if !w.keyWarned {
				w.keyWarned = true
				w.cfg.Warnf(fmt.Sprintf("the server rejected the API key (%d): no event is delivered until it is fixed; check the key (a write key, elp_...) and that the project is active", out.Status))
			}
		}
		w.dropBatch(bt, reason)
		w.failures = 0
		w.cfg.Debugf("server rejected a batch (%v, %v): %d events dropped", out.Kind, out.Err, n)
	}
}

// hold puts batches back at the front of ready, in order, to go out before
// anything newer.
func (w *worker[T]) hold(bts ...*batch) {
	w.ready = slices.Insert(w.ready, 0, bts...)
}

// adaptLimit lowers the items per request after a 429: to the project's
// limit when the answer gives it, else to half the batch (the server admits
// a request only if all its events fit in what is left of its window, and
// never one larger than the limit). A batch larger than the new limit is
// split and held (split). sendNow reports that the batch was larger than
// the advertised limit: the 429 then says nothing about the window, and the
// parts can go at once.
func (w *worker[T]) adaptLimit(out transport.Outcome, bt *batch) (split, sendNow bool) {
	n := len(bt.entries)
	switch {
	case out.Limit > 0:
		w.limit = min(w.limit, out.Limit)
	case out.RetryAfterSet || out.RetryAfter > 0:
		// A rate limit that does not say its size (a paused project sends
		// no Retry-After either, and batch size is not its cause).
		w.limit = max(1, min(w.limit, n)/2)
	}
	if n <= w.limit {
		return false, false
	}
	parts := bt.split(w.limit)
	w.hold(parts...)
	w.cfg.Debugf("the server admits at most %d events per request (rate limit): split a batch of %d into %d requests", w.limit, n, len(parts))
	if out.Limit > 0 {
		return true, true
	}
	for _, p := range parts {
		p.rateLimited = true
	}
	return true, false
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

// addWaiter registers a Flush call. Its target is every item that is in
// the queue or already taken from it at this moment: that includes all the
// items accepted before Flush was called, and only real items (so the
// target is always reached).
func (w *worker[T]) addWaiter(fw *flushWaiter) {
	target := w.recvSeq + uint64(w.b.queue.len())
	fw.target.Store(target)
	if w.resolved() >= target {
		close(fw.done)
		return
	}
	w.waiters = append(w.waiters, fw)
}

// resolved is the watermark: every item with a sequence number up to it is
// delivered or dropped. The oldest item the worker still holds, in the
// outbox, a held batch or a send in flight, bounds it.
func (w *worker[T]) resolved() uint64 {
	r := w.recvSeq
	if len(w.outbox) > 0 {
		r = min(r, w.outbox[0].seq-1)
	}
	for _, bt := range w.ready {
		r = min(r, bt.first()-1)
	}
	for _, bt := range w.inflight {
		r = min(r, bt.first()-1)
	}
	return r
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

// giveUp counts whatever is left once Close's time is up: it cancels the
// sends in flight and applies their outcomes (a send may still have been
// delivered), then drops the batches a 429 pause holds as DropRateLimited,
// the rest as DropClosed. Close has made sure no Enqueue can still send, so
// the drain of the queue is final.
func (w *worker[T]) giveUp() {
	if len(w.inflight) > 0 {
		w.b.cancelSends()
		for len(w.inflight) > 0 {
			w.finish(<-w.results)
		}
	}
	if n := w.heldItems + len(w.outbox) + w.b.queue.len(); n > 0 {
		w.cfg.Debugf("Close: giving up on %d events", n)
	}
	paused := w.rateLimited && time.Now().Before(w.nextSendAt)
	for _, bt := range w.ready {
		if paused && bt.rateLimited {
			w.dropBatch(bt, DropRateLimited)
		} else {
			w.dropBatch(bt, DropClosed)
		}
	}
	w.ready = nil
	w.b.pausedUntil.Store(0) // nothing waits for the pause any more
	for range w.outbox {
		w.drop(DropClosed)
	}
	w.outbox, w.outboxBytes = nil, 0
	w.segs = nil
	for {
		if _, ok := w.b.queue.pop(); !ok {
			return
		}
		w.recvSeq++
		w.drop(DropClosed)
	}
}
