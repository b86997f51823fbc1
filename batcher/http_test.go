package batcher

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// apiServer is a small stand-in for the ingestion API that enforces its
// limits the way PROTOCOL.md describes (413 over 512 KiB, 422 over 100
// events) and records what it accepted. The real network makes these tests
// unfit for synctest; they assert on what arrived, never on timing.
type apiServer struct {
	*httptest.Server
	mu    sync.Mutex
	sizes []int // events per accepted request
	bytes []int // body length per request, accepted or not
	ids   []int
}

func newAPIServer(t *testing.T) *apiServer {
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBatchBytes+1))
		s.mu.Lock()
		defer s.mu.Unlock()
		s.bytes = append(s.bytes, len(body))
		if len(body) > MaxBatchBytes {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, `{"code":"PAYLOAD_TOO_LARGE"}`)
			return
		}
		var events []struct{ ID int }
		if err := json.Unmarshal(body, &events); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"Invalid JSON payload","code":"INVALID_JSON"}`)
			return
		}
		if len(events) > MaxBatchEvents {
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":"Batch size exceeds limit of 100"}`)
			return
		}
		s.sizes = append(s.sizes, len(events))
		for _, e := range events {
			s.ids = append(s.ids, e.ID)
		}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"status":"accepted"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) snapshot() (sizes, bytes, ids []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sizes), slices.Clone(s.bytes), slices.Clone(s.ids)
}

// newHTTPBatcher builds a batcher on the real HTTP transport to host.
func newHTTPBatcher(t *testing.T, host string, tweak func(*Config[*item])) *Batcher[*item] {
	t.Helper()
	h, err := transport.NewHTTP(transport.HTTPOptions{Host: host, APIKey: "elp_test", Timeout: 5 * time.Second})
	require.NoError(t, err)
	t.Cleanup(h.CloseIdleConnections) // runs after the Close below: cleanups are LIFO
	b := newTest(h, tweak)
	t.Cleanup(func() { _ = b.Close(5 * time.Second) })
	return b
}

func TestHTTPDelivery(t *testing.T) {
	big := func(first, n, size int) []*item {
		its := items(first, n)
		for _, it := range its {
			it.sizes = []int{size}
		}
		return its
	}
	tests := []struct {
		name      string
		batchSize int
		items     []*item
		wantIDs   []int
		maxEvents int
		wantDrop  [NumDropReasons]uint64
	}{
		{"95 events by 10", 10, items(1, 95), seq(1, 95), 10, [NumDropReasons]uint64{}},
		{"250 events by 100", 100, items(1, 250), seq(1, 250), 100, [NumDropReasons]uint64{}},
		{"30 events of 100 KB", 100, big(1, 30, 100_000), seq(1, 30), 100, [NumDropReasons]uint64{}},
		{
			"oversize events", 10,
			slices.Concat(items(1, 2), []*item{
				{id: 50, sizes: []int{600_000, 5_000}}, // shrinks
				{id: 51, sizes: []int{600_000}},        // cannot
			}, items(3, 2)),
			[]int{1, 2, 50, 3, 4}, 10, [NumDropReasons]uint64{DropTooLarge: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newAPIServer(t)
			b := newHTTPBatcher(t, srv.URL, func(c *Config[*item]) { c.BatchSize = tt.batchSize; c.MaxQueueSize = 1000 })
			enqueueAll(t, b, tt.items)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			require.NoError(t, b.Flush(ctx), "Flush")
			sizes, bytes, ids := srv.snapshot()
			assert.True(t, slices.Equal(ids, tt.wantIDs), "server received %v, want %v", ids, tt.wantIDs)
			for i, n := range sizes {
				assert.LessOrEqual(t, n, tt.maxEvents, "request %d carried %d events, over %d", i, n, tt.maxEvents)
			}
			for i, n := range bytes {
				assert.LessOrEqual(t, n, MaxBatchBytes, "request %d was %d bytes, over %d", i, n, MaxBatchBytes)
			}
			s := b.Stats()
			require.Equal(t, tt.wantDrop, s.Dropped, "stats = %+v, want drops %v, %d sent, no retry", s, tt.wantDrop, len(tt.wantIDs))
			require.Equal(t, uint64(len(tt.wantIDs)), s.Sent, "stats = %+v, want drops %v, %d sent, no retry", s, tt.wantDrop, len(tt.wantIDs))
			assert.Zero(t, s.Retries, "stats = %+v, want drops %v, %d sent, no retry", s, tt.wantDrop, len(tt.wantIDs))
		})
	}
}

func TestHTTPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	host := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more

	var mu sync.Mutex
	var debug []string
	b := newHTTPBatcher(t, host, func(c *Config[*item]) {
		c.Debugf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			debug = append(debug, format)
		}
	})
	enqueueAll(t, b, items(1, 10))
	err = b.Close(300 * time.Millisecond)
	require.Error(t, err, "Close = %v, want 10 undelivered", err)
	assert.Contains(t, err.Error(), "10 events not delivered (10 closed)", "Close = %v, want 10 undelivered", err)
	mu.Lock()
	defer mu.Unlock()
	assert.True(t, slices.ContainsFunc(debug, func(s string) bool { return strings.Contains(s, "retrying") }), "debug lines %q, want one about the retry", debug)
}
