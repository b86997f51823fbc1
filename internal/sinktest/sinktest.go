// Package sinktest gives the integration packages' tests what each of them
// needs: an enabled client reporting to an in-process errsighttest server,
// and a way to wait for what arrived, on top of errsighttest/testhub (what
// users get), plus the HTTP helpers the integrations share.
package sinktest

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/errsighttest/testhub"
)

// Sink is an errsighttest server and a client reporting to it, both closed
// when the test ends.
type Sink struct {
	Server *errsighttest.Server
	Client *errsight.Client
	rec    *testhub.Recorder
}

// New starts the server and the client, with testhub's test options: the
// client sends every level, has no spike protection, and batches briefly;
// tests wait with Events, which flushes.
func New(t testing.TB) *Sink {
	t.Helper()
	_, rec := testhub.New(t)
	return &Sink{Server: rec.Server, Client: rec.Client, rec: rec}
}

// Events flushes the client and returns what the server accepted.
func (s *Sink) Events(t testing.TB) []errsighttest.Event {
	t.Helper()
	return s.rec.Events(t)
}

// Context returns a context carrying a new hub of the sink's client, as a
// request's context would, and the hub.
func (s *Sink) Context() (context.Context, *errsight.Hub) {
	hub := errsight.NewHub(s.Client, nil)
	return errsight.ContextWithHub(context.Background(), hub), hub
}

// Serve starts h behind an httptest server whose requests carry hub in
// their context, as errsight.Init's global hub would, without touching the
// global hub, so that tests can run in parallel. The server's error log
// (net/http's "http: panic serving" lines) is discarded; the server is
// closed when the test ends.
func Serve(t testing.TB, hub *errsight.Hub, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Config.BaseContext = func(net.Listener) context.Context {
		return errsight.ContextWithHub(context.Background(), hub)
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// Get sends a GET with the given headers on a new connection (net/http's
// client would retry an idempotent request on a reused connection that a
// panicking handler closed) and returns the status, 0 when the server
// closed the connection without an answer.
func Get(t testing.TB, url string, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// MiddlewareAllocs returns how many allocations one GET of url costs through
// bare and through withMiddleware, on requests whose context carries an
// enabled client's hub: the per-request cost of an integration, without
// the router's own.
func (s *Sink) MiddlewareAllocs(url string, bare, withMiddleware http.Handler) (without, with float64) {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("User-Agent", "guard")
	req = req.WithContext(errsight.ContextWithHub(req.Context(), errsight.NewHub(s.Client, nil)))
	w := &nopWriter{h: http.Header{}}
	measure := func(h http.Handler) float64 {
		return testing.AllocsPerRun(200, func() {
			h.ServeHTTP(w, req)
			clear(w.h)
		})
	}
	return measure(bare), measure(withMiddleware)
}

// nopWriter is a ResponseWriter that discards, reused across requests.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// Bodies returns every request body the server received, one per line:
// what a test searches for secrets that must never be sent.
func (s *Sink) Bodies() string {
	var all strings.Builder
	for _, r := range s.Server.Requests() {
		all.Write(r.Body)
		all.WriteByte('\n')
	}
	return all.String()
}
