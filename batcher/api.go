// Package batcher owns the SDK's bounded event queue and the single worker
// goroutine that encodes, batches and delivers events through a
// [transport.Transport].
//
// API CONTRACT (used by the root package; keep these names and signatures):
//
//	b := batcher.New(batcher.Config[T]{...})   // starts exactly one worker goroutine
//	ok := b.Enqueue(item)                      // never blocks; false = dropped (counted)
//	err := b.Flush(ctx)                        // waits for everything enqueued before the call
//	err = b.Close(timeout)                     // drain within timeout, stop worker; idempotent
//	st := b.Stats()
package batcher

import (
	"context"
	"errors"
	"time"

	"github.com/errsight/errsight-go/transport"
)

// MaxBatchBytes is the ingestion API's request body limit (512 KiB).
const MaxBatchBytes = 512 * 1024

// MaxBatchEvents is the ingestion API's limit on events per request.
const MaxBatchEvents = 100

// ErrCannotShrink is returned by Config.Encode when asked for a shrink level
// beyond the last one it knows: the item cannot be made any smaller.
var ErrCannotShrink = errors.New("batcher: cannot shrink further")

// ErrSuppressed is returned by Config.Encode to drop an item on purpose
// (spike protection). It is counted under DropSuppressed.
var ErrSuppressed = errors.New("batcher: suppressed")

// Config configures a Batcher. Zero values mean the defaults noted.
type Config[T any] struct {
	// Transport delivers batches. Required.
	Transport transport.Transport
	// Encode renders one item as a JSON object. It is called on the worker
	// goroutine only. shrink 0 is full fidelity; each higher level must give
	// a smaller encoding, until it returns ErrCannotShrink. Any other error
	// drops the item (DropEncode), ErrSuppressed drops it as DropSuppressed.
	Encode func(item T, shrink int) ([]byte, error)
	// BatchSize is the number of events per request (default 10, max 100).
	BatchSize int
	// FlushInterval is the longest an event waits for its batch to fill (default 2s).
	FlushInterval time.Duration
	// MaxQueueSize bounds the queue (default 1000); new items beyond it are dropped.
	MaxQueueSize int
	// MaxBatchBytes caps a request body (default and maximum MaxBatchBytes).
	MaxBatchBytes int
	// Debugf receives diagnostics; nil discards them. It never receives secrets.
	Debugf func(format string, args ...any)
}

// DropReason says why an item was not delivered.
type DropReason int

const (
	DropQueueFull   DropReason = iota // the queue was full at Enqueue
	DropClosed                        // Enqueue after Close, or still queued when Close gave up
	DropRejected                      // the server refused the batch for good (4xx)
	DropTooLarge                      // larger than a request may be, even shrunk, or 413 alone
	DropRateLimited                   // held back by a 429 pause when Close gave up
	DropSuppressed                    // Encode returned ErrSuppressed
	DropEncode                        // Encode failed
	NumDropReasons
)

// Stats is a snapshot of the batcher's counters.
type Stats struct {
	Enqueued uint64                 // accepted into the queue
	Sent     uint64                 // delivered (2xx)
	Retries  uint64                 // batch re-sends after a transient failure or 429
	Dropped  [NumDropReasons]uint64 // by reason
	Pending  int                    // accepted but not yet delivered or dropped
	// PausedUntil is the end of the current 429 pause, zero when not paused.
	PausedUntil time.Time
}

// Batcher is the queue plus its worker. Safe for concurrent use.
type Batcher[T any] struct {
	// implementation lives in the other files of this package
}

// New starts the worker goroutine. It ends when Close returns.
func New[T any](cfg Config[T]) *Batcher[T] { panic("TODO") }

// Enqueue hands an item to the worker without blocking. It returns false
// when the item was dropped (queue full or closed); the drop is counted.
func (b *Batcher[T]) Enqueue(item T) bool { panic("TODO") }

// Flush blocks until every item enqueued before the call is delivered or
// finally dropped, or ctx ends (then it returns an error wrapping ctx.Err()
// that says how many items are still pending).
func (b *Batcher[T]) Flush(ctx context.Context) error { panic("TODO") }

// Close drains the queue within timeout, stops the worker and waits for it.
// It returns an error saying how many items were not delivered, nil when all
// were. Later calls return nil at once.
func (b *Batcher[T]) Close(timeout time.Duration) error { panic("TODO") }

// Stats returns the current counters.
func (b *Batcher[T]) Stats() Stats { panic("TODO") }
