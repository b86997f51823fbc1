package batcher

import (
	"fmt"
	"slices"
	"time"
)

// entry is one encoded item waiting in the outbox.
type entry struct {
	seq  uint64    // order taken from the queue, from 1
	at   time.Time // when the worker took it: its FlushInterval runs from here
	data []byte    // the encoding, re-sent unchanged on every retry
}

// batch is one request's worth of entries, cut from the outbox. It keeps
// its entries through retries, so that a retried request is byte for byte
// the same.
type batch struct {
	entries []entry
	// attempts counts the sends of this batch so far: from the second on,
	// each counts in Retries.
	attempts int
	// rateLimited is set while a 429 pause holds the batch: if Close gives
	// up on it, it is dropped under DropRateLimited.
	rateLimited bool
	// body, when set, is the batch's request body, in which the entries'
	// encodings were written (Config.EncodeTo): sent as it is on every
	// attempt, and reused for a later body once the batch is released.
	// Without it each send renders the body from the entries.
	body []byte
}

// first is the sequence number of the batch's oldest entry.
func (b *batch) first() uint64 { return b.entries[0].seq }

// bodyLen is the length of a request body carrying n items whose encodings
// add up to sum bytes: "[" + items joined by "," + "]".
func bodyLen(n, sum int) int {
	if n == 0 {
		return 2
	}
	return sum + n + 1
}

// batchReady reports whether the outbox holds at least one whole batch:
// enough items, or more bytes than one request may carry. Such a batch
// goes out without waiting for its FlushInterval.
func (w *worker[T]) batchReady() bool {
	return len(w.outbox) >= w.limit || bodyLen(len(w.outbox), w.outboxBytes) > w.cfg.MaxBatchBytes
}

// saturated reports whether the worker holds as much as it may: a batch for
// every send it may have in flight, or a request's worth of bytes not yet
// cut. It stops taking items from the queue then, so memory stays bounded
// by the queue plus MaxInFlight+1 batches, and Enqueue counts the overflow.
func (w *worker[T]) saturated() bool {
	return len(w.outbox)+w.heldItems >= w.limit*w.cfg.MaxInFlight ||
		bodyLen(len(w.outbox), w.outboxBytes) > w.cfg.MaxBatchBytes
}

// cut takes the next batch from the front of the outbox: the longest prefix
// within both limits, at least one item (every item fits in a request on
// its own).
func (w *worker[T]) cut() *batch {
	n, sum := 0, 0
	for n < len(w.outbox) && n < w.limit {
		if bodyLen(n+1, sum+len(w.outbox[n].data)) > w.cfg.MaxBatchBytes {
			break
		}
		sum += len(w.outbox[n].data)
		n++
	}
	n = max(n, 1)
	bt := &batch{entries: slices.Clone(w.outbox[:n])}
	if len(w.segs) > 0 {
		bt.body = w.takeSegments(n)
	}
	for _, e := range bt.entries {
		w.outboxBytes -= len(e.data)
	}
	// Delete zeroes the vacated tail, so the encodings can be collected.
	w.outbox = slices.Delete(w.outbox, 0, n)
	w.heldItems += n
	return bt
}

// split divides a batch into parts of at most size entries, in order. The
// parts render their bodies from the entries; the batch's own body is
// left to the collector, since the entries still point into it.
func (bt *batch) split(size int) []*batch {
	var parts []*batch
	for e := bt.entries; len(e) > 0; {
		k := min(size, len(e))
		parts = append(parts, &batch{entries: e[:k:k], attempts: bt.attempts, rateLimited: bt.rateLimited})
		e = e[k:]
	}
	return parts
}

// appendBody renders a batch as a JSON array into buf.
func appendBody(buf []byte, bt *batch) []byte {
	buf = append(buf[:0], '[')
	for i, e := range bt.entries {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e.data...)
	}
	return append(buf, ']')
}

// accept encodes an item taken from the queue into the request body being
// assembled (see encodeIntoSegment) and appends it to the outbox, or drops
// it.
func (w *worker[T]) accept(item T) {
	w.recvSeq++
	data, reason := w.encodeIntoSegment(item)
	if data == nil {
		w.drop(reason)
		return
	}
	w.outbox = append(w.outbox, entry{seq: w.recvSeq, at: time.Now(), data: data})
	w.outboxBytes += len(data)
}

// segment is a request body being assembled: "[" and the encodings of n
// outbox entries joined by ",". usable is false once some of its entries
// were cut into a batch of another shape: the rest are sent from copies.
type segment struct {
	buf    []byte
	n      int
	usable bool
}

// encodeIntoSegment encodes item at the end of the last segment, or of a
// new one when the last holds a batch's worth, and returns the encoding's
// place in it (nil and the reason when the item is dropped).
func (w *worker[T]) encodeIntoSegment(item T) ([]byte, DropReason) {
	if k := len(w.segs); k == 0 || !w.segs[k-1].usable || w.segs[k-1].n >= w.limit {
		w.segs = append(w.segs, segment{buf: w.spareBody(), usable: true})
	}
	sg := &w.segs[len(w.segs)-1]
	mark := len(sg.buf)
	if mark == 0 {
		sg.buf = append(sg.buf, '[')
	} else {
		sg.buf = append(sg.buf, ',')
	}
	start := len(sg.buf)
	var reason DropReason
	sg.buf, reason = w.encodeTo(sg.buf, item)
	if len(sg.buf) == start {
		sg.buf = sg.buf[:mark]
		w.dropEmptySegment()
		return nil, reason
	}
	if len(sg.buf)+1 > w.cfg.MaxBatchBytes && sg.n > 0 {
		// Over a request's size with the others: the item starts a
		// segment of its own, as it will start a batch of its own.
		enc := sg.buf[start:]
		next := segment{buf: append(append(w.spareBody(), '['), enc...), usable: true}
		sg.buf = sg.buf[:mark]
		w.segs = append(w.segs, next)
		sg = &w.segs[len(w.segs)-1]
		start = 1
	}
	sg.n++
	// Capped: nothing may append into the body through an entry.
	return sg.buf[start:len(sg.buf):len(sg.buf)], 0
}

// dropEmptySegment forgets the last segment when it holds no entry.
func (w *worker[T]) dropEmptySegment() {
	if k := len(w.segs); k > 0 && w.segs[k-1].n == 0 {
		w.keepBody(w.segs[k-1].buf)
		w.segs = w.segs[:k-1]
	}
}

// takeSegments takes the segments of the first n outbox entries, being
// cut into a batch. It returns the batch's body when the batch is exactly
// the first segment; else nil (the body is rendered from the entries), and
// a segment left with part of its entries is no longer usable.
func (w *worker[T]) takeSegments(n int) []byte {
	if sg := w.segs[0]; sg.usable && sg.n == n {
		w.segs = slices.Delete(w.segs, 0, 1)
		return append(sg.buf, ']')
	}
	for n > 0 && len(w.segs) > 0 {
		sg := &w.segs[0]
		k := min(n, sg.n)
		sg.n -= k
		n -= k
		sg.usable = false // the entries still point into it: never reused
		if sg.n == 0 {
			w.segs = slices.Delete(w.segs, 0, 1)
		}
	}
	return nil
}

// spareBody returns an empty request body buffer, reused when one is free.
func (w *worker[T]) spareBody() []byte {
	if n := len(w.bufs); n > 0 {
		buf := w.bufs[n-1]
		w.bufs[n-1] = nil
		w.bufs = w.bufs[:n-1]
		return buf[:0]
	}
	return nil
}

// keepBody keeps a request body buffer for reuse, unless it is larger than
// a request may be (a huge item's encoding).
func (w *worker[T]) keepBody(buf []byte) {
	if cap(buf) <= MaxBatchBytes+1024 {
		w.bufs = append(w.bufs, buf[:0])
	}
}

// encodeTo is encode for Config.EncodeTo: it appends the item's encoding
// at the lowest shrink level that fits to dst, or returns dst unchanged
// and the reason when the item must be dropped.
func (w *worker[T]) encodeTo(dst []byte, item T) ([]byte, DropReason) {
	limit := w.cfg.MaxBatchBytes - 2 // room for "[" and "]"
	start, size := len(dst), 0
	for shrink := 0; shrink <= w.cfg.ShrinkLevels; shrink++ {
		out, err := w.safeEncodeTo(dst[:start], item, shrink)
		n := len(out) - start
		switch {
		case err != nil:
			w.cfg.Debugf("encoding an event failed: %v", err)
			return dst[:start], DropEncode
		case out == nil:
			return dst[:start], DropSuppressed
		case n <= 0:
			w.cfg.Debugf("encoding an event gave nothing: dropped")
			return dst[:start], DropEncode
		case n <= limit:
			if shrink > 0 {
				w.cfg.Debugf("event of %d bytes shrunk to %d bytes (level %d) to fit in a request", size, n, shrink)
			}
			return out, 0
		}
		if shrink == 0 {
			size = n
		}
		dst = out[:start]
	}
	w.cfg.Debugf("event of %d bytes does not fit in a request of %d bytes, even shrunk: dropped", size, w.cfg.MaxBatchBytes)
	return dst[:start], DropTooLarge
}

// safeEncodeTo calls Config.EncodeTo, turning a panic into an error.
func (w *worker[T]) safeEncodeTo(dst []byte, item T, shrink int) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("encoding panicked: %v", r)
		}
	}()
	return w.cfg.EncodeTo(dst, item, shrink)
}

// release forgets a batch that was delivered or dropped; its body, if it
// has one, is free for a later batch.
func (w *worker[T]) release(bt *batch) {
	w.heldItems -= len(bt.entries)
	if bt.body != nil {
		w.keepBody(bt.body)
		bt.body = nil
	}
}

// dropBatch drops a batch's items for reason.
func (w *worker[T]) dropBatch(bt *batch, reason DropReason) {
	w.release(bt)
	n := uint64(len(bt.entries))
	w.b.lost.Add(n)
	w.b.countDrop(reason, n)
	w.lost[reason] += n
}

// drop counts one accepted item that never reached a batch.
func (w *worker[T]) drop(reason DropReason) {
	w.b.lost.Add(1)
	w.b.countDrop(reason, 1)
	w.lost[reason]++
}
