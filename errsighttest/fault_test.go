package errsighttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultAnswers(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantBody   string            // exact, when set
		wantHeader map[string]string // "" means absent
		check      func(t *testing.T, body string)
	}{
		{name: "503", fault: Fault{Status: 503}, wantStatus: 503, wantBody: `{"error":"Service Unavailable"}`},
		{name: "503 with Retry-After", fault: Fault{Status: 503, RetryAfter: "7"}, wantStatus: 503,
			wantHeader: map[string]string{"Retry-After": "7"}},
		{name: "500 with body", fault: Fault{Status: 500, Body: `oops`}, wantStatus: 500, wantBody: `oops`},
		{name: "paused", fault: Fault{Status: 429}, wantStatus: 429,
			wantBody:   `{"error":"Ingestion is paused for this project","code":"INGESTION_PAUSED"}`,
			wantHeader: map[string]string{"Retry-After": "", "X-RateLimit-Limit": ""}},
		{name: "rate limited", fault: Fault{Status: 429, RetryAfter: "2"}, wantStatus: 429,
			wantBody:   `{"error":"Rate limit exceeded — try again in 2s","code":"RATE_LIMIT_EXCEEDED","retry_after":2}`,
			wantHeader: map[string]string{"Retry-After": "2", "X-RateLimit-Limit": "1000"}},
		{name: "rate limited until a date", fault: Fault{Status: 429, RetryAfter: date}, wantStatus: 429,
			wantHeader: map[string]string{"Retry-After": date},
			check: func(t *testing.T, body string) {
				var v struct {
					Code       string `json:"code"`
					RetryAfter int    `json:"retry_after"`
				}
				require.Nil(t, json.Unmarshal([]byte(body), &v), "body %s: want code RATE_LIMIT_EXCEEDED and retry_after near 90", body)
				require.Equal(t, "RATE_LIMIT_EXCEEDED", v.Code, "body %s: want code RATE_LIMIT_EXCEEDED and retry_after near 90", body)
				require.GreaterOrEqual(t, v.RetryAfter, 85, "body %s: want code RATE_LIMIT_EXCEEDED and retry_after near 90", body)
				assert.LessOrEqual(t, v.RetryAfter, 91, "body %s: want code RATE_LIMIT_EXCEEDED and retry_after near 90", body)
			}},
		{name: "malformed Retry-After", fault: Fault{Status: 429, RetryAfter: "soon"}, wantStatus: 429,
			wantBody:   `{"error":"Rate limit exceeded","code":"RATE_LIMIT_EXCEEDED"}`,
			wantHeader: map[string]string{"Retry-After": "soon"}},
		{name: "413", fault: Fault{Status: 413}, wantStatus: 413, wantBody: `{"error":"Payload too large (max 512KB)","code":"PAYLOAD_TOO_LARGE"}`},
		{name: "lying 202", fault: Fault{Status: 202}, wantStatus: 202, wantBody: `{"status":"accepted","queued":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			srv.Fail(tt.fault)
			got := post(t, srv, events(2))
			require.Equal(t, tt.wantStatus, got.status)
			if tt.wantBody != "" {
				assert.Equal(t, tt.wantBody, got.body, "body")
			}
			for k, v := range tt.wantHeader {
				g := got.header.Get(k)
				assert.Equal(t, v, g, "%s = %q, want %q", k, g, v)
			}
			if tt.check != nil {
				tt.check(t, got.body)
			}
			n := len(srv.Events())
			assert.Zero(t, n, "%d events accepted from a faulted request", n)
			reqs := srv.Requests()
			require.Len(t, reqs, 1, "request recorded as %+v", reqs)
			require.True(t, reqs[0].Faulted, "request recorded as %+v", reqs)
			require.Equal(t, tt.wantStatus, reqs[0].Status, "request recorded as %+v", reqs)
			assert.EqualValues(t, 2, reqs[0].Events, "request recorded as %+v", reqs)
		})
	}
}

func TestFaultQueueAndPersistent(t *testing.T) {
	srv := newTestServer(t)
	srv.SetRateLimit(7, 0)
	srv.SetFault(Fault{Status: 500})
	srv.Fail(Fault{Status: 503}, Fault{}, Fault{Status: 429, RetryAfter: "1"})
	n := srv.PendingFaults()
	require.EqualValues(t, 3, n, "PendingFaults = %d, want 3", n)
	var statuses []int
	for range 4 {
		statuses = append(statuses, post(t, srv, events(1)).status)
	}
	assert.True(t, slices.Equal(statuses, []int{503, 202, 429, 500}))
	assert.Zero(t, srv.PendingFaults(), "PendingFaults after use")
	got := srv.Requests()[2]
	require.NotEmpty(t, got.Header.Get("X-Api-Key"), "third request: %+v", got)
	assert.EqualValues(t, 429, got.Status, "third request: %+v", got)
	srv.Fail(Fault{Status: 502})
	srv.ClearFaults()
	assert.Equal(t, 202, post(t, srv, events(1)).status, "after ClearFaults")
	srv.SetFault(Fault{Status: 500})
	srv.SetFault(Fault{})
	assert.Equal(t, 202, post(t, srv, events(1)).status, "after SetFault(Fault{})")
	assert.Len(t, srv.Events(), 3, "events accepted")
}

func TestFaultsOnlyForTheEndpoint(t *testing.T) {
	srv := newTestServer(t)
	srv.Fail(Fault{Status: 503})
	got := do(t, srv, "", postOpts{method: http.MethodGet})
	assert.EqualValues(t, 405, got.status, "GET: status %d, want 405", got.status)
	assert.Equal(t, 404, do(t, srv, "", postOpts{path: "/other"}).status, "other path")
	assert.EqualValues(t, 1, srv.PendingFaults(), "a request outside the endpoint used a fault")
}

func TestFaultDelay(t *testing.T) {
	srv := newTestServer(t)
	const d = 50 * time.Millisecond
	srv.Fail(Fault{Delay: d}, Fault{Delay: d, Status: 503})
	for _, want := range []int{202, 503} {
		start := time.Now()
		got := post(t, srv, events(1))
		require.Equal(t, want, got.status, "status %d after %v, want %d after at least %v", got.status, time.Since(start), want, d)
		assert.GreaterOrEqual(t, time.Since(start), d, "status %d after %v, want %d after at least %v", got.status, time.Since(start), want, d)
	}
	n := len(srv.Events())
	assert.EqualValues(t, 1, n, "%d events accepted, want 1", n)
}

func TestFaultDelayClientGivesUp(t *testing.T) {
	srv := newTestServer(t)
	srv.Fail(Fault{Delay: time.Hour, Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := send(ctx, srv, events(1), postOpts{})
	require.ErrorIs(t, err, context.DeadlineExceeded, "err = %v, want a deadline error", err)
	wantNoAnswer(t, srv)
}

func TestFaultHang(t *testing.T) {
	srv := newTestServer(t)
	srv.Fail(Fault{Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := send(ctx, srv, events(1), postOpts{})
		errc <- err
	}()
	_, err := srv.WaitForRequests(1, 5*time.Second)
	require.NoError(t, err, fmt.Sprint(err))
	select {
	case err := <-errc:
		require.Failf(t, "hung request returned early", "err = %v", err)
	default:
	}
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	wantNoAnswer(t, srv)
	got := post(t, srv, events(1))
	assert.EqualValues(t, 202, got.status, "next request: status %d", got.status)
}

func TestCloseReleasesHangAndDelay(t *testing.T) {
	srv := NewServer()
	srv.Fail(Fault{Hang: true}, Fault{Delay: time.Hour})
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := send(context.Background(), srv, events(1), postOpts{})
			errc <- err
		}()
	}
	_, err := srv.WaitForRequests(2, 5*time.Second)
	require.NoError(t, err, fmt.Sprint(err))
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		require.Fail(t, "Close blocked on held requests")
	}
	for range 2 {
		assert.Error(t, <-errc, "a held request got an answer")
	}
	for _, r := range srv.Requests() {
		assert.EqualValues(t, 0, r.Status, "held request recorded with status %d", r.Status)
	}
}

func TestFaultCloseConnection(t *testing.T) {
	srv := newTestServer(t)
	srv.Fail(Fault{CloseConnection: true}, Fault{CloseConnection: true, Delay: 10 * time.Millisecond})
	for range 2 {
		_, err := send(context.Background(), srv, events(1), postOpts{})
		assert.Error(t, err, "request on a closed connection succeeded")
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 2, "requests recorded as %+v", reqs)
	require.EqualValues(t, 0, reqs[0].Status, "requests recorded as %+v", reqs)
	assert.EqualValues(t, 0, reqs[1].Status, "requests recorded as %+v", reqs)
	got := post(t, srv, events(1))
	assert.EqualValues(t, 202, got.status, "next request: status %d", got.status)
}

func TestInvalidFaultsPanic(t *testing.T) {
	srv := newTestServer(t)
	bad := map[string]Fault{
		"status 99":            {Status: 99},
		"status 600":           {Status: 600},
		"informational":        {Status: 100},
		"negative delay":       {Delay: -1},
		"hang and close":       {Hang: true, CloseConnection: true},
		"hang with status":     {Hang: true, Status: 503},
		"hang with delay":      {Hang: true, Delay: time.Second},
		"close with status":    {CloseConnection: true, Status: 503},
		"close with body":      {CloseConnection: true, Body: "x"},
		"body without status":  {Body: "x"},
		"retry without status": {RetryAfter: "1"},
	}
	for name, f := range bad {
		for _, call := range []func(){func() { srv.Fail(f) }, func() { srv.SetFault(f) }} {
			msg := panicMessage(call)
			assert.True(t, strings.HasPrefix(msg, "errsighttest: "), "%s: panic %q, want one prefixed errsighttest: ", name, msg)
		}
	}
	assert.EqualValues(t, 0, srv.PendingFaults(), "an invalid fault was queued")
}

// panicMessage runs f and returns what it panicked with, as a string.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

// wantNoAnswer checks that the only recorded request was answered with
// nothing (status 0).
func wantNoAnswer(t *testing.T, srv *Server) {
	t.Helper()
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "requests recorded as %+v, want one without an answer", reqs)
	assert.Zero(t, reqs[0].Status, "requests recorded as %+v, want one without an answer", reqs)
}
