//go:build go1.25

// testing/synctest is Go 1.25's: these tests need it, the package itself
// builds with the module's older go line.

package batcher

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchesBySize(t *testing.T) {
	tests := []struct {
		name      string
		batchSize int
		n         int
		want      []int
	}{
		{"95 by 10", 10, 95, []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 5}},
		{"default size", 0, 25, []int{10, 10, 5}},
		{"250 by 100", 100, 250, []int{100, 100, 50}},
		{"above the API limit", 500, 150, []int{100, 50}},
		{"one by one", 1, 3, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := &fakeTransport{}
				b := newTest(tr, func(c *Config[*item]) {
					c.BatchSize = tt.batchSize
					c.MaxQueueSize = 1000
				})
				defer mustClose(t, b)
				enqueueAll(t, b, items(1, tt.n))
				require.NoError(t, b.Flush(context.Background()), "Flush")
				assert.True(t, slices.Equal(tr.batchSizes(), tt.want))
				got := tr.delivered()
				assert.True(t, slices.Equal(got, seq(1, tt.n)), "delivered %v, want ids 1..%d in order, once each", got, tt.n)
				checkAccounting(t, b, tr)
			})
		})
	}
}

func TestFlushInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{}
		b := newTest(tr, func(c *Config[*item]) { c.FlushInterval = 2 * time.Second })
		defer mustClose(t, b)
		start := time.Now()
		enqueueAll(t, b, items(1, 3))

		time.Sleep(2*time.Second - time.Millisecond)
		synctest.Wait()
		n := len(tr.Calls())
		require.Zero(t, n, "%d sends before the FlushInterval elapsed, want 0", n)
		time.Sleep(time.Millisecond)
		synctest.Wait()
		calls := tr.Calls()
		require.Len(t, calls, 1, "calls = %+v, want one batch of 1,2,3", calls)
		require.True(t, slices.Equal(calls[0].ids, []int{1, 2, 3}), "calls = %+v, want one batch of 1,2,3", calls)
		d := calls[0].at.Sub(start)
		assert.Equal(t, 2*time.Second, d, "batch left after %v, want exactly the FlushInterval", d)
	})
}

func TestBatchesByBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{}
		b := newTest(tr, func(c *Config[*item]) { c.BatchSize = 100 })
		defer mustClose(t, b)
		its := items(1, 30)
		for _, it := range its {
			it.sizes = []int{100_000}
		}
		enqueueAll(t, b, its)
		require.NoError(t, b.Flush(context.Background()), "Flush")
		for i, c := range tr.Calls() {
			assert.LessOrEqual(t, len(c.body), MaxBatchBytes, "request %d is %d bytes, over %d", i, len(c.body), MaxBatchBytes)
		}
		// 5 events of 100,000 bytes fit in 512 KiB, 6 do not.
		got, want := tr.batchSizes(), []int{5, 5, 5, 5, 5, 5}
		assert.True(t, slices.Equal(got, want))
		assert.Equal(t, seq(1, 30), tr.delivered(), "delivered, want 1..30")
	})
}

func TestMaxBatchBytesOption(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{}
		b := newTest(tr, func(c *Config[*item]) { c.MaxBatchBytes = 1000 })
		defer mustClose(t, b)
		its := items(1, 6)
		for _, it := range its {
			it.sizes = []int{300}
		}
		enqueueAll(t, b, its)
		require.NoError(t, b.Flush(context.Background()), "Flush")
		// "[" + 3*300 + 2 commas + "]" = 904 bytes; a fourth would make 1205.
		got, want := tr.batchSizes(), []int{3, 3}
		assert.True(t, slices.Equal(got, want))
	})
}

func TestOversizeItems(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name       string
		odd        *item
		wantSent   bool
		wantReason DropReason
		wantSize   int // of the odd item's encoding, when sent
	}{
		{"shrinks to fit", &item{id: 99, sizes: []int{600_000, 1_000}}, true, 0, 1_000},
		{"shrinks in two steps", &item{id: 99, sizes: []int{600_000, 530_000, 2_000}}, true, 0, 2_000},
		{"cannot shrink", &item{id: 99, sizes: []int{600_000}}, false, DropTooLarge, 0},
		{"never small enough", &item{id: 99, sizes: slices.Repeat([]int{600_000}, maxShrinkLevels+10)}, false, DropTooLarge, 0},
		{"exactly the limit", &item{id: 99, sizes: []int{MaxBatchBytes - 2}}, true, 0, MaxBatchBytes - 2},
		{"one byte over", &item{id: 99, sizes: []int{MaxBatchBytes - 1}}, false, DropTooLarge, 0},
		{"encode error", &item{id: 99, err: errBoom}, false, DropEncode, 0},
		{"suppressed", &item{id: 99, suppress: true}, false, DropSuppressed, 0},
		{"encode panics", &item{id: 99, panic: true}, false, DropEncode, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := &fakeTransport{}
				var debug []string
				b := newTest(tr, func(c *Config[*item]) {
					c.Debugf = func(format string, args ...any) { debug = append(debug, format) }
				})
				its := append(items(1, 3), tt.odd)
				its = append(its, items(4, 3)...)
				enqueueAll(t, b, its)
				require.NoError(t, b.Flush(context.Background()), "Flush")
				want := []int{1, 2, 3, 4, 5, 6}
				if tt.wantSent {
					want = []int{1, 2, 3, 99, 4, 5, 6}
				}
				got := tr.delivered()
				assert.True(t, slices.Equal(got, want), "delivered %v, want %v", got, want)
				s := b.Stats()
				var drops uint64
				for _, n := range s.Dropped {
					drops += n
				}
				if tt.wantSent {
					assert.Zero(t, drops, "drops = %v, want none", s.Dropped)
				} else {
					assert.EqualValues(t, 1, drops, "drops = %v, want exactly one %v", s.Dropped, tt.wantReason)
					assert.EqualValues(t, 1, s.Dropped[tt.wantReason], "drops = %v, want exactly one %v", s.Dropped, tt.wantReason)
				}
				for _, c := range tr.Calls() {
					assert.LessOrEqual(t, len(c.body), MaxBatchBytes, "a request of %d bytes went out", len(c.body))
					if tt.wantSent && slices.Contains(c.ids, 99) {
						assert.GreaterOrEqual(t, len(c.body), tt.wantSize, "the shrunk event's request is %d bytes, smaller than the event (%d)", len(c.body), tt.wantSize)
					}
				}
				err := b.Close(time.Second)
				assert.NoError(t, err, "Close = %v, want nil (nothing was pending)", err)
				// Read after Close: the worker, which writes debug, has exited.
				if tt.wantReason != DropSuppressed && tt.name != "exactly the limit" {
					assert.NotEmpty(t, debug, "no debug line about the odd event")
				}
				checkAccounting(t, b, tr)
			})
		})
	}
}
