package errsighttest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Protocol constants, as the real server enforces them.
const (
	// Path is the ingestion endpoint's path: events are POSTed to
	// Server.URL + Path.
	Path = "/api/v1/events"
	// MaxPayloadBytes is the largest request body accepted (512 KiB).
	MaxPayloadBytes = 524_288
	// MaxBatchSize is the largest number of events in one request.
	MaxBatchSize = 100
)

// Server is an in-process ErrSight ingestion API listening on loopback, in
// the manner of net/http/httptest.Server. It enforces the real server's
// rules for POST /api/v1/events (see the package documentation), records
// every request and every accepted event, and can be told to misbehave (see
// [Fault]).
//
// A Server is safe for concurrent use: its handler serves requests
// concurrently, and every method may be called from any goroutine while it
// does. Accessors return copies the caller owns. The zero Server is not
// usable: create one with [NewServer] or [NewTLSServer], and Close it when
// done.
type Server struct {
	// URL is the base URL of the server, of the form "http://127.0.0.1:PORT"
	// ("https://..." for NewTLSServer; "[::1]" on a host without IPv4
	// loopback), with no trailing slash. The endpoint is URL + Path; see
	// also Endpoint.
	URL string

	hs      *httptest.Server
	apiKey  string
	readKey string

	closing   chan struct{} // closed when Close starts: releases delays and hangs
	closeOnce sync.Once

	mu         sync.Mutex
	closed     bool          // Close has finished; no more requests will arrive
	changed    chan struct{} // closed and replaced whenever a recording changes
	events     []acceptedEvent
	requests   []*Request
	faults     []Fault
	persistent Fault
	paused     bool
	inactive   bool
	rate       rateLimiter
}

// acceptedEvent is what the server keeps per accepted event; Events decodes
// it afresh on every call.
type acceptedEvent struct {
	raw      json.RawMessage
	received time.Time
}

// NewServer starts and returns a new Server on 127.0.0.1 with a random port.
// It panics if it cannot listen. The caller should call Close when finished,
// to shut it down.
func NewServer() *Server {
	s := newServer()
	s.hs.Start()
	s.URL = s.hs.URL
	return s
}

// NewTLSServer is like NewServer but serves HTTPS with a self-signed
// certificate. Use the client from Server.Client (or its transport) to trust
// it.
func NewTLSServer() *Server {
	s := newServer()
	s.hs.StartTLS()
	s.URL = s.hs.URL
	return s
}

func newServer() *Server {
	s := &Server{
		apiKey:  newKey("elp_"),
		readKey: newKey("elr_"),
		closing: make(chan struct{}),
		changed: make(chan struct{}),
	}
	s.hs = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// newKey returns prefix followed by 48 random lower-case hex digits.
func newKey(prefix string) string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return prefix + hex.EncodeToString(b[:])
}

func (s *Server) mustBeCreated() {
	if s == nil || s.hs == nil {
		panic("errsighttest: Server not created by NewServer")
	}
}

// Close shuts the server down and blocks until every request it was serving
// has finished. Requests held by a Fault's Delay or Hang are released at once,
// their connections closed without an answer. Close is idempotent; the
// recordings stay readable after it.
func (s *Server) Close() {
	s.mustBeCreated()
	s.closeOnce.Do(func() {
		close(s.closing)
		s.hs.Close()
		s.mu.Lock()
		s.closed = true
		s.notifyLocked()
		s.mu.Unlock()
	})
}

// Client returns an HTTP client configured for requests to the server: it
// trusts the TLS certificate of a NewTLSServer, and its idle connections are
// closed by Close.
func (s *Server) Client() *http.Client {
	s.mustBeCreated()
	return s.hs.Client()
}

// Endpoint returns the ingestion endpoint's URL: URL + Path.
func (s *Server) Endpoint() string {
	s.mustBeCreated()
	return s.URL + Path
}

// APIKey returns the server's write key: "elp_" followed by 48 lower-case
// hex digits, generated afresh for each server. Requests carrying it (in
// X-API-Key, or Authorization: Bearer) are authenticated.
func (s *Server) APIKey() string {
	s.mustBeCreated()
	return s.apiKey
}

// ReadKey returns a read-scope key ("elr_" and 48 hex digits) the server
// knows. Ingestion with it is answered 403, as the real server does.
func (s *Server) ReadKey() string {
	s.mustBeCreated()
	return s.readKey
}

// Events returns the events accepted so far, in the order accepted (within
// a request, in body order). Events of requests answered by a Fault are not
// among them. Each call decodes fresh copies.
func (s *Server) Events() []Event {
	s.mustBeCreated()
	s.mu.Lock()
	recs := append([]acceptedEvent(nil), s.events...)
	s.mu.Unlock()
	out := make([]Event, len(recs))
	for i, r := range recs {
		out[i] = decodeEvent(bytes.Clone(r.raw), r.received)
	}
	return out
}

// Requests returns every request received so far (any path or method), in
// arrival order, as deep copies.
func (s *Server) Requests() []Request {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Reset forgets the recorded events and requests. Faults, modes (paused,
// inactive, rate limit) and the current rate-limit window are kept.
func (s *Server) Reset() {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = nil
	s.requests = nil
	s.notifyLocked()
}

// WaitForEvents blocks until at least n events have been accepted, then
// returns all accepted events (see Events). If timeout passes first, or the
// server is closed with fewer events, it returns the events so far and an
// error saying how many arrived. It panics if n is negative.
func (s *Server) WaitForEvents(n int, timeout time.Duration) ([]Event, error) {
	s.mustBeCreated()
	if n < 0 {
		panic("errsighttest: WaitForEvents with negative n")
	}
	err := s.waitFor("events", n, timeout, func() int { return len(s.events) })
	return s.Events(), err
}

// WaitForRequests is like WaitForEvents but counts received requests of any
// kind. A request counts from the moment it arrived, before it is answered,
// so it also detects a request held by a Hang fault.
func (s *Server) WaitForRequests(n int, timeout time.Duration) ([]Request, error) {
	s.mustBeCreated()
	if n < 0 {
		panic("errsighttest: WaitForRequests with negative n")
	}
	err := s.waitFor("requests", n, timeout, func() int { return len(s.requests) })
	return s.Requests(), err
}

// waitFor waits, without polling, until count() >= n; count is called with
// s.mu held.
func (s *Server) waitFor(what string, n int, timeout time.Duration, count func() int) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		have, changed, closed := count(), s.changed, s.closed
		s.mu.Unlock()
		switch {
		case have >= n:
			return nil
		case closed:
			return fmt.Errorf("errsighttest: server closed while waiting for %d %s; %d arrived", n, what, have)
		}
		select {
		case <-changed:
		case <-timer.C:
			s.mu.Lock()
			have = count()
			s.mu.Unlock()
			if have >= n {
				return nil
			}
			return fmt.Errorf("errsighttest: timed out after %v waiting for %d %s; %d arrived", timeout, n, what, have)
		}
	}
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// SetIngestionPaused makes the server answer every authenticated request
// with 429 and code INGESTION_PAUSED, without a Retry-After header, until
// called with false.
func (s *Server) SetIngestionPaused(paused bool) {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused = paused
}

// SetOrganizationInactive makes the server answer every request carrying a
// known key with 403 ("Organization is no longer active"), until called with
// false.
func (s *Server) SetOrganizationInactive(inactive bool) {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inactive = inactive
}

// SetRateLimit turns on the project's rate limit: at most limit events per
// window (60 s when window is 0). A request whose events would take the
// window's count past limit is answered 429 RATE_LIMIT_EXCEEDED with
// Retry-After (the whole seconds left in the window, at least 1) and
// X-RateLimit-Limit, and none of its events is accepted; a request of more
// than limit events is never accepted. Only requests that pass every other
// check are counted. A limit of 0 turns the limit off. It panics if limit
// or window is negative.
//
// The real server aligns its 60 s windows to the clock's minutes; this one
// starts a window at the first request after the previous window ended, so
// tests do not depend on the wall clock. Changing the limit starts a new
// window.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.mustBeCreated()
	if limit < 0 || window < 0 {
		panic("errsighttest: SetRateLimit with a negative limit or window")
	}
	if window == 0 {
		window = time.Minute
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rateLimiter{limit: limit, window: window}
}
