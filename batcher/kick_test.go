package batcher

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWakesPerBatch checks that a stream of items wakes a sleeping worker
// once per batch, not once per item: the first item wakes it (its
// FlushInterval starts), the items that follow wait in the queue until the
// one that fills the batch; and that the batch then leaves whole.
func TestWakesPerBatch(t *testing.T) {
	tests := []struct {
		name      string
		batchSize int
	}{
		{"batch of 10", 10},
		{"batch of 3", 3},
		{"batch of 1: every item is a batch", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &fakeTransport{}
			b := newTest(tr, func(c *Config[*item]) { c.BatchSize, c.FlushInterval = tt.batchSize, time.Hour })
			defer b.Close(time.Second)
			its := items(1, tt.batchSize)
			asleep := func(at uint64) func() bool { return func() bool { return b.kickAt.Load() == at } }
			// Started, the worker holds nothing: it sleeps until the first item.
			require.Eventually(t, asleep(1), 5*time.Second, time.Millisecond)
			enqueueAll(t, b, its[:1])
			// The worker takes the first item, then sleeps until the batch
			// is full (for a batch of 1, it sends it at once and sleeps
			// until the next item).
			wantAt := uint64(tt.batchSize)
			if tt.batchSize == 1 {
				wantAt = 2
			}
			require.Eventually(t, asleep(wantAt), 5*time.Second, time.Millisecond)
			require.Equal(t, uint64(1), b.kicks.Load(), "the first item wakes the worker")
			enqueueAll(t, b, its[1:])
			require.Equal(t, uint64(min(2, tt.batchSize)), b.kicks.Load(), "only the item that fills the batch wakes it")
			require.NoError(t, b.Flush(context.Background()))
			calls := tr.Calls()
			require.NotEmpty(t, calls)
			if tt.batchSize > 1 {
				require.Len(t, calls, 1, "one request for the whole batch")
				require.Len(t, calls[0].ids, tt.batchSize)
			}
		})
	}
}
