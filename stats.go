package errsight

import (
	"time"

	"github.com/errsight/errsight-go/batcher"
)

// Stats are a client's delivery counters since it was created, for the
// application to read and export. Every event accepted by a capture
// function ends up counted exactly once in Sent or one of the Dropped
// counters, or is still Pending.
type Stats struct {
	// Captured counts events accepted into the queue.
	Captured uint64
	// Sent counts events the server accepted.
	Sent uint64
	// Retries counts batch re-sends after a transient failure or a 429.
	Retries uint64
	// Pending counts events queued or in flight.
	Pending int
	// PausedUntil is the end of the current 429 pause, zero when not paused.
	PausedUntil time.Time
	// Dropped counts events not delivered, by reason.
	Dropped DroppedStats
}

// DroppedStats counts undelivered events by reason.
type DroppedStats struct {
	QueueFull   uint64 // the queue was full at capture
	BeforeSend  uint64 // BeforeSend returned nil or panicked (fail-closed)
	RateLimited uint64 // held back by a 429 pause when Close gave up
	Rejected    uint64 // refused by the server for good (400, 422, ...)
	APIKey      uint64 // refused because the server rejected the API key (401, 403)
	TooLarge    uint64 // too large for a request even when shrunk
	Closed      uint64 // captured after Close, or still queued when Close gave up
	Suppressed  uint64 // collapsed by spike protection
	Encode      uint64 // could not be encoded
}

// Total is the sum of all the counters.
func (d DroppedStats) Total() uint64 {
	return d.QueueFull + d.BeforeSend + d.RateLimited + d.Rejected + d.APIKey + d.TooLarge + d.Closed + d.Suppressed + d.Encode
}

// Stats returns the client's counters. A nil or disabled client has none.
func (c *Client) Stats() Stats {
	if !c.Enabled() {
		return Stats{}
	}
	bs := c.queue.Stats()
	return Stats{
		Captured:    bs.Enqueued,
		Sent:        bs.Sent,
		Retries:     bs.Retries,
		Pending:     bs.Pending,
		PausedUntil: bs.PausedUntil,
		Dropped: DroppedStats{
			QueueFull:   bs.Dropped[batcher.DropQueueFull] + c.queueBytesFull.Load(),
			BeforeSend:  c.beforeSendDropped.Load(),
			RateLimited: bs.Dropped[batcher.DropRateLimited],
			Rejected:    bs.Dropped[batcher.DropRejected],
			APIKey:      bs.Dropped[batcher.DropUnauthorized],
			TooLarge:    bs.Dropped[batcher.DropTooLarge],
			Closed:      bs.Dropped[batcher.DropClosed],
			Suppressed:  c.spikeDropped.Load(),
			Encode:      bs.Dropped[batcher.DropEncode],
		},
	}
}
