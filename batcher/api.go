package batcher

import (
	"errors"
	"strconv"
	"time"

	"github.com/errsight/errsight-go/transport"
)

// MaxBatchBytes is the ingestion API's request body limit (512 KiB).
const MaxBatchBytes = 512 * 1024

// MaxBatchEvents is the ingestion API's limit on events per request.
const MaxBatchEvents = 100

// Defaults applied to the zero fields of [Config].
const (
	DefaultBatchSize     = 10
	DefaultFlushInterval = 2 * time.Second
	DefaultMaxQueueSize  = 1000
)

// Delivery policy. These are fixed rather than configurable: they encode how
// the ingestion API wants clients to behave.
const (
	// DefaultRetryAfter is the pause after a 429 whose answer gave no delay
	// (the API's rate-limit window is 60 s; a paused project sends none).
	DefaultRetryAfter = 60 * time.Second
	// MaxRetryAfter caps a 429 pause, so a bogus header cannot silence the
	// SDK for hours.
	MaxRetryAfter = 10 * time.Minute
	// MinBackoff and MaxBackoff bound the exponential backoff after a
	// transient failure: the n-th consecutive failure waits a random
	// duration in [0, min(MaxBackoff, MinBackoff<<(n-1))) ("full jitter",
	// which keeps a fleet of clients from retrying in step).
	MinBackoff = 1 * time.Second
	MaxBackoff = 60 * time.Second
	// MaxShrink bounds the shrink levels tried for an oversize item, so a
	// buggy Encode that never returns ErrCannotShrink cannot stall the worker.
	MaxShrink = 32
)

// ErrCannotShrink is returned by Config.Encode when asked for a shrink level
// beyond the last one it knows: the item cannot be made any smaller.
var ErrCannotShrink = errors.New("batcher: cannot shrink further")

// ErrSuppressed is returned by Config.Encode to drop an item on purpose
// (spike protection). It is counted under DropSuppressed.
var ErrSuppressed = errors.New("batcher: suppressed")

// Config configures a Batcher. Zero values mean the defaults noted. New
// copies it; changing it afterwards has no effect.
type Config[T any] struct {
	// Transport delivers batches. Required.
	Transport transport.Transport
	// Encode renders one item as a JSON object. It is called on the worker
	// goroutine only, once with shrink 0 for every item, and with higher
	// levels only for an item whose encoding does not fit in a request on
	// its own. shrink 0 is full fidelity; each higher level must give a
	// smaller encoding, until it returns ErrCannotShrink. Any other error
	// drops the item (DropEncode), ErrSuppressed drops it as DropSuppressed.
	// The returned slice belongs to the batcher: it is kept, unmodified,
	// until the item is delivered or dropped, and re-sent byte for byte on a
	// retry (so an ingestion_id inside stays the same). Required.
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
	// It is called from the worker goroutine.
	Debugf func(format string, args ...any)
}

// DropReason says why an item was not delivered.
type DropReason int

// The reasons, in the order of Stats.Dropped.
const (
	DropQueueFull   DropReason = iota // the queue was full at Enqueue
	DropClosed                        // Enqueue after Close, or still queued when Close gave up
	DropRejected                      // the server refused the batch for good (4xx)
	DropTooLarge                      // larger than a request may be, even shrunk, or 413 alone
	DropRateLimited                   // held back by a 429 pause when Close gave up
	DropSuppressed                    // Encode returned ErrSuppressed
	DropEncode                        // Encode failed
	NumDropReasons                    // the number of reasons: Stats.Dropped's length
)

var dropReasonNames = [NumDropReasons]string{
	"queue-full", "closed", "rejected", "too-large", "rate-limited", "suppressed", "encode-error",
}

// String returns the reason's name as used in error messages, e.g.
// "rate-limited".
func (r DropReason) String() string {
	if r >= 0 && r < NumDropReasons {
		return dropReasonNames[r]
	}
	return "drop-reason(" + strconv.Itoa(int(r)) + ")"
}

// Stats is a snapshot of the batcher's counters. The counters are read one
// by one while the worker runs, so they may be a few events apart from each
// other; they are exact once Close has returned.
type Stats struct {
	Enqueued uint64                 // accepted into the queue
	Sent     uint64                 // delivered (2xx)
	Retries  uint64                 // batch re-sends after a transient failure or 429
	Dropped  [NumDropReasons]uint64 // by reason
	Pending  int                    // accepted but not yet delivered or dropped
	// PausedUntil is the end of the current 429 pause, zero when not paused.
	PausedUntil time.Time
}
