package errsight

import (
	"maps"
	"math/bits"
	"sync/atomic"
)

// The queue is bounded by bytes as well as by count: 1,000 queued errors
// with 256 KiB messages held a quarter of a gigabyte while the server was
// unreachable. Two measures keep that bounded:
//
//   - at capture, what can never be sent is trimmed (a message beyond the
//     server's 10,000 characters, a tag value beyond 200...), so it is not
//     held at all;
//   - every queued capture is charged an estimate of the memory it holds,
//     and a capture that would take the queue past Options.MaxQueueBytes is
//     dropped and counted as queue-full, like one beyond MaxQueueSize.
//
// The charge is released when the worker takes the capture from the queue
// (its first encoding): from then on it is in the batcher's outbox, which
// is bounded by one request's size.

// captureOverhead is what a capture costs besides its variable parts: the
// capture and Event structs, the id, the scope snapshot's pointer.
const captureOverhead = 512

// trimmed cuts s as the encoder would cut it for the server, at capture,
// so that the queue never holds what cannot be sent. It costs a length
// check when s is within max characters (bytes are at least characters).
func trimmed(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return truncate(s, max)
}

// trimValue cuts a metadata string as the encoder cuts it at full fidelity.
func trimValue(v any) any {
	if s, ok := v.(string); ok && len(s) > maxValueBytes {
		return truncate(s, maxValueBytes/4)
	}
	return v
}

// trimEvent cuts what a hand-built event holds beyond the server's limits.
// The event belongs to the SDK from its capture on.
func trimEvent(ev *Event) {
	ev.Message = trimmed(ev.Message, maxMessageChars)
	for k, v := range ev.Tags {
		if len(v) > maxTagValueChars {
			ev.Tags[k] = truncate(v, maxTagValueChars)
		}
	}
	for k, v := range ev.Metadata {
		if s, ok := v.(string); ok && len(s) > maxValueBytes {
			ev.Metadata[k] = trimValue(s)
		}
	}
	ev.User = trimUser(ev.User)
}

func trimUser(u User) User {
	u.ID = trimmed(u.ID, maxUserIDChars)
	u.Email = trimmed(u.Email, maxUserEmailChars)
	u.Username = trimmed(u.Username, maxUserNameChars)
	u.IPAddress = trimmed(u.IPAddress, maxUserIPChars)
	return u
}

// size estimates the memory a queued capture holds of its own (what its
// scope snapshot shares with the scope is not counted). errBytes is the
// length of the captured error's text: the error value stays referenced
// until the worker builds the event, whatever was trimmed from the message.
func (r *capture) size() int64 {
	n := captureOverhead + len(r.msg) + r.errBytes + 8*len(r.pcs)
	if ev := r.ev; ev != nil {
		n += len(ev.Message) + 8*len(ev.pcs)
		for k, v := range ev.Tags {
			n += len(k) + len(v) + 16
		}
		for k, v := range ev.Metadata {
			n += len(k) + 32
			if s, ok := v.(string); ok {
				n += len(s)
			}
		}
		for _, b := range ev.Breadcrumbs {
			n += len(b.Message) + len(b.Category) + 64 + 64*len(b.Data)
		}
	}
	return int64(n)
}

// queueBytes counts the bytes the queued captures are charged. Captures
// add to reserved; the worker adds to released as it takes them: the queue
// holds reserved - released. The two sit on cache lines of their own, so
// that a capture does not fetch, on every event, a line the worker has just
// written (a transfer between cores costs tens of nanoseconds): it compares
// with seen, its latest reading of released, and reads released itself
// only when that stale view says the budget is exceeded. A stale view is
// never too low (released only grows), so it can only send a capture to
// that exact check, never admit one the exact count would drop.
type queueBytes struct {
	_        cacheLinePad
	reserved atomic.Int64 // written by captures
	seen     atomic.Int64 // a reading of released, written by captures
	_        cacheLinePad
	released atomic.Int64 // written by the worker (and by failed enqueues)
	_        cacheLinePad
}

// cacheLinePad keeps fields written by different goroutines off each
// other's cache lines.
type cacheLinePad [64]byte

// queued is the bytes the queue holds now.
func (q *queueBytes) queued() int64 { return q.reserved.Load() - q.released.Load() }

// reserve charges r to the queue's byte budget; false when it does not fit,
// and the drop is counted.
func (c *Client) reserve(r *capture) bool {
	r.bytes = r.size()
	q := &c.queueBytes
	total := q.reserved.Add(r.bytes)
	if total-q.seen.Load() <= int64(c.opts.MaxQueueBytes) {
		return true
	}
	rel := q.released.Load()
	for seen := q.seen.Load(); seen < rel && !q.seen.CompareAndSwap(seen, rel); seen = q.seen.Load() {
	}
	if total-rel <= int64(c.opts.MaxQueueBytes) {
		return true
	}
	q.reserved.Add(-r.bytes)
	r.bytes = 0
	n := c.queueBytesFull.Add(1)
	if bits.OnesCount64(n) == 1 { // 1, 2, 4, 8...: a line, not a flood
		c.log.printf("event dropped (queue-full): the queued events hold more than MaxQueueBytes (%d bytes; check why delivery is slow, or raise it); %d dropped for this reason so far",
			c.opts.MaxQueueBytes, n)
	}
	return false
}

// release returns r's charge once the worker has taken it from the queue.
func (c *Client) release(r *capture) {
	if r.bytes != 0 {
		c.queueBytes.released.Add(r.bytes)
		r.bytes = 0
	}
}

// trimCrumbData cuts the long strings of a breadcrumb's data as the encoder
// cuts them (a scope keeps up to 100 breadcrumbs, for every event queued
// from it). The map is copied first, only then: the caller may still hold
// it.
func trimCrumbData(d map[string]any) map[string]any {
	for _, v := range d {
		if s, ok := v.(string); ok && len(s) > shrunkValueBytes {
			out := maps.Clone(d)
			for k, v := range out {
				if s, ok := v.(string); ok && len(s) > shrunkValueBytes {
					out[k] = truncate(s, shrunkValueBytes)
				}
			}
			return out
		}
	}
	return d
}
