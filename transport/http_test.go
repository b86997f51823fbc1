package transport

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "elp_0123456789abcdef0123456789abcdef0123456789abcdef"

// newTestHTTP builds a transport for srv and closes its idle connections
// when the test ends, so goleak sees no connection goroutines.
func newTestHTTP(t *testing.T, opts HTTPOptions) *HTTP {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	h, err := NewHTTP(opts)
	require.NoError(t, err, "NewHTTP")
	t.Cleanup(h.CloseIdleConnections)
	return h
}

// checkNoKey fails the test when s contains the API key.
func checkNoKey(t *testing.T, what, s string) {
	t.Helper()
	assert.NotContains(t, s, testKey, "%s contains the API key: %q", what, s)
}

func TestNewHTTPEndpoint(t *testing.T) {
	tests := []struct {
		host    string
		want    string
		wantErr string
	}{
		{"", "https://errsight.com/api/v1/events", ""},
		{"https://errsight.com", "https://errsight.com/api/v1/events", ""},
		{"https://errsight.com/", "https://errsight.com/api/v1/events", ""},
		{"http://localhost:3000", "http://localhost:3000/api/v1/events", ""},
		{"https://example.com/errsight", "https://example.com/errsight/api/v1/events", ""},
		{"https://example.com/errsight//", "https://example.com/errsight/api/v1/events", ""},
		{"https://example.com/api/v1/events", "https://example.com/api/v1/events", ""},
		{"errsight.com", "", "must be an http:// or https:// URL with a host"},
		{"ftp://errsight.com", "", "must be an http:// or https:// URL with a host"},
		{"https://", "", "must be an http:// or https:// URL with a host"},
		{"https://errsight.com/?x=1", "", "query or fragment"},
		{"https://errsight.com/%zz", "", "must be an http:// or https:// URL with a host"},
		{"https://user:pw@errsight.com", "", "must not contain credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			h, err := NewHTTP(HTTPOptions{Host: tt.host, APIKey: testKey})
			if tt.wantErr != "" {
				require.Error(t, err, "NewHTTP(%q) error = %v, want one starting with \"transport: \" containing %q", tt.host, err, tt.wantErr)
				require.Contains(t, err.Error(), tt.wantErr, "NewHTTP(%q) error = %v, want one starting with \"transport: \" containing %q", tt.host, err, tt.wantErr)
				require.True(t, strings.HasPrefix(err.Error(), "transport: "), "NewHTTP(%q) error = %v, want one starting with \"transport: \" containing %q", tt.host, err, tt.wantErr)
				return
			}
			require.NoError(t, err, "NewHTTP(%q)", tt.host)
			got := h.Endpoint()
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNewHTTPErrors(t *testing.T) {
	tests := []struct {
		name string
		opts HTTPOptions
		want string
	}{
		{"no key", HTTPOptions{}, "API key is required"},
		{"key with newline", HTTPOptions{APIKey: testKey + "\r\nX-Evil: 1"}, "control character"},
		{"negative timeout", HTTPOptions{APIKey: testKey, Timeout: -time.Second}, "negative timeout"},
		{"key in a bad host", HTTPOptions{APIKey: testKey, Host: "ftp://" + testKey + ".example"}, "must be an http:// or https:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHTTP(tt.opts)
			require.Error(t, err, "NewHTTP error = %v, want it to contain %q", err, tt.want)
			require.Contains(t, err.Error(), tt.want, "NewHTTP error = %v, want it to contain %q", err, tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "transport: "), "error %q does not start with \"transport: \"", err)
			checkNoKey(t, "error", err.Error())
		})
	}
}

func TestSendRequest(t *testing.T) {
	type seen struct {
		method, path, key, ctype, ua string
		body                         []byte
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.Header.Get("X-API-Key"), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), b}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"status":"accepted","queued":1}`)
	}))
	defer srv.Close()

	tests := []struct {
		name   string
		opts   HTTPOptions
		wantUA string
		path   string
	}{
		{"defaults", HTTPOptions{Host: srv.URL}, DefaultUserAgent, "/api/v1/events"},
		{"base path and user agent", HTTPOptions{Host: srv.URL + "/proxy/", UserAgent: "errsight-go/1.2.3"}, "errsight-go/1.2.3", "/proxy/api/v1/events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHTTP(t, tt.opts)
			body := []byte(`[{"message":"boom"}]`)
			out := h.Send(context.Background(), body)
			require.Equal(t, Delivered, out.Kind, "Send = %+v, want delivered 202", out)
			require.Equal(t, http.StatusAccepted, out.Status, "Send = %+v, want delivered 202", out)
			require.Nil(t, out.Err, "Send = %+v, want delivered 202", out)
			s := <-got
			want := seen{http.MethodPost, tt.path, testKey, "application/json", tt.wantUA, body}
			assert.Equal(t, want, s, "what the server saw")
		})
	}
}

func TestSendStatuses(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		header   map[string]string
		body     string
		want     Kind
		errHas   string
		wantWait time.Duration
	}{
		{"200", 200, nil, "", Delivered, "", 0},
		{"202", 202, nil, `{"status":"accepted","queued":3}`, Delivered, "", 0},
		{"204", 204, nil, "", Delivered, "", 0},
		{"400", 400, nil, `{"error":"Invalid JSON payload","code":"INVALID_JSON"}`, Rejected, "Invalid JSON payload [INVALID_JSON]", 0},
		{"401", 401, nil, `{"error":"Invalid or missing API key"}`, Rejected, "API key was rejected (401): Invalid or missing API key", 0},
		{"403", 403, nil, `{"error":"Organization inactive"}`, Rejected, "API key was rejected (403)", 0},
		{"404", 404, nil, "not found", Rejected, "rejected (404)", 0},
		{"408", 408, nil, "", Retry, "timeout (408)", 0},
		{"413", 413, nil, `{"code":"PAYLOAD_TOO_LARGE"}`, TooLarge, "[PAYLOAD_TOO_LARGE]", 0},
		{"422", 422, nil, `{"error":"Batch size exceeds limit of 100"}`, Rejected, "Batch size exceeds limit of 100", 0},
		{"429 delta seconds", 429, map[string]string{"Retry-After": "2"}, `{"code":"RATE_LIMIT_EXCEEDED","retry_after":2}`, RateLimited, "RATE_LIMIT_EXCEEDED", 2 * time.Second},
		{"429 paused, no header", 429, nil, `{"code":"INGESTION_PAUSED"}`, RateLimited, "INGESTION_PAUSED", 0},
		{"429 invalid header", 429, map[string]string{"Retry-After": "later"}, "", RateLimited, "", 0},
		{"429 negative header", 429, map[string]string{"Retry-After": "-3"}, "", RateLimited, "", 0},
		{"500", 500, nil, "oops", Retry, "server error (500)", 0},
		{"502", 502, nil, "", Retry, "(502)", 0},
		{"503", 503, nil, "", Retry, "(503)", 0},
		{"301", 301, map[string]string{"Location": "https://elsewhere.example/api/v1/events"}, "", Rejected, `"elsewhere.example"`, 0},
		{"308", 308, map[string]string{"Location": "/other"}, "", Rejected, "redirect (308)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			h := newTestHTTP(t, HTTPOptions{Host: srv.URL})
			out := h.Send(context.Background(), []byte(`[]`))
			require.Equal(t, tt.want, out.Kind, "Send = %v (%d), want %v (%d); err %v", out.Kind, out.Status, tt.want, tt.status, out.Err)
			require.Equal(t, tt.status, out.Status, "Send = %v (%d), want %v (%d); err %v", out.Kind, out.Status, tt.want, tt.status, out.Err)
			assert.Equal(t, tt.wantWait, out.RetryAfter)
			if tt.want == Delivered {
				assert.Nil(t, out.Err, "Err = %v, want nil", out.Err)
				return
			}
			require.Error(t, out.Err)
			assert.Contains(t, out.Err.Error(), tt.errHas)
			checkNoKey(t, "Err", out.Err.Error())
		})
	}
}

func TestSendRetryAfterHTTPDate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(2*time.Minute).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	h := newTestHTTP(t, HTTPOptions{Host: srv.URL})
	out := h.Send(context.Background(), nil)
	// The header has one-second resolution: the delay lies in (60s, 120s]
	// however slow the machine is.
	require.Equal(t, RateLimited, out.Kind, "Send = %v RetryAfter %v, want rate_limited with about 2m", out.Kind, out.RetryAfter)
	require.Greater(t, out.RetryAfter, time.Minute, "Send = %v RetryAfter %v, want rate_limited with about 2m", out.Kind, out.RetryAfter)
	require.LessOrEqual(t, out.RetryAfter, 2*time.Minute, "Send = %v RetryAfter %v, want rate_limited with about 2m", out.Kind, out.RetryAfter)
}

func TestSendConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	// The key in the path proves that a URL echoed by a net error is scrubbed.
	h := newTestHTTP(t, HTTPOptions{Host: "http://" + addr + "/" + testKey})
	out := h.Send(context.Background(), []byte(`[]`))
	require.Equal(t, Retry, out.Kind, "Send = %+v, want retry with an error and no status", out)
	require.EqualValues(t, 0, out.Status, "Send = %+v, want retry with an error and no status", out)
	require.NotNil(t, out.Err, "Send = %+v, want retry with an error and no status", out)
	checkNoKey(t, "Err", out.Err.Error())
	assert.Contains(t, out.Err.Error(), "[redacted]", "Err = %q, want the key in the URL replaced by [redacted]", out.Err)
}

func TestSendTimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		select { // hang until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	t.Run("timeout", func(t *testing.T) {
		h := newTestHTTP(t, HTTPOptions{Host: srv.URL, Timeout: 50 * time.Millisecond})
		out := h.Send(context.Background(), nil)
		require.Equal(t, Retry, out.Kind, "Send = %+v, want retry wrapping context.DeadlineExceeded", out)
		require.ErrorIs(t, out.Err, context.DeadlineExceeded, "Send = %+v, want retry wrapping context.DeadlineExceeded", out)
	})
	t.Run("caller cancels", func(t *testing.T) {
		h := newTestHTTP(t, HTTPOptions{Host: srv.URL, Timeout: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		for len(arrived) > 0 { // forget the timeout subtest's request
			<-arrived
		}
		go func() { // ends once the request reached the server and is cancelled
			<-arrived
			cancel()
		}()
		out := h.Send(ctx, nil)
		require.Equal(t, Retry, out.Kind, "Send = %+v, want retry wrapping context.Canceled", out)
		require.ErrorIs(t, out.Err, context.Canceled, "Send = %+v, want retry wrapping context.Canceled", out)
	})
}

func TestSendRefusesRedirect(t *testing.T) {
	var otherHits atomic.Int32
	var otherKey atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		otherKey.Store(r.Header.Get("X-API-Key"))
		w.WriteHeader(http.StatusAccepted)
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/api/v1/events", http.StatusTemporaryRedirect)
	}))
	defer first.Close()

	userTransport := &http.Transport{}
	defer userTransport.CloseIdleConnections()
	userClient := &http.Client{Transport: userTransport, Timeout: 7 * time.Second}
	userCopy := *userClient

	tests := []struct {
		name string
		opts HTTPOptions
	}{
		{"own client", HTTPOptions{}},
		{"user client", HTTPOptions{Client: userClient}},
		{"user round tripper", HTTPOptions{RoundTripper: userTransport}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var lines []string
			tt.opts.Host = first.URL
			tt.opts.Debugf = func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				lines = append(lines, fmt.Sprintf(format, args...))
			}
			h := newTestHTTP(t, tt.opts)
			out := h.Send(context.Background(), []byte(`[]`))
			require.Equal(t, Rejected, out.Kind, "Send = %+v, want rejected 307", out)
			require.Equal(t, http.StatusTemporaryRedirect, out.Status, "Send = %+v, want rejected 307", out)
			n := otherHits.Load()
			require.EqualValues(t, 0, n, "the redirect target received %d requests (key %v), want 0", n, otherKey.Load())
			otherHost := strings.TrimPrefix(other.URL, "http://")
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, lines, 1, "debug lines = %q, want one naming %s", lines, otherHost)
			assert.Contains(t, lines[0], otherHost, "debug lines = %q, want one naming %s", lines, otherHost)
			for _, l := range lines {
				checkNoKey(t, "debug line", l)
			}
		})
	}
	require.Nil(t, userClient.CheckRedirect, "the user's *http.Client was modified: %+v, was %+v", *userClient, userCopy)
	require.Equal(t, userCopy.Transport, userClient.Transport, "the user's *http.Client was modified: %+v, was %+v", *userClient, userCopy)
	require.Equal(t, userCopy.Timeout, userClient.Timeout, "the user's *http.Client was modified: %+v, was %+v", *userClient, userCopy)
	assert.Equal(t, userCopy.Jar, userClient.Jar, "the user's *http.Client was modified: %+v, was %+v", *userClient, userCopy)
}

func TestSendReusesConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
		// A body the transport must read to the end before the connection
		// can carry the next request.
		io.WriteString(w, `{"status":"accepted","queued":1,"pad":"`+strings.Repeat("x", 8<<10)+`"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	h := newTestHTTP(t, HTTPOptions{Host: srv.URL})
	for i := range 5 {
		out := h.Send(context.Background(), []byte(`[{}]`))
		require.Equal(t, Delivered, out.Kind, "send %d: %+v", i, out)
	}
	n := conns.Load()
	assert.EqualValues(t, 1, n, "5 sequential sends opened %d connections, want 1 (body not drained?)", n)
}

func TestErrorsNeverContainKey(t *testing.T) {
	// A hostile or buggy server echoing the key must not get it into logs.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"bad key %s","code":"%s"}`, r.Header.Get("X-API-Key"), r.Header.Get("X-API-Key"))
	}))
	defer srv.Close()
	h := newTestHTTP(t, HTTPOptions{Host: srv.URL})
	out := h.Send(context.Background(), nil)
	require.Equal(t, Rejected, out.Kind, "Send = %+v, want rejected", out)
	require.NotNil(t, out.Err, "Send = %+v, want rejected", out)
	checkNoKey(t, "Err", out.Err.Error())
	assert.Contains(t, out.Err.Error(), "bad key [redacted]", "Err = %q, want the echoed key redacted", out.Err)
}

func TestRedact(t *testing.T) {
	tests := []struct{ msg, secret, want string }{
		{"key " + testKey + " twice " + testKey, testKey, "key [redacted] twice [redacted]"},
		{"nothing here", testKey, "nothing here"},
		{"empty secret", "", "empty secret"},
	}
	for _, tt := range tests {
		got := Redact(tt.msg, tt.secret)
		assert.Equal(t, tt.want, got, "Redact(%q) = %q, want %q", tt.msg, got, tt.want)
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Delivered, "delivered"}, {Retry, "retry"}, {RateLimited, "rate_limited"},
		{TooLarge, "too_large"}, {Rejected, "rejected"}, {Kind(42), "kind(42)"},
	}
	for _, tt := range tests {
		got := tt.k.String()
		assert.Equal(t, tt.want, got, "Kind(%d).String() = %q, want %q", int(tt.k), got, tt.want)
	}
}

// TestSendRateLimited checks what a 429 tells the batcher: whether the
// server gave a delay (so that 0 reads as "retry now") and the project's
// limit, without which a batch larger than the limit is refused for ever.
func TestSendRateLimited(t *testing.T) {
	tests := []struct {
		name      string
		header    map[string]string
		wantWait  time.Duration
		wantSet   bool
		wantLimit int
	}{
		{"zero means now", map[string]string{"Retry-After": "0"}, 0, true, 0},
		{"date in the past means now", map[string]string{"Retry-After": "Mon, 02 Jan 2006 15:04:05 GMT"}, 0, true, 0},
		{"no header", nil, 0, false, 0},
		{"with the limit", map[string]string{"Retry-After": "17", "X-RateLimit-Limit": "60"}, 17 * time.Second, true, 60},
		{"bad limit", map[string]string{"Retry-After": "1", "X-RateLimit-Limit": "lots"}, time.Second, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			h := newTestHTTP(t, HTTPOptions{Host: srv.URL})
			out := h.Send(context.Background(), []byte(`[]`))
			require.Equal(t, RateLimited, out.Kind, "Send = %+v, want RetryAfter %v, RetryAfterSet %v, Limit %d", out, tt.wantWait, tt.wantSet, tt.wantLimit)
			require.Equal(t, tt.wantWait, out.RetryAfter, "Send = %+v, want RetryAfter %v, RetryAfterSet %v, Limit %d", out, tt.wantWait, tt.wantSet, tt.wantLimit)
			require.Equal(t, tt.wantSet, out.RetryAfterSet, "Send = %+v, want RetryAfter %v, RetryAfterSet %v, Limit %d", out, tt.wantWait, tt.wantSet, tt.wantLimit)
			assert.Equal(t, tt.wantLimit, out.Limit, "Send = %+v, want RetryAfter %v, RetryAfterSet %v, Limit %d", out, tt.wantWait, tt.wantSet, tt.wantLimit)
		})
	}
}
