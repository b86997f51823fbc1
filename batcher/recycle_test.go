//go:build go1.25

// testing/synctest is Go 1.25's: these tests need it, the package itself
// builds with the module's older go line.

package batcher

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// TestRecycle: every encoding goes back to Config.Recycle exactly once, and
// only when its item is resolved (delivered, or dropped for good), never
// while a retry, a split or a 429 pause may still send it. The test's
// Encode writes into the recycled buffers, as the client's does: an
// encoding recycled too early would be overwritten by a later item, and the
// transport would see the wrong ids.
func TestRecycle(t *testing.T) {
	rateLimited := transport.Outcome{Kind: transport.RateLimited, Status: 429, RetryAfter: time.Second, Limit: 3}
	tests := []struct {
		name      string
		script    func(int, []int) transport.Outcome
		delivered int
	}{
		{"delivered", nil, 20},
		{"retried then delivered", outcomes(transport.Outcome{Kind: transport.Retry, Status: 503}), 20},
		{"rejected", outcomes(transport.Outcome{Kind: transport.Rejected, Status: 400}), 10},
		{"too large, split", outcomes(transport.Outcome{Kind: transport.TooLarge, Status: 413}), 20},
		{"rate limited, split", outcomes(rateLimited), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var (
					mu       sync.Mutex
					free     [][]byte
					recycled []int
					owners   = map[*byte]bool{} // buffers the batcher holds
				)
				encode := func(it *item, _ int) ([]byte, error) {
					mu.Lock()
					defer mu.Unlock()
					buf := make([]byte, 0, 64)
					if n := len(free); n > 0 {
						buf, free = free[n-1][:0], free[:n-1]
					}
					enc, _ := json.Marshal(struct{ ID int }{it.id})
					buf = append(buf, enc...)
					owners[&buf[0]] = true
					return buf, nil
				}
				recycle := func(data []byte) {
					mu.Lock()
					defer mu.Unlock()
					require.True(t, owners[&data[0]], "Recycle got an encoding twice, or one it never returned")
					delete(owners, &data[0])
					var ev struct{ ID int }
					require.NoError(t, json.Unmarshal(data, &ev))
					recycled = append(recycled, ev.ID)
					free = append(free, data)
				}
				tr := &fakeTransport{script: tt.script}
				b := newTest(tr, func(c *Config[*item]) {
					c.Encode, c.Recycle = encode, recycle
					c.BatchSize = 10
				})
				enqueueAll(t, b, items(1, 20))
				require.NoError(t, b.Flush(context.Background()))
				mustClose(t, b)
				assert.Len(t, tr.delivered(), tt.delivered)
				slices.Sort(recycled)
				assert.Equal(t, seq(1, 20), recycled, "each of the 20 encodings recycled once")
				assert.Empty(t, owners, "encodings never recycled")
			})
		})
	}
}
