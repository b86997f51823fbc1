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
	for _, e := range bt.entries {
		w.outboxBytes -= len(e.data)
	}
	// Delete zeroes the vacated tail, so the encodings can be collected.
	w.outbox = slices.Delete(w.outbox, 0, n)
	w.heldItems += n
	return bt
}

// split divides a batch into parts of at most size entries, in order.
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

// accept encodes an item taken from the queue and appends it to the
// outbox, or drops it.
func (w *worker[T]) accept(item T) {
	w.recvSeq++
	data, reason := w.encode(item)
	if data == nil {
		w.drop(reason)
		return
	}
	w.outbox = append(w.outbox, entry{seq: w.recvSeq, at: time.Now(), data: data})
	w.outboxBytes += len(data)
}

// encode renders an item at the lowest shrink level that fits in a request
// on its own. It returns nil and the reason when the item must be dropped.
// It always ends: ShrinkLevels is bounded.
func (w *worker[T]) encode(item T) ([]byte, DropReason) {
	limit := w.cfg.MaxBatchBytes - 2 // room for "[" and "]"
	size := 0
	for shrink := 0; shrink <= w.cfg.ShrinkLevels; shrink++ {
		data, err := w.safeEncode(item, shrink)
		switch {
		case err != nil:
			w.cfg.Debugf("encoding an event failed: %v", err)
			return nil, DropEncode
		case data == nil:
			return nil, DropSuppressed
		case len(data) == 0:
			w.cfg.Debugf("encoding an event gave nothing: dropped")
			return nil, DropEncode
		case len(data) <= limit:
			if shrink > 0 {
				w.cfg.Debugf("event of %d bytes shrunk to %d bytes (level %d) to fit in a request", size, len(data), shrink)
			}
			return data, 0
		}
		if shrink == 0 {
			size = len(data)
		}
	}
	w.cfg.Debugf("event of %d bytes does not fit in a request of %d bytes, even shrunk: dropped", size, w.cfg.MaxBatchBytes)
	return nil, DropTooLarge
}

// safeEncode calls Config.Encode, turning a panic into an error: one bad
// event must not take the worker, and the program, down.
func (w *worker[T]) safeEncode(item T, shrink int) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encoding panicked: %v", r)
		}
	}()
	return w.cfg.Encode(item, shrink)
}

// release forgets a batch that was delivered or dropped, handing its
// encodings back to Config.Recycle.
func (w *worker[T]) release(bt *batch) {
	w.heldItems -= len(bt.entries)
	if w.cfg.Recycle == nil {
		return
	}
	for i := range bt.entries {
		w.cfg.Recycle(bt.entries[i].data)
		bt.entries[i].data = nil
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
