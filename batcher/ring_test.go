package batcher

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRingSequential checks a ring's capacity, order and reuse of slots
// over several laps, for sizes that are and are not powers of two.
func TestRingSequential(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7, 8, 1000} {
		t.Run("", func(t *testing.T) {
			r := newRing[int](size)
			next := 0 // the next value pushed
			for lap := range 3 {
				for i := range size {
					res, n := r.push(next)
					require.Equal(t, pushed, res, "lap %d item %d", lap, i)
					next++
					assert.Equal(t, uint64(next), n, "push reports the items accepted so far")
				}
				res, _ := r.push(-1)
				assert.Equal(t, pushFull, res, "size %d: a full ring refuses", size)
				assert.Equal(t, size, r.len())
				for i := range size {
					v, ok := r.pop()
					require.True(t, ok)
					assert.Equal(t, next-size+i, v, "oldest first")
				}
				_, ok := r.pop()
				assert.False(t, ok, "empty")
				assert.Equal(t, 0, r.len())
			}
			assert.Equal(t, uint64(next), r.enqueued(), "a refused item is not counted")
		})
	}
}

// TestRingPopReleasesItem checks that the ring keeps no reference to an
// item it has handed to the consumer.
func TestRingPopReleasesItem(t *testing.T) {
	r := newRing[*int](2)
	v := new(int)
	r.push(v)
	got, ok := r.pop()
	require.True(t, ok)
	assert.Same(t, v, got)
	for i := range r.slots {
		assert.Nil(t, r.slots[i].val)
	}
}

// TestRingConcurrentProducers checks, under a consumer taking items as they
// come, that every accepted item is taken exactly once, in each producer's
// order, and that the counts add up: accepted + refused = offered, and
// enqueued = accepted.
func TestRingConcurrentProducers(t *testing.T) {
	tests := []struct {
		name               string
		size, producers, n int
	}{
		{"roomy", 4096, 4, 1000},
		{"often full", 3, 8, 2000},
		{"one slot", 1, 4, 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRing[[2]int](tt.size)
			var accepted, refused atomic.Int64
			var wg sync.WaitGroup
			for p := range tt.producers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range tt.n {
						if res, _ := r.push([2]int{p, i}); res == pushed {
							accepted.Add(1)
						} else {
							require.Equal(t, pushFull, res)
							refused.Add(1)
						}
					}
				}()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			last := make([]int, tt.producers)
			for i := range last {
				last[i] = -1
			}
			taken := 0
			take := func() bool {
				v, ok := r.pop()
				if ok {
					taken++
					assert.Greater(t, v[1], last[v[0]], "producer %d's items out of order", v[0])
					last[v[0]] = v[1]
				}
				return ok
			}
		loop:
			for {
				select {
				case <-done:
					break loop
				default:
					take()
				}
			}
			for take() {
			}
			assert.Equal(t, int64(tt.producers*tt.n), accepted.Load()+refused.Load())
			assert.Equal(t, accepted.Load(), int64(taken), "every accepted item taken once")
			assert.Equal(t, uint64(accepted.Load()), r.enqueued())
		})
	}
}

// TestRingCloseRace closes a ring while producers push into it: an item is
// either accepted, and then the consumer's drain after close takes it, or
// refused as closed (or full); after close nothing is accepted.
func TestRingCloseRace(t *testing.T) {
	for _, size := range []int{1, 16, 1024} {
		t.Run("", func(t *testing.T) {
			r := newRing[int](size)
			var accepted, closedN atomic.Int64
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for i := 0; ; i++ {
						res, _ := r.push(i)
						switch res {
						case pushed:
							accepted.Add(1)
						case pushClosed:
							closedN.Add(1)
							return
						}
					}
				}()
			}
			close(start)
			taken := 0
			for taken < min(200, 20*size) { // let them fill and wrap the ring first
				if _, ok := r.pop(); ok {
					taken++
				}
			}
			r.close()
			assert.True(t, r.closed())
			wg.Wait()
			for {
				if _, ok := r.pop(); !ok {
					break
				}
				taken++
			}
			assert.Equal(t, accepted.Load(), int64(taken), "every item accepted before close is drained")
			assert.Equal(t, uint64(accepted.Load()), r.enqueued())
			assert.Equal(t, int64(4), closedN.Load())
			res, _ := r.push(1)
			assert.Equal(t, pushClosed, res)
			assert.Equal(t, 0, r.len())
		})
	}
}
