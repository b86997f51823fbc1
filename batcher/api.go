package batcher

import (
	"strconv"
	"strings"
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
	// SDK for hours. (transport.ParseRetryAfter only guards against
	// overflow; this is the policy.)
	MaxRetryAfter = 10 * time.Minute
	// MinBackoff and MaxBackoff bound the exponential backoff after a
	// transient failure: the n-th consecutive failure waits a random
	// duration in [0, min(MaxBackoff, MinBackoff<<(n-1))) ("full jitter",
	// which keeps a fleet of clients from retrying in step).
	MinBackoff = 1 * time.Second
	MaxBackoff = 60 * time.Second
)

// MaxMaxInFlight bounds Config.MaxInFlight: more concurrent requests than
// this would only trip the server's rate limit sooner.
const MaxMaxInFlight = 32

// maxShrinkLevels bounds Config.ShrinkLevels, so that a huge value cannot
// stall the worker on one item.
const maxShrinkLevels = 32

// Config configures a Batcher. Zero values mean the defaults noted. New
// copies it; changing it afterwards has no effect.
type Config[T any] struct {
	// Transport delivers batches. Required.
	Transport transport.Transport
	// Encode renders one item as a JSON object. It is called on the worker
	// goroutine only, once with shrink 0 for every item, and with higher
	// levels, up to ShrinkLevels, only for an item whose encoding does not
	// fit in a request on its own: each higher level should give a smaller
	// encoding. It returns nil data and a nil error to drop the item on
	// purpose (counted under DropSuppressed: spike protection); any error
	// drops it under DropEncode. The batcher copies the encoding into the
	// request body at once, and re-sends those bytes unchanged on a retry:
	// the returned slice is not kept. Required unless EncodeTo is set.
	Encode func(item T, shrink int) ([]byte, error)
	// EncodeTo, when set, is used instead of Encode: it appends the item's
	// encoding to dst and returns the extended slice, with Encode's
	// contract otherwise (nil and a nil error drop the item on purpose, an
	// error drops it under DropEncode). The worker hands it the request
	// body being assembled, so that an item is written once, where it is
	// sent from, without Encode's copy. It must not keep dst or modify what
	// dst held.
	EncodeTo func(dst []byte, item T, shrink int) ([]byte, error)
	// ShrinkLevels is the highest shrink level Encode knows (default 0: no
	// shrinking; at most 32). An item still too large at that level is
	// dropped under DropTooLarge.
	ShrinkLevels int
	// BatchSize is the number of events per request (default 10, max 100).
	BatchSize int
	// FlushInterval is the longest an event waits for its batch to fill (default 2s).
	FlushInterval time.Duration
	// MaxInFlight is how many requests may be in flight at once (default
	// 1, at most MaxMaxInFlight). With more than one, the Transport's Send
	// is called concurrently and batches may arrive out of order; every
	// other rule holds for all of them (a 429 pauses every send, Close's
	// deadline ends them all, Stats stay exact).
	MaxInFlight int
	// MaxQueueSize bounds the queue (default 1000); new items beyond it are dropped.
	MaxQueueSize int
	// MaxBatchBytes caps a request body (default and maximum MaxBatchBytes).
	MaxBatchBytes int
	// Debugf receives diagnostics; nil discards them. It never receives
	// secrets. It is called from the worker goroutine, and from Enqueue's
	// caller when an item is dropped (at most once per power of two of the
	// reason's count, so a flood of drops gives a handful of lines).
	Debugf func(format string, args ...any)
	// Warnf receives the configuration problems the user must hear of even
	// without debugging (a rejected API key), once per Batcher. nil
	// discards them. It is called from the worker goroutine.
	Warnf func(msg string)
}

// DropReason says why an item was not delivered.
type DropReason int

// The reasons, in the order of Stats.Dropped.
const (
	DropQueueFull    DropReason = iota // the queue was full at Enqueue
	DropClosed                         // Enqueue after Close, or still queued when Close gave up
	DropRejected                       // the server refused the batch for good (400, 422, ...)
	DropTooLarge                       // larger than a request may be, even shrunk, or 413 alone
	DropRateLimited                    // held back by a 429 pause when Close gave up
	DropSuppressed                     // Encode returned ErrSuppressed
	DropEncode                         // Encode failed
	DropUnauthorized                   // the server refused the API key (401, 403)
	NumDropReasons                     // the number of reasons: Stats.Dropped's length
)

var dropReasonNames = [NumDropReasons]string{
	"queue-full", "closed", "rejected", "too-large", "rate-limited", "suppressed", "encode-error", "unauthorized",
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
// other; they are exact once Close has returned, unless Close reported a
// stuck worker ([CloseError].Stuck): they are then exact once [Batcher.Done]
// is closed.
type Stats struct {
	Enqueued uint64                 // accepted into the queue
	Sent     uint64                 // delivered (2xx)
	Retries  uint64                 // batch re-sends after a transient failure or 429
	Dropped  [NumDropReasons]uint64 // by reason
	Pending  int                    // accepted but not yet delivered or dropped
	// PausedUntil is the end of the current 429 pause, zero when not paused.
	PausedUntil time.Time
}

// CloseError is what [Batcher.Close] returns when it could not deliver
// everything: how many items it gave up on, by reason, and whether the
// worker was stuck (inside Encode, or a Send that ignores its context) when
// the time was up.
type CloseError struct {
	// GaveUp counts the items Close dropped because its time was up:
	// DropRateLimited for a batch a 429 pause held, DropClosed for the rest;
	// the other reasons are always 0.
	GaveUp [NumDropReasons]uint64
	// Stuck is true when the worker had not returned at the deadline. It is
	// then leaked until the code it is stuck in returns; it drops what is
	// left (DropClosed) and exits then.
	Stuck bool
	// Unresolved counts the items neither delivered nor dropped when Close
	// returned: with Stuck, those the worker will drop when it is released.
	Unresolved int
}

// Total is the number of items Close did not deliver.
func (e *CloseError) Total() uint64 {
	var n uint64
	for _, v := range e.GaveUp {
		n += v
	}
	return n + uint64(e.Unresolved)
}

// Error says, e.g., "batcher: close: 12 events not delivered (8
// rate-limited, 4 closed)".
func (e *CloseError) Error() string {
	var parts []string
	for _, r := range []DropReason{DropRateLimited, DropClosed} {
		if n := e.GaveUp[r]; n > 0 {
			parts = append(parts, strconv.FormatUint(n, 10)+" "+r.String())
		}
	}
	if e.Unresolved > 0 {
		parts = append(parts, strconv.Itoa(e.Unresolved)+" held by a stuck worker")
	}
	return "batcher: close: " + strconv.FormatUint(e.Total(), 10) + " events not delivered (" + strings.Join(parts, ", ") + ")"
}
