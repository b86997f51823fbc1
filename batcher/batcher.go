package batcher

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Batcher is the queue plus its worker. It is safe for concurrent use:
// Enqueue, Flush, Close and Stats may be called from any goroutine, at any
// time, including after Close. They must not be called from inside the
// Config callbacks (Encode, Debugf, the Transport), which run on the
// worker: Flush and Close would then wait for themselves.
//
// The zero Batcher is not usable; build one with [New].
type Batcher[T any] struct {
	queue chan T

	// closed and enqueuers implement a lock-free handshake between Enqueue
	// and Close: an Enqueue announces itself in enqueuers before it looks at
	// closed, and Close sets closed before it waits for enqueuers to reach
	// 0. With sequentially consistent atomics, either the Enqueue sees
	// closed (and drops), or Close sees it and waits until its send is
	// done. After that wait no send can reach the queue, so the worker's
	// final drain counts every item exactly once.
	closed    atomic.Bool
	enqueuers atomic.Int64

	enqueued atomic.Uint64
	sent     atomic.Uint64
	retries  atomic.Uint64
	dropped  [NumDropReasons]atomic.Uint64
	// lost counts the drops of accepted items (by the worker), the part of
	// dropped that makes up Pending.
	lost atomic.Uint64
	// pausedUntil is the end of the current 429 pause in Unix nanoseconds,
	// 0 when none. Written by the worker.
	pausedUntil atomic.Int64
	// resolved is the worker's watermark: every item taken from the queue
	// with a sequence number up to it is delivered or dropped.
	resolved atomic.Uint64

	flushCh chan *flushWaiter
	// stopCh is closed by Close once no Enqueue can send any more;
	// stopDeadline is written before, so the worker reads it safely after.
	stopCh       chan struct{}
	stopDeadline time.Time
	// cancelSends cancels the context of every Send; Close calls it at its
	// deadline to cut a Send that is still running.
	cancelSends context.CancelFunc
	// done is closed by the worker when it has exited; report (its summary
	// of what Close could not deliver) is written before.
	done   chan struct{}
	report error

	closeOnce sync.Once
	closeErr  error
}

// flushWaiter is one Flush call waiting for the worker.
type flushWaiter struct {
	// target is the sequence number up to which items must be resolved; the
	// worker sets it when it receives the waiter, 0 until then.
	target atomic.Uint64
	done   chan struct{} // closed by the worker once resolved >= target
}

// New checks cfg, applies the defaults and starts the worker goroutine. The
// worker ends when Close returns (Close waits for it). New panics when
// cfg.Transport or cfg.Encode is nil: that is a programming error, not a
// condition to handle at run time.
func New[T any](cfg Config[T]) *Batcher[T] {
	if cfg.Transport == nil {
		panic("batcher: Config.Transport is nil")
	}
	if cfg.Encode == nil {
		panic("batcher: Config.Encode is nil")
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	cfg.BatchSize = min(cfg.BatchSize, MaxBatchEvents)
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.MaxQueueSize <= 0 {
		cfg.MaxQueueSize = DefaultMaxQueueSize
	}
	if cfg.MaxBatchBytes <= 0 || cfg.MaxBatchBytes > MaxBatchBytes {
		cfg.MaxBatchBytes = MaxBatchBytes
	}
	if cfg.Debugf == nil {
		cfg.Debugf = func(string, ...any) {}
	}

	ctx, cancel := context.WithCancel(context.Background())
	b := &Batcher[T]{
		queue:       make(chan T, cfg.MaxQueueSize),
		flushCh:     make(chan *flushWaiter),
		stopCh:      make(chan struct{}),
		cancelSends: cancel,
		done:        make(chan struct{}),
	}
	w := &worker[T]{b: b, cfg: cfg}
	go w.run(ctx) // ends after Close closes stopCh and the drain is over
	return b
}

// Enqueue hands an item to the worker without blocking. It returns false
// when the item was dropped (queue full or closed); the drop is counted.
// The item is owned by the batcher from then on: the caller must not modify
// what it points to.
func (b *Batcher[T]) Enqueue(item T) bool {
	b.enqueuers.Add(1)
	if b.closed.Load() {
		b.enqueuers.Add(-1)
		b.dropped[DropClosed].Add(1)
		return false
	}
	select {
	case b.queue <- item:
		b.enqueued.Add(1)
		b.enqueuers.Add(-1)
		return true
	default:
		b.enqueuers.Add(-1)
		b.dropped[DropQueueFull].Add(1)
		return false
	}
}

// Flush wakes the worker to send everything accepted before the call now,
// without waiting for the FlushInterval (a 429 pause or a retry backoff is
// still honoured), and blocks until every such item is delivered or finally
// dropped, or ctx ends: then it returns an error wrapping ctx.Err() that
// says how many items are still pending. Items enqueued during the call may
// be waited for too. After Close, Flush returns nil at once: Close has
// accounted for every item.
func (b *Batcher[T]) Flush(ctx context.Context) error {
	fw := &flushWaiter{done: make(chan struct{})}
	select {
	case b.flushCh <- fw:
	case <-b.done:
		return nil
	case <-ctx.Done():
		// The worker is busy in a Send; the best count is the global one.
		return b.flushError(ctx, uint64(b.Stats().Pending))
	}
	select {
	case <-fw.done:
		return nil
	case <-ctx.Done():
		select {
		case <-fw.done:
			return nil // resolved just as ctx ended
		default:
		}
		pending := uint64(b.Stats().Pending)
		if target := fw.target.Load(); target != 0 {
			pending = target - min(target, b.resolved.Load())
		}
		return b.flushError(ctx, pending)
	}
}

func (b *Batcher[T]) flushError(ctx context.Context, pending uint64) error {
	return fmt.Errorf("batcher: flush: %d events still pending: %w", pending, ctx.Err())
}

// Close sends what is queued within timeout, stops the worker and waits for
// it to exit. If a 429 pause or a retry backoff lasts beyond the timeout it
// gives up at once rather than wait for nothing; a Send still running at the
// deadline is cancelled. What it gives up on is counted (DropRateLimited
// for the batch a 429 pause holds, DropClosed for the rest) and reported:
// the error says how many events were not delivered and why, e.g.
// "batcher: close: 12 events not delivered (8 rate-limited, 4 closed)". It
// is nil when Close delivered, or saw a final answer for, everything queued:
// a batch the server rejects (or finds too large) during Close is counted in
// Stats under its own reason, like at any other time, but it is the
// server's verdict, not a shutdown that ran out of time.
//
// Close is idempotent and safe to call concurrently with everything else,
// including itself: a second call waits until the first has finished (the
// worker has exited), then returns nil. Enqueue after or during Close drops
// the item under DropClosed.
func (b *Batcher[T]) Close(timeout time.Duration) error {
	first := false
	b.closeOnce.Do(func() {
		first = true
		b.closeErr = b.close(timeout)
	})
	if !first {
		return nil
	}
	return b.closeErr
}

func (b *Batcher[T]) close(timeout time.Duration) error {
	timeout = max(timeout, 0)
	deadline := time.Now().Add(timeout)
	b.closed.Store(true)
	// Enqueue's window between its closed check and its send is a few
	// instructions long and never blocks, so yielding is enough.
	for b.enqueuers.Load() != 0 {
		runtime.Gosched()
	}
	b.stopDeadline = deadline
	close(b.stopCh)

	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-b.done:
	case <-t.C:
		// The worker stops by itself at the deadline unless it is inside a
		// Send that began before Close; cut that one short.
		b.cancelSends()
		<-b.done
	}
	b.cancelSends()
	return b.report
}

// Stats returns the current counters. It never blocks and is cheap enough
// to poll.
func (b *Batcher[T]) Stats() Stats {
	var s Stats
	// Sent and the drops first, Enqueued last, so that Pending errs high
	// rather than low. It can still be an item or two low for an instant
	// (an Enqueue counts its item just after the send, and the worker may
	// deliver it in between), hence the clamp at 0.
	s.Sent = b.sent.Load()
	lost := b.lost.Load()
	s.Retries = b.retries.Load()
	for i := range s.Dropped {
		s.Dropped[i] = b.dropped[i].Load()
	}
	s.Enqueued = b.enqueued.Load()
	if p := int64(s.Enqueued) - int64(s.Sent) - int64(lost); p > 0 {
		s.Pending = int(p)
	}
	if pu := b.pausedUntil.Load(); pu != 0 {
		if t := time.Unix(0, pu); time.Now().Before(t) {
			s.PausedUntil = t
		}
	}
	return s
}

// closeReport renders what Close had to give up on; nil when nothing.
func closeReport(rateLimited, closed uint64) error {
	var parts []string
	if rateLimited > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", rateLimited, DropRateLimited))
	}
	if closed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", closed, DropClosed))
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("batcher: close: %d events not delivered (%s)", rateLimited+closed, strings.Join(parts, ", "))
}
