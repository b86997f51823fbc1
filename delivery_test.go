package errsight

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsighttest"
)

// End-to-end delivery through the real HTTP transport to the in-process
// ErrSight API. The batcher's own tests drive the time-based policies
// (backoff, long pauses) with testing/synctest; these prove the pieces fit.

func serverClient(t *testing.T, srv *errsighttest.Server, opts Options) *Client {
	t.Helper()
	opts.Host, opts.APIKey = srv.URL, srv.APIKey()
	if opts.MinLevel == 0 {
		opts.MinLevel = LevelDebug
	}
	if opts.SpikeLimit == 0 {
		opts.SpikeLimit = -1
	}
	c, err := NewClient(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func newServer(t *testing.T) *errsighttest.Server {
	srv := errsighttest.NewServer()
	t.Cleanup(srv.Close)
	return srv
}

func TestDeliveryBatchesOfBatchSize(t *testing.T) {
	srv := newServer(t)
	c := serverClient(t, srv, Options{BatchSize: 10})
	h := NewHub(c, nil)
	for i := range 95 {
		h.CaptureMessage(fmt.Sprint("event ", i), LevelError)
	}
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	n := len(srv.Events())
	require.EqualValues(t, 95, n, "server accepted %d events, want 95", n)
	for _, r := range srv.Requests() {
		require.LessOrEqual(t, r.Events, 10, "request with %d events answered %d", r.Events, r.Status)
		assert.EqualValues(t, 202, r.Status, "request with %d events answered %d", r.Events, r.Status)
	}
	assertStatsMatch(t, c, srv)
}

func TestDeliveryLargeEventsNever413(t *testing.T) {
	srv := newServer(t)
	c := serverClient(t, srv, Options{BatchSize: 100, MaxQueueSize: 100})
	h := NewHub(c, nil)
	blob := strings.Repeat("x", 100_000)
	for i := range 30 {
		h.CaptureEvent(&Event{Level: LevelError, Message: fmt.Sprint("big ", i), Metadata: map[string]any{"blob": blob}})
	}
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	n := len(srv.Events())
	require.EqualValues(t, 30, n, "server accepted %d events, want 30", n)
	for _, r := range srv.Requests() {
		require.NotEqualValues(t, 413, r.Status, "request of %d bytes answered %d", len(r.Body), r.Status)
		assert.LessOrEqual(t, len(r.Body), 512*1024, "request of %d bytes answered %d", len(r.Body), r.Status)
	}
}

func TestDeliveryOversizeEventIsShrunk(t *testing.T) {
	srv := newServer(t)
	c := serverClient(t, srv, Options{})
	h := NewHub(c, nil)
	md := map[string]any{}
	for i := range 40 {
		md[fmt.Sprint("part", i)] = strings.Repeat("y", 15_000) // 600 KB in all
	}
	h.CaptureMessage("before", LevelError)
	h.CaptureEvent(&Event{Level: LevelError, Message: "huge", Metadata: md})
	h.CaptureMessage("after", LevelError)
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	got := map[string]int{}
	for _, ev := range srv.Events() {
		got[ev.Message] = len(ev.Raw)
	}
	require.NotZero(t, got["before"], "events received: %v", got)
	require.NotZero(t, got["after"], "events received: %v", got)
	require.NotZero(t, got["huge"], "events received: %v", got)
	assert.LessOrEqual(t, got["huge"], 512*1024, "the huge event arrived with %d bytes", got["huge"])
}

func TestDeliveryRateLimitedThenDelivered(t *testing.T) {
	srv := newServer(t)
	srv.Fail(errsighttest.Fault{Status: 429, RetryAfter: "1"})
	c := serverClient(t, srv, Options{})
	h := NewHub(c, nil)
	start := time.Now()
	h.CaptureMessage("held back", LevelError)
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "the client did not wait for Retry-After")
	evs := srv.Events()
	require.Len(t, evs, 1, "events %v", evs)
	require.EqualValues(t, "held back", evs[0].Message, "events %v", evs)
	st := c.Stats()
	require.EqualValues(t, 1, st.Retries, "stats %+v", st)
	assert.EqualValues(t, 1, st.Sent, "stats %+v", st)
}

func TestDeliveryRetriesServerErrorsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two real backoffs (up to 3 s); the batcher tests cover the policy in virtual time")
	}
	srv := newServer(t)
	srv.Fail(errsighttest.Fault{Status: 503}, errsighttest.Fault{Status: 503})
	c := serverClient(t, srv, Options{})
	h := NewHub(c, nil)
	ids := map[EventID]bool{}
	for i := range 3 {
		ids[h.CaptureMessage(fmt.Sprint("m", i), LevelError)] = true
	}
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	evs := srv.Events()
	require.Len(t, evs, 3, "got %d events, want each of the 3 exactly once", len(evs))
	for _, ev := range evs {
		assert.True(t, ids[EventID(ev.IngestionID)], "unexpected ingestion_id %s", ev.IngestionID)
		delete(ids, EventID(ev.IngestionID))
	}
	// The retried requests carried the same ids: idempotent on the server.
	for _, r := range srv.Requests() {
		for id := range ids {
			assert.NotContains(t, string(r.Body), string(id), "id %s sent but never accepted", id)
		}
	}
	st := c.Stats()
	require.EqualValues(t, 2, st.Retries, "stats %+v, want 2 retries and 3 sent", st)
	assert.EqualValues(t, 3, st.Sent, "stats %+v, want 2 retries and 3 sent", st)
}

func TestDeliveryRejectedDropsOnlyItsBatch(t *testing.T) {
	for _, status := range []int{400, 401, 403, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := newServer(t)
			srv.Fail(errsighttest.Fault{Status: status})
			c := serverClient(t, srv, Options{BatchSize: 1})
			h := NewHub(c, nil)
			h.CaptureMessage("rejected", LevelError)
			keyRejected := status == 401 || status == 403
			err := c.Flush(context.Background())
			if keyRejected {
				require.ErrorIs(t, err, ErrAPIKeyRejected, "Flush, want ErrAPIKeyRejected for a rejected key")
			} else {
				require.NoError(t, err, "Flush, want ErrAPIKeyRejected only for a rejected key")
			}
			h.CaptureMessage("accepted", LevelError)
			require.NoError(t, c.Flush(context.Background()), "Flush")
			evs := srv.Events()
			require.Len(t, evs, 1, "events %v", evs)
			require.EqualValues(t, "accepted", evs[0].Message, "events %v", evs)
			st := c.Stats()
			require.EqualValues(t, 1, st.Dropped.Rejected+st.Dropped.APIKey, "stats %+v", st)
			require.Equal(t, keyRejected, (st.Dropped.APIKey == 1), "stats %+v", st)
			assert.EqualValues(t, 1, st.Sent, "stats %+v", st)
		})
	}
}

func TestDeliveryHangingServerNeverBlocksCapture(t *testing.T) {
	srv := newServer(t)
	srv.SetFault(errsighttest.Fault{Hang: true})
	c := serverClient(t, srv, Options{ShutdownTimeout: time.Second, Timeout: 30 * time.Second})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50_000 / 8 {
				CaptureError(ctx, fmt.Errorf("goroutine %d error %d", g, i))
			}
		}()
	}
	wg.Wait()
	st := c.Stats()
	// The worker holds a batch per request in flight, and takes nothing
	// more from the queue.
	assert.LessOrEqual(t, st.Pending, c.opts.MaxQueueSize+c.opts.BatchSize*c.opts.MaxConcurrentSends, "%d events pending: the queue is not bounded", st.Pending)
	assert.NotZero(t, st.Dropped.QueueFull, "no event was dropped as queue-full, yet nothing can be delivered")
	start := time.Now()
	err := c.Close()
	took := time.Since(start)
	assert.LessOrEqual(t, took, c.opts.ShutdownTimeout+time.Second, "Close took %v with ShutdownTimeout %v", took, c.opts.ShutdownTimeout)
	require.Error(t, err, "Close() = %v, want an error saying what was not delivered", err)
	assert.Contains(t, err.Error(), "not delivered", "Close() = %v, want an error saying what was not delivered", err)
	st = c.Stats()
	require.EqualValues(t, 50_000, st.Captured+st.Dropped.QueueFull, "stats %+v: every one of 50,000 events must be accounted for", st)
	assert.Zero(t, st.Pending, "stats %+v: every one of 50,000 events must be accounted for", st)
}

func TestDeliveryConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	c, err := NewClient(Options{APIKey: testKey, Host: "http://" + addr, ShutdownTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
	h := NewHub(c, nil)
	for range 5 {
		h.CaptureError(errors.New("nowhere to go"))
	}
	err = c.Close()
	require.Error(t, err, "Close() = nil, yet nothing could be delivered")
	st := c.Stats()
	require.Zero(t, st.Sent, "stats %+v: want all 5 counted as dropped", st)
	assert.EqualValues(t, 5, st.Dropped.Total(), "stats %+v: want all 5 counted as dropped", st)
}

func TestFlushDeadlineAgainstHangingServer(t *testing.T) {
	srv := newServer(t)
	srv.SetFault(errsighttest.Fault{Hang: true})
	c := serverClient(t, srv, Options{ShutdownTimeout: 200 * time.Millisecond})
	NewHub(c, nil).CaptureMessage("stuck", LevelError)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := c.Flush(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "Flush() = %v, want a deadline error", err)
	assert.Contains(t, err.Error(), "1 ", "Flush() error %q does not say how many are pending", err)
}

// assertStatsMatch checks the client's counters against what the server
// accepted, event for event.
func assertStatsMatch(t *testing.T, c *Client, srv *errsighttest.Server) {
	t.Helper()
	st := c.Stats()
	assert.Equal(t, len(srv.Events()), int(st.Sent), "Stats().Sent = %d, server accepted %d", st.Sent, len(srv.Events()))
	assert.Equal(t, st.Sent+st.Dropped.Total()-st.Dropped.QueueFull+uint64(st.Pending), st.Captured, "stats do not add up: %+v", st)
}

// TestDeliveryWithinTheProjectRateLimit: the server counts a whole request
// against the project's per-window limit and admits it only if it fits, so
// a batch larger than the limit is refused for ever. With BatchSize 100 and
// the default project limit of 60, the client must split and deliver all.
func TestDeliveryWithinTheProjectRateLimit(t *testing.T) {
	tests := []struct {
		name  string
		fault *errsighttest.Fault // answers the first request instead of the limiter
	}{
		{"limit advertised", nil},
		{"limit not advertised", &errsighttest.Fault{Status: 429, RetryAfter: "0", Body: `{"code":"RATE_LIMIT_EXCEEDED"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			srv.SetRateLimit(60, 500*time.Millisecond)
			if tt.fault != nil {
				srv.Fail(*tt.fault)
			}
			c := serverClient(t, srv, Options{BatchSize: 100, MaxQueueSize: 200})
			h := NewHub(c, nil)
			for i := range 120 {
				h.CaptureMessage(fmt.Sprint("event ", i), LevelError)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := c.Flush(ctx)
			require.NoError(t, err, fmt.Sprint(err))
			n := len(srv.Events())
			require.EqualValues(t, 120, n, "server accepted %d events, want 120", n)
			// Only the first batch of 100, sent before any 429 said the
			// limit, may be larger than 60.
			over := 0
			for _, r := range srv.Requests() {
				if r.Events > 60 {
					over++
				}
			}
			assert.LessOrEqual(t, over, 1, "%d requests carried more than 60 events; only the first may", over)
			assertStatsMatch(t, c, srv)
		})
	}
}

// TestDeliveryConcurrentSendsEndToEnd: MaxConcurrentSends requests go out
// together to a server that holds them, and Close's deadline still ends
// them all, accounting for every event.
func TestDeliveryConcurrentSendsEndToEnd(t *testing.T) {
	srv := newServer(t)
	srv.SetFault(errsighttest.Fault{Hang: true})
	c := serverClient(t, srv, Options{ShutdownTimeout: 200 * time.Millisecond, Timeout: time.Minute})
	h := NewHub(c, nil)
	for i := range 80 {
		h.CaptureMessage(fmt.Sprint("event ", i), LevelError)
	}
	// Five requests held by the server at once: they were in flight together.
	_, err := srv.WaitForRequests(DefaultMaxConcurrentSends, 10*time.Second)
	require.NoError(t, err)
	err = c.Close()
	require.ErrorIs(t, err, ErrShutdownTimeout, "Close = %v, want ErrShutdownTimeout", err)
	n := len(srv.Requests())
	assert.Equal(t, DefaultMaxConcurrentSends, n, "%d requests, want %d in flight and no more", n, DefaultMaxConcurrentSends)
	st := c.Stats()
	require.Zero(t, st.Pending, "stats %+v, want all 80 given up at Close", st)
	require.Zero(t, st.Sent, "stats %+v, want all 80 given up at Close", st)
	assert.EqualValues(t, 80, st.Dropped.Closed, "stats %+v, want all 80 given up at Close", st)
}
