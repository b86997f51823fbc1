package batcher

import (
	"context"
	"math"
	"math/bits"
	"strconv"
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
	// queue holds the items until the worker takes them. Its tail counts
	// the items accepted (Stats.Enqueued). Close closes it before it
	// signals the worker: from then on no item can be accepted, so the
	// worker's final drain counts every item exactly once.
	queue *ring[T]

	debugf func(format string, args ...any)

	// kickAt is the count of enqueued items at which Enqueue wakes the
	// sleeping worker with a send on kick: the first item when the worker
	// holds none, else the one that fills its batch. Below it, items wait in
	// the queue while the worker sleeps until its batch is due, so that a
	// stream of captures wakes it once per batch or FlushInterval, not once
	// per item (a wake-up costs the capturing goroutine microseconds).
	// noKick while the worker is awake or cannot take items.
	kickAt  atomic.Uint64
	kick    chan struct{} // capacity 1: a kick is never lost, never blocks
	kicks   atomic.Uint64 // Enqueue's kicks, for the tests
	sent    atomic.Uint64
	retries atomic.Uint64
	dropped [NumDropReasons]atomic.Uint64
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
	report CloseError
	// closeReturned is closed when the first Close returns, stuck worker or
	// not: Flush stops waiting then.
	closeReturned chan struct{}

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
// cfg.Transport is nil or cfg has neither Encode nor EncodeTo: that is a
// programming error, not a condition to handle at run time.
func New[T any](cfg Config[T]) *Batcher[T] {
	if cfg.Transport == nil {
		panic("batcher: Config.Transport is nil")
	}
	if cfg.Encode == nil && cfg.EncodeTo == nil {
		panic("batcher: Config.Encode is nil")
	}
	if cfg.EncodeTo == nil {
		// One way in for the worker: Encode's result is appended where
		// EncodeTo would have written it.
		cfg.EncodeTo = encodeToOf(cfg.Encode)
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
	if cfg.Warnf == nil {
		cfg.Warnf = func(string) {}
	}
	cfg.ShrinkLevels = min(max(cfg.ShrinkLevels, 0), maxShrinkLevels)
	cfg.MaxInFlight = min(max(cfg.MaxInFlight, 1), MaxMaxInFlight)

	ctx, cancel := context.WithCancel(context.Background())
	b := &Batcher[T]{
		queue:         newRing[T](cfg.MaxQueueSize),
		flushCh:       make(chan *flushWaiter),
		kick:          make(chan struct{}, 1),
		stopCh:        make(chan struct{}),
		cancelSends:   cancel,
		done:          make(chan struct{}),
		closeReturned: make(chan struct{}),
		debugf:        cfg.Debugf,
	}
	b.kickAt.Store(noKick) // the worker sets it before it first sleeps
	w := &worker[T]{b: b, cfg: cfg, limit: cfg.BatchSize, results: make(chan sendResult, cfg.MaxInFlight)}
	go w.run(ctx) // ends after Close closes stopCh and the drain is over
	return b
}

// Enqueue hands an item to the worker without blocking. It returns false
// when the item was dropped (queue full or closed); the drop is counted.
// The item is owned by the batcher from then on: the caller must not modify
// what it points to.
func (b *Batcher[T]) Enqueue(item T) bool {
	switch res, n := b.queue.push(item); res {
	case pushed:
		if n >= b.kickAt.Load() {
			b.kicks.Add(1)
			select {
			case b.kick <- struct{}{}:
			default: // a kick is pending already
			}
		}
		return true
	case pushClosed:
		b.countDrop(DropClosed, 1)
	default:
		b.countDrop(DropQueueFull, 1)
	}
	return false
}

// dropHints say, per reason, what a drop means for the user, in the debug
// line countDrop writes.
var dropHints = [NumDropReasons]string{
	DropQueueFull:    "the queue was full (raise MaxQueueSize, or check why delivery is slow)",
	DropClosed:       "captured after Close, or still queued when Close gave up",
	DropRejected:     "the server refused the request for good",
	DropTooLarge:     "too large for a request even when shrunk",
	DropRateLimited:  "held back by a rate-limit pause when Close gave up",
	DropSuppressed:   "spike protection: too many events of one group this minute",
	DropEncode:       "the event could not be encoded",
	DropUnauthorized: "the server rejected the API key",
}

// countDrop counts n items dropped for reason, and writes a debug line the
// first time and each time the reason's count passes a power of two: every
// reason is heard of, and a flood of drops costs a handful of lines.
func (b *Batcher[T]) countDrop(reason DropReason, n uint64) {
	total := b.dropped[reason].Add(n)
	if n > 0 && bits.Len64(total) != bits.Len64(total-n) {
		b.debugf("event dropped (%s): %s; %d dropped for this reason so far", reason, dropHints[reason], total)
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
	case <-b.closeReturned:
		return nil // Close has given up on what is left, and said so
	case <-ctx.Done():
		// The worker is busy in a Send; the best count is the global one.
		return &FlushError{Pending: b.Stats().Pending, Err: ctx.Err()}
	}
	select {
	case <-fw.done:
		return nil
	case <-b.closeReturned:
		return nil
	case <-ctx.Done():
		select {
		case <-fw.done:
			return nil // resolved just as ctx ended
		default:
		}
		pending := b.Stats().Pending
		if target := fw.target.Load(); target != 0 {
			pending = int(target - min(target, b.resolved.Load()))
		}
		return &FlushError{Pending: pending, Err: ctx.Err()}
	}
}

// FlushError is what Flush returns when its context ends first: how many of
// the items it waited for are still pending. It unwraps to the context's
// error.
type FlushError struct {
	Pending int
	Err     error
}

func (e *FlushError) Error() string {
	return "batcher: flush: " + strconv.Itoa(e.Pending) + " events still pending: " + e.Err.Error()
}

func (e *FlushError) Unwrap() error { return e.Err }

// Done is closed when the worker goroutine has exited: after Close, at
// once, or, when Close reported a stuck worker, once the code it was stuck
// in returns.
func (b *Batcher[T]) Done() <-chan struct{} { return b.done }

// Close sends what is queued within timeout, stops the worker and waits for
// it to exit. If a 429 pause or a retry backoff lasts beyond the timeout it
// gives up at once rather than wait for nothing; a Send still running at the
// deadline is cancelled. What it gives up on is counted (DropRateLimited
// for the batch a 429 pause holds, DropClosed for the rest) and reported as
// a [*CloseError]. It is nil when Close delivered, or saw a final answer
// for, everything queued: a batch the server rejects during Close is
// counted in Stats under its own reason, like at any other time.
//
// Close returns at its deadline (give or take a few milliseconds for the
// worker to count what is left) whatever the worker is doing: when it is
// stuck in code that ignores the deadline (an Encode that blocks, a Send
// that ignores its context), Close returns a CloseError with Stuck set, and
// the worker goroutine is leaked until that code returns; it then drops
// what is left and exits ([Batcher.Done]).
//
// Close is idempotent and safe to call concurrently with everything else,
// including itself: a second call waits until the first has returned, then
// returns nil. Enqueue after or during Close drops the item under
// DropClosed.
func (b *Batcher[T]) Close(timeout time.Duration) error {
	first := false
	b.closeOnce.Do(func() {
		first = true
		b.closeErr = b.close(timeout)
		close(b.closeReturned)
	})
	if !first {
		return nil
	}
	return b.closeErr
}

// stuckGrace is how long Close waits, after its deadline and the
// cancellation of the Send in flight, for the worker to count what is left
// and exit. A worker that honours cancellation needs microseconds; one that
// does not is stuck in code that will not return soon.
const stuckGrace = 50 * time.Millisecond

func (b *Batcher[T]) close(timeout time.Duration) error {
	timeout = max(timeout, 0)
	deadline := time.Now().Add(timeout)
	b.queue.close()
	b.stopDeadline = deadline
	close(b.stopCh)

	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-b.done:
	case <-t.C:
		// The worker stops by itself at the deadline unless it is inside a
		// Send that began before Close (cut it short), or inside user code.
		b.cancelSends()
		t.Reset(stuckGrace)
		select {
		case <-b.done:
		case <-t.C:
			return &CloseError{Stuck: true, Unresolved: b.Stats().Pending}
		}
	}
	b.cancelSends()
	if b.report.Total() == 0 {
		return nil
	}
	report := b.report
	return &report
}

// Stats returns the current counters. It never blocks and is cheap enough
// to poll.
func (b *Batcher[T]) Stats() Stats {
	var s Stats
	// Sent and the drops first, Enqueued last, so that Pending errs high
	// rather than low.
	s.Sent = b.sent.Load()
	lost := b.lost.Load()
	s.Retries = b.retries.Load()
	for i := range s.Dropped {
		s.Dropped[i] = b.dropped[i].Load()
	}
	s.Enqueued = b.queue.enqueued()
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

// noKick is kickAt's value when Enqueue must not wake the worker.
const noKick = math.MaxUint64

// encodeToOf turns an Encode into an EncodeTo that appends its result.
func encodeToOf[T any](encode func(T, int) ([]byte, error)) func([]byte, T, int) ([]byte, error) {
	return func(dst []byte, item T, shrink int) ([]byte, error) {
		b, err := encode(item, shrink)
		if err != nil || b == nil {
			return nil, err
		}
		return append(dst, b...), nil
	}
}
