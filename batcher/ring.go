package batcher

import (
	"runtime"
	"sync/atomic"
)

// ring is the queue between Enqueue's callers and the worker: a bounded
// multi-producer, single-consumer ring after Dmitry Vyukov's bounded queue.
// Every slot carries a sequence number that says whose turn it is, so a
// producer touches only the tail counter and its own slot, and the consumer
// only its slot: no lock, and no cache line that every Enqueue and every
// receive both write (a channel's lock is one; each transfer of a line
// between cores costs the capturing goroutine tens of nanoseconds).
//
// The tail counter is also the count of items ever accepted (Enqueued), and
// its top bit says the ring is closed: once close has set it, no producer
// can claim a slot, and every slot claimed before is published within a few
// instructions, so the consumer's final drain takes every accepted item.
type ring[T any] struct {
	_ cacheLinePad
	// tail is the position the next item goes to (positions count from 0
	// and never wrap), with closedBit once closed. Written by producers only.
	tail atomic.Uint64
	_    cacheLinePad
	// head is the position of the next item to take. The consumer's alone.
	head  uint64
	size  uint64
	slots []ringSlot[T]
	_     cacheLinePad
}

// cacheLinePad keeps what producers write off the consumer's cache lines.
type cacheLinePad [64]byte

// closedBit marks a closed ring in its tail.
const closedBit = 1 << 63

// ringSlot is one item's place. seq is the slot's turn: seq == 2*pos means
// free for the producer of position pos; seq == 2*pos+1 means it holds that
// position's item, for the consumer, who then sets it to 2*(pos+size) (free
// for the next lap). (Vyukov's pos and pos+1 would make a full ring of one
// slot look free to the next position.)
type ringSlot[T any] struct {
	seq atomic.Uint64
	val T
}

func newRing[T any](size int) *ring[T] {
	r := &ring[T]{size: uint64(size), slots: make([]ringSlot[T], size)}
	for i := range r.slots {
		r.slots[i].seq.Store(2 * uint64(i))
	}
	return r
}

// pushResult says what became of an item offered to push.
type pushResult int

const (
	pushed pushResult = iota
	pushFull
	pushClosed
)

// push adds v unless the ring is full or closed. On success it also returns
// how many items the ring has accepted, v included. It never blocks: it
// retries only when another producer took the same position first.
func (r *ring[T]) push(v T) (pushResult, uint64) {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return pushClosed, 0
		}
		s := &r.slots[t%r.size]
		switch seq := s.seq.Load(); {
		case seq == 2*t:
			if r.tail.CompareAndSwap(t, t+1) {
				s.val = v
				s.seq.Store(2*t + 1) // publish
				return pushed, t + 1
			}
		case seq < 2*t:
			// The slot still holds the item of position t-size: the ring is
			// full. (A larger seq means t is stale: another producer took it.)
			return pushFull, 0
		}
	}
}

// pop takes the oldest item; false when the ring holds none. It is for the
// one consumer only. An item whose producer has claimed its slot but not yet
// published it is waited for: it is a few instructions away, and it counts
// as accepted already (enqueued, len).
func (r *ring[T]) pop() (T, bool) {
	s := &r.slots[r.head%r.size]
	for {
		if s.seq.Load() == 2*r.head+1 {
			v := s.val
			var zero T
			s.val = zero // the consumer keeps no reference to what it handed on
			s.seq.Store(2 * (r.head + r.size))
			r.head++
			return v, true
		}
		if r.head >= r.enqueued() {
			var zero T
			return zero, false
		}
		runtime.Gosched() // let the producer, perhaps preempted, publish
	}
}

// len is how many accepted items are not yet taken. For the consumer only.
func (r *ring[T]) len() int { return int(r.enqueued() - r.head) }

// enqueued is how many items the ring has accepted, ever.
func (r *ring[T]) enqueued() uint64 { return r.tail.Load() &^ closedBit }

// close stops push from accepting items. Items accepted before stay, for
// the consumer.
func (r *ring[T]) close() { r.tail.Or(closedBit) }

// closed reports whether close was called.
func (r *ring[T]) closed() bool { return r.tail.Load()&closedBit != 0 }
