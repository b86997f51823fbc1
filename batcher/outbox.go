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

// bodyLen is the length of a request body carrying n items whose encodings
// add up to sum bytes: "[" + items joined by "," + "]".
func bodyLen(n, sum int) int {
	if n == 0 {
		return 2
	}
	return sum + n + 1
}

// full reports whether the outbox holds at least one whole batch: enough
// items, or more bytes than one request may carry. The worker stops taking
// items from the queue then.
func (w *worker[T]) full() bool {
	return len(w.outbox) >= w.limit || bodyLen(len(w.outbox), w.outboxBytes) > w.cfg.MaxBatchBytes
}

// batchLen is the number of items the next request carries: a held batch
// as it is, else the longest prefix of the outbox within both limits. It is
// at least 1, since every item fits in a request on its own.
func (w *worker[T]) batchLen() int {
	if len(w.held) > 0 {
		return w.held[0]
	}
	n, sum := 0, 0
	for n < len(w.outbox) && n < w.limit {
		if bodyLen(n+1, sum+len(w.outbox[n].data)) > w.cfg.MaxBatchBytes {
			break
		}
		sum += len(w.outbox[n].data)
		n++
	}
	return max(n, 1)
}

// buildBody renders the first n items as a JSON array, in a buffer reused
// from one request to the next (the transport must not retain it).
func (w *worker[T]) buildBody(n int) []byte {
	b := append(w.body[:0], '[')
	for i, e := range w.outbox[:n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.data...)
	}
	b = append(b, ']')
	w.body = b
	return b
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
			w.cfg.Debugf("batcher: encoding an event failed: %v", err)
			return nil, DropEncode
		case data == nil:
			return nil, DropSuppressed
		case len(data) == 0:
			w.cfg.Debugf("batcher: encoding an event gave nothing: dropped")
			return nil, DropEncode
		case len(data) <= limit:
			if shrink > 0 {
				w.cfg.Debugf("batcher: event of %d bytes shrunk to %d bytes (level %d) to fit in a request", size, len(data), shrink)
			}
			return data, 0
		}
		if shrink == 0 {
			size = len(data)
		}
	}
	w.cfg.Debugf("batcher: event of %d bytes does not fit in a request of %d bytes, even shrunk: dropped", size, w.cfg.MaxBatchBytes)
	return nil, DropTooLarge
}

// safeEncode calls Config.Encode, turning a panic into an error: one bad
// event must not take the worker, and the program, down.
func (w *worker[T]) safeEncode(item T, shrink int) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("batcher: encode panicked: %v", r)
		}
	}()
	return w.cfg.Encode(item, shrink)
}

// resolveFront removes the first n items of the outbox (delivered or
// dropped) together with the held batches they made up.
func (w *worker[T]) resolveFront(n int) {
	for _, e := range w.outbox[:n] {
		w.outboxBytes -= len(e.data)
	}
	// Delete zeroes the vacated tail, so the encodings can be collected.
	w.outbox = slices.Delete(w.outbox, 0, n)
	for k := n; k > 0 && len(w.held) > 0; {
		k -= w.held[0]
		w.held = slices.Delete(w.held, 0, 1)
	}
}

// dropFront drops the first n items of the outbox for reason.
func (w *worker[T]) dropFront(n int, reason DropReason) {
	w.resolveFront(n)
	w.b.lost.Add(uint64(n))
	w.b.countDrop(reason, uint64(n))
	w.lost[reason] += uint64(n)
}

// drop counts one accepted item that never reached the outbox.
func (w *worker[T]) drop(reason DropReason) {
	w.b.lost.Add(1)
	w.b.countDrop(reason, 1)
	w.lost[reason]++
}
