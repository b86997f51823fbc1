package errsighthttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An outbound call made with a request's context shows up as a breadcrumb on
// that request's next event, and on no other request's.
func TestTransportBreadcrumbOnTheRequestsEvent(t *testing.T) {
	s := newSink(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer upstream.Close()
	client := &http.Client{Transport: errsighthttp.NewTransport(upstream.Client().Transport)}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /call", func(w http.ResponseWriter, r *http.Request) {
		for _, p := range []string{"/stock?sku=1&api_key=upstream-secret", "/missing"} {
			req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, upstream.URL+p, nil)
			resp, err := client.Do(req)
			if !assert.NoError(t, err) { // a handler goroutine: no require
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		errsight.CaptureMessage(r.Context(), "after the calls", errsight.LevelError)
	})
	mux.HandleFunc("GET /quiet", func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "no calls here", errsight.LevelError)
	})
	ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{})(mux))
	for _, p := range []string{"/call", "/quiet"} {
		_, _, err := get(t, ts.Client(), ts.URL+p, nil)
		require.NoError(t, err, fmt.Sprint(err))
	}

	events := s.events(t)
	require.Len(t, events, 2, "got %d events, want 2", len(events))
	for _, ev := range events {
		if ev.Message == "no calls here" {
			assert.Zero(t, len(ev.Breadcrumbs), "another request's calls leaked: %+v", ev.Breadcrumbs)
			continue
		}
		require.Len(t, ev.Breadcrumbs, 2, "got %d breadcrumbs, want 2: %+v", len(ev.Breadcrumbs), ev.Breadcrumbs)
		ok, missing := ev.Breadcrumbs[0], ev.Breadcrumbs[1]
		wantURL := upstream.URL + "/stock?sku=1&api_key=[Filtered]"
		require.EqualValues(t, "http", ok.Category, "breadcrumb = %+v", ok)
		require.EqualValues(t, "info", ok.Level, "breadcrumb = %+v", ok)
		assert.Equal(t, "GET "+wantURL, ok.Message, "breadcrumb = %+v", ok)
		require.EqualValues(t, "GET", ok.Data["method"], "breadcrumb data = %v", ok.Data)
		require.Equal(t, wantURL, ok.Data["url"], "breadcrumb data = %v", ok.Data)
		assert.EqualValues(t, "200", fmt.Sprint(ok.Data["status_code"]), "breadcrumb data = %v", ok.Data)
		_, has := ok.Data["duration_ms"]
		assert.True(t, has, "no duration_ms in %v", ok.Data)
		require.EqualValues(t, "warning", missing.Level, "404 breadcrumb = %+v", missing)
		assert.EqualValues(t, "404", fmt.Sprint(missing.Data["status_code"]), "404 breadcrumb = %+v", missing)
	}
	assert.NotContains(t, string(s.bodies()), "upstream-secret", "a query secret of an outbound URL was sent")
}

type failingTransport struct{}

func (failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("dial " + r.URL.String() + ": connection refused")
}

func TestTransportErrorBreadcrumb(t *testing.T) {
	s := newSink(t)
	ctx := errsight.ContextWithHub(context.Background(), s.hub)
	client := &http.Client{Transport: errsighthttp.NewTransport(failingTransport{})}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://user:pw@api.example/v1?token=t0k3n", nil)
	_, err := client.Do(req)
	require.Error(t, err)
	crumbs := s.hub.Scope().Breadcrumbs()
	require.Len(t, crumbs, 1, "got %d breadcrumbs", len(crumbs))
	b := crumbs[0]
	require.Equal(t, errsight.LevelError, b.Level, "breadcrumb = %+v", b)
	assert.EqualValues(t, "POST https://api.example/v1?token=[Filtered]", b.Message, "breadcrumb = %+v", b)
	msg, _ := b.Data["error"].(string)
	require.NotEmpty(t, msg, "breadcrumb error, data %v", b.Data)
	assert.NotContains(t, msg, "t0k3n", "the breadcrumb's error leaks the query secret")
	assert.NotContains(t, msg, "pw@", "the breadcrumb's error leaks the password")
	assert.NotContains(t, b.Data, "status_code", "status_code without a response")
}

func TestTransportWithDisabledClientOnlyForwards(t *testing.T) {
	var calls int
	var mu sync.Mutex
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})
	hub := errsight.NewHub(nil, nil)
	ctx := errsight.ContextWithHub(context.Background(), hub)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
	resp, err := errsighthttp.NewTransport(base).RoundTrip(req)
	require.NoError(t, err, "got %v, %v after %d calls", resp, err, calls)
	require.EqualValues(t, 204, resp.StatusCode, "got %v, %v after %d calls", resp, err, calls)
	require.EqualValues(t, 1, calls, "got %v, %v after %d calls", resp, err, calls)
	n := len(hub.Scope().Breadcrumbs())
	assert.Zero(t, n, "%d breadcrumbs on a disabled hub", n)
}

func TestTransportNilBaseUsesDefaultTransport(t *testing.T) {
	srv := errsighttest.NewServer() // any loopback server will do
	defer srv.Close()
	client := &http.Client{Transport: errsighthttp.NewTransport(nil)}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTransportScrubsWithOptions checks that breadcrumbs follow the same
// rules as request data: the broadened defaults, and the application's own
// names given to NewTransportWithOptions.
func TestTransportScrubsWithOptions(t *testing.T) {
	s := newSink(t)
	ctx := errsight.ContextWithHub(context.Background(), s.hub)
	tests := []struct {
		name string
		rt   http.RoundTripper
		want string
	}{
		{"defaults", errsighthttp.NewTransport(failingTransport{}),
			"GET https://bucket.example/o?X-Amz-Signature=[Filtered]&X-Amz-Date=20260101&pwd=[Filtered]&customerRef=c1"},
		{"with SensitiveNames", errsighthttp.NewTransportWithOptions(failingTransport{}, errsighthttp.Options{SensitiveNames: errsighthttp.SensitiveNames{"customer_ref"}}),
			"GET https://bucket.example/o?X-Amz-Signature=[Filtered]&X-Amz-Date=20260101&pwd=[Filtered]&customerRef=[Filtered]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.hub.Scope().ClearBreadcrumbs()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://bucket.example/o?X-Amz-Signature=s1g&X-Amz-Date=20260101&pwd=p4ss&customerRef=c1", nil)
			_, err := (&http.Client{Transport: tt.rt}).Do(req)
			require.Error(t, err)
			crumbs := s.hub.Scope().Breadcrumbs()
			require.Len(t, crumbs, 1)
			assert.Equal(t, tt.want, crumbs[0].Message)
			assert.Equal(t, strings.TrimPrefix(tt.want, "GET "), crumbs[0].Data["url"])
			assert.NotContains(t, crumbs[0].Data["error"], "s1g")
			assert.NotContains(t, crumbs[0].Data["error"], "p4ss")
		})
	}
}
