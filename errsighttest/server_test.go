package errsighttest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewServer(t *testing.T) {
	srv := newTestServer(t)
	assert.True(t, regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+$`).MatchString(srv.URL), "URL = %q, want http://127.0.0.1:PORT", srv.URL)
	assert.Equal(t, srv.URL+"/api/v1/events", srv.Endpoint(), "Endpoint = %q", srv.Endpoint())
	assert.True(t, regexp.MustCompile(`^elp_[0-9a-f]{48}$`).MatchString(srv.APIKey()), "APIKey = %q", srv.APIKey())
	assert.True(t, regexp.MustCompile(`^elr_[0-9a-f]{48}$`).MatchString(srv.ReadKey()), "ReadKey = %q", srv.ReadKey())
	other := newTestServer(t)
	require.NotEqual(t, srv.APIKey(), other.APIKey(), "two servers share a key or a URL")
	assert.NotEqual(t, srv.URL, other.URL, "two servers share a key or a URL")
	require.Len(t, srv.Events(), 0, "a new server has recordings")
	assert.Len(t, srv.Requests(), 0, "a new server has recordings")
}

func TestTLSServer(t *testing.T) {
	srv := NewTLSServer()
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "https://127.0.0.1:"), "URL = %q", srv.URL)
	got := post(t, srv, events(2))
	require.EqualValues(t, 202, got.status, "status %d", got.status)
	n := len(srv.Events())
	assert.EqualValues(t, 2, n, "%d events", n)
}

func TestWaitForEvents(t *testing.T) {
	srv := newTestServer(t)
	evs, err := srv.WaitForEvents(0, 0)
	require.NoError(t, err, "WaitForEvents(0, 0)")
	require.Empty(t, evs, "WaitForEvents(0, 0)")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 {
			_, err := send(context.Background(), srv, events(1), postOpts{})
			assert.NoError(t, err, fmt.Sprint(err))
		}
	}()
	evs, err = srv.WaitForEvents(3, 10*time.Second)
	require.NoError(t, err, "WaitForEvents(3) = %d events, %v", len(evs), err)
	require.GreaterOrEqual(t, len(evs), 3, "WaitForEvents(3) = %d events, %v", len(evs), err)
	<-done

	evs, err = srv.WaitForEvents(5, 20*time.Millisecond)
	require.Error(t, err, "WaitForEvents(5) = %d events, %v; want 3 and an error", len(evs), err)
	require.Len(t, evs, 3, "WaitForEvents(5) = %d events, %v; want 3 and an error", len(evs), err)
	assert.Equal(t, "errsighttest: timed out after 20ms waiting for 5 events; 3 arrived", err.Error())
}

func TestWaitOnClosedServer(t *testing.T) {
	srv := NewServer()
	post(t, srv, events(1))
	waiting := make(chan error, 1)
	go func() {
		_, err := srv.WaitForEvents(2, time.Hour)
		waiting <- err
	}()
	srv.Close()
	select {
	case err := <-waiting:
		require.Error(t, err, "err = %v", err)
		assert.Contains(t, err.Error(), "server closed while waiting for 2 events; 1 arrived", "err = %v", err)
	case <-time.After(10 * time.Second):
		require.Fail(t, "WaitForEvents did not return after Close")
	}
	_, err := srv.WaitForRequests(1, time.Hour)
	assert.NoError(t, err, "WaitForRequests for what already arrived")
}

func TestWaitPanicsOnNegative(t *testing.T) {
	srv := newTestServer(t)
	for _, f := range []func(){
		func() { _, _ = srv.WaitForEvents(-1, time.Second) },
		func() { _, _ = srv.WaitForRequests(-1, time.Second) },
		func() { srv.SetRateLimit(-1, 0) },
		func() { srv.SetRateLimit(1, -time.Second) },
	} {
		msg := panicMessage(f)
		assert.True(t, strings.HasPrefix(msg, "errsighttest: "), "panic %q", msg)
	}
}

func TestZeroServerPanics(t *testing.T) {
	var srv Server
	for name, f := range map[string]func(){
		"Close":  srv.Close,
		"Events": func() { srv.Events() },
		"APIKey": func() { srv.APIKey() },
		"Fail":   func() { srv.Fail() },
	} {
		msg := panicMessage(f)
		assert.EqualValues(t, "errsighttest: Server not created by NewServer", msg, "%s: panic %q", name, msg)
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	srv := newTestServer(t)
	post(t, srv, `{"message":"m","tags":{"a":"1"},"metadata":{"k":"v"}}`)
	evs := srv.Events()
	evs[0].Raw[0] = 'X'
	evs[0].Tags["a"] = "changed"
	evs[0].Metadata["k"] = "changed"
	reqs := srv.Requests()
	reqs[0].Body[0] = 'X'
	reqs[0].Header.Set("X-Api-Key", "changed")

	ev := srv.Events()[0]
	require.EqualValues(t, '{', ev.Raw[0], "Events shares memory with the caller: %+v", ev)
	require.Equal(t, "1", ev.Tags["a"], "Events shares memory with the caller: %+v", ev)
	assert.Equal(t, "v", ev.Metadata["k"], "Events shares memory with the caller: %+v", ev)
	r := srv.Requests()[0]
	require.EqualValues(t, '{', r.Body[0], "Requests shares memory with the caller: %+v", r)
	assert.Equal(t, srv.APIKey(), r.Header.Get("X-Api-Key"), "Requests shares memory with the caller: %+v", r)
}

func TestReset(t *testing.T) {
	srv := newTestServer(t)
	srv.SetFault(Fault{Status: 503})
	post(t, srv, events(1))
	srv.SetFault(Fault{})
	post(t, srv, events(2))
	srv.Fail(Fault{Status: 500})
	srv.Reset()
	require.Len(t, srv.Events(), 0, "Reset kept recordings")
	require.Len(t, srv.Requests(), 0, "Reset kept recordings")
	assert.EqualValues(t, 1, srv.PendingFaults(), "Reset dropped the queued fault")
	got := post(t, srv, events(1))
	assert.EqualValues(t, 500, got.status, "status %d, want the queued 500", got.status)
}

func TestCloseIsIdempotent(t *testing.T) {
	srv := NewServer()
	post(t, srv, events(1))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv.Close()
		}()
	}
	wg.Wait()
	srv.Close()
	n := len(srv.Events())
	assert.EqualValues(t, 1, n, "recordings lost on Close: %d events", n)
	_, err := send(context.Background(), srv, events(1), postOpts{})
	assert.Error(t, err, "a closed server answered")
}

func TestConcurrentUse(t *testing.T) {
	srv := newTestServer(t)
	const workers, perWorker = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				body := `{"level":"error","message":"w` + itoa(w) + `-` + itoa(i) + `"}`
				got, err := send(context.Background(), srv, body, postOpts{})
				require.NoError(t, err, "post: %v %+v", err, got)
				assert.EqualValues(t, 202, got.status, "post: %v %+v", err, got)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			srv.Events()
			srv.Requests()
			srv.PendingFaults()
			srv.SetIngestionPaused(false)
			srv.Fail(Fault{})
		}
	}()
	evs, err := srv.WaitForEvents(workers*perWorker, 20*time.Second)
	wg.Wait()
	require.NoError(t, err)
	seen := make(map[string]bool)
	for _, ev := range evs {
		seen[ev.Message] = true
	}
	assert.Len(t, seen, workers*perWorker, "%d distinct events, want %d", len(seen), workers*perWorker)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestRateLimit(t *testing.T) {
	srv := newTestServer(t)
	srv.SetRateLimit(5, 0)
	require.Equal(t, 202, post(t, srv, events(3)).status, "first batch")
	got := post(t, srv, events(3))
	require.EqualValues(t, 429, got.status, "over the limit: %d %s", got.status, got.body)
	var body struct {
		Code       string `json:"code"`
		RetryAfter int    `json:"retry_after"`
	}
	require.Nil(t, json.Unmarshal([]byte(got.body), &body), "body %s", got.body)
	assert.Equal(t, "RATE_LIMIT_EXCEEDED", body.Code, "body %s", got.body)
	ra := got.header.Get("Retry-After")
	require.Equal(t, itoa(body.RetryAfter), ra, "Retry-After %q, retry_after %d", ra, body.RetryAfter)
	require.GreaterOrEqual(t, body.RetryAfter, 1, "Retry-After %q, retry_after %d", ra, body.RetryAfter)
	assert.LessOrEqual(t, body.RetryAfter, 60, "Retry-After %q, retry_after %d", ra, body.RetryAfter)
	assert.Equal(t, "5", got.header.Get("X-RateLimit-Limit"), "X-RateLimit-Limit = %q", got.header.Get("X-RateLimit-Limit"))
	assert.Equal(t, 202, post(t, srv, events(2)).status, "filling the window exactly")
	assert.Equal(t, 202, post(t, srv, "[]").status, "empty batch on a full window")
	assert.Equal(t, 429, post(t, srv, events(1)).status, "full window")
	assert.Equal(t, 400, post(t, srv, "nope").status, "invalid JSON is checked before the limit")

	// Move the window into the past instead of sleeping.
	srv.mu.Lock()
	srv.rate.start = srv.rate.start.Add(-time.Minute)
	srv.mu.Unlock()
	assert.Equal(t, 202, post(t, srv, events(5)).status, "new window")
	assert.Equal(t, 429, post(t, srv, events(1)).status, "new window full")
	n := len(srv.Events())
	assert.EqualValues(t, 10, n, "%d events accepted, want 10", n)

	srv.SetRateLimit(0, 0)
	assert.Equal(t, 202, post(t, srv, events(100)).status, "limit off")
}

func TestRateLimitBatchOverLimit(t *testing.T) {
	srv := newTestServer(t)
	srv.SetRateLimit(3, time.Second)
	got := post(t, srv, events(4))
	require.EqualValues(t, 429, got.status, "batch larger than the limit: %d, Retry-After %q", got.status, got.header.Get("Retry-After"))
	assert.Equal(t, "1", got.header.Get("Retry-After"), "batch larger than the limit: %d, Retry-After %q", got.status, got.header.Get("Retry-After"))
	assert.Equal(t, 202, post(t, srv, events(3)).status, "batch at the limit")
}

func TestRateLimiterRetryAfter(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := rateLimiter{limit: 1, window: time.Minute}
	ok, _ := r.take(1, start)
	require.True(t, ok, "first event refused")
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{{0, 60}, {time.Second, 59}, {59*time.Second + time.Millisecond, 1}, {59999 * time.Millisecond, 1}} {
		ok, got := r.take(1, start.Add(tc.at))
		require.False(t, ok, "at %v: ok %v, retry after %d; want %d", tc.at, ok, got, tc.want)
		assert.Equal(t, tc.want, got, "at %v: ok %v, retry after %d; want %d", tc.at, ok, got, tc.want)
	}
	next, _ := r.take(1, start.Add(time.Minute))
	assert.True(t, next, "refused in the next window")
}
