package errsighttest

import (
	"net/http"
	"strconv"
	"time"
)

// A Fault replaces the server's normal answer to one request to the
// ingestion endpoint (POST Path; other requests never take a fault). Faults
// are applied before any check, whatever the request holds, and the events
// of a faulted request are never recorded as accepted (the request itself
// is recorded, with Faulted set).
//
// The zero Fault means "answer normally"; queued with [Server.Fail] it lets
// one request through. Fields combine as follows:
//
//   - Delay waits before doing anything else. The wait ends early if the
//     client gives up or the server closes; the connection is then closed
//     without an answer.
//   - Status, with Delay or not, answers with that status, RetryAfter and
//     Body. Status 0 with a Delay answers normally after the delay.
//   - Hang never answers: the request is held until the client gives up or
//     the server closes, then its connection is closed.
//   - CloseConnection closes the TCP connection without an answer (after
//     Delay, if any).
//
// A Fault that mixes these in a way that cannot happen (Hang with anything
// else, CloseConnection with Status, a Body without Status, ...) makes
// Fail and SetFault panic.
type Fault struct {
	// Status is the status code to answer (200 to 599); 0 means the normal
	// answer.
	Status int
	// RetryAfter, when not "", is sent as the Retry-After header: a number
	// of seconds ("2") or an HTTP date. It may be anything, to test how a
	// client copes with a malformed header.
	RetryAfter string
	// Body is the response body. When "", the body is the one the real
	// server sends with Status: for 429 without RetryAfter the
	// INGESTION_PAUSED body; for 429 with RetryAfter the RATE_LIMIT_EXCEEDED
	// body (with "retry_after" when RetryAfter is a number of seconds or an
	// HTTP date) and an X-RateLimit-Limit header; for 202
	// {"status":"accepted","queued":N}; for 400, 401, 403, 413 and 422 the
	// server's error bodies; otherwise {"error":"<status text>"}. The
	// Content-Type is always application/json.
	Body string
	// Delay is how long to wait before answering.
	Delay time.Duration
	// Hang holds the request without ever answering.
	Hang bool
	// CloseConnection closes the connection without an answer.
	CloseConnection bool
}

// faultRateLimitHeader is the X-RateLimit-Limit sent with a 429 fault when
// SetRateLimit has not set a limit.
const faultRateLimitHeader = 1000

func (f Fault) validate() {
	bad := func(why string) { panic("errsighttest: invalid Fault: " + why) }
	switch {
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		bad("Status " + strconv.Itoa(f.Status) + " is not 0 or between 200 and 599")
	case f.Delay < 0:
		bad("negative Delay")
	case f.Hang && (f.CloseConnection || f.Status != 0 || f.Body != "" || f.RetryAfter != "" || f.Delay != 0):
		bad("Hang excludes every other field")
	case f.CloseConnection && (f.Status != 0 || f.Body != "" || f.RetryAfter != ""):
		bad("CloseConnection excludes Status, Body and RetryAfter")
	case f.Status == 0 && (f.Body != "" || f.RetryAfter != ""):
		bad("Body or RetryAfter without Status")
	}
}

// Fail queues faults; each request to the endpoint takes the first queued
// fault, in order, before any persistent fault set by SetFault applies. It
// panics if a fault is invalid (see Fault).
func (s *Server) Fail(faults ...Fault) {
	s.mustBeCreated()
	for _, f := range faults {
		f.validate()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// SetFault sets a persistent fault, applied to every request to the
// endpoint while no queued fault is pending. SetFault(Fault{}) removes it.
// It panics if f is invalid (see Fault).
func (s *Server) SetFault(f Fault) {
	s.mustBeCreated()
	f.validate()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.persistent = f
}

// ClearFaults drops the queued faults and the persistent fault.
func (s *Server) ClearFaults() {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.persistent = Fault{}
}

// PendingFaults returns how many queued faults have not been used yet.
func (s *Server) PendingFaults() int {
	s.mustBeCreated()
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// nextFault takes the fault for the next endpoint request: the first queued
// one, else the persistent one. ok is false for a normal answer.
func (s *Server) nextFault() (f Fault, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) > 0 {
		f, s.faults = s.faults[0], s.faults[1:]
	} else {
		f = s.persistent
	}
	return f, f != (Fault{})
}

// applyFault serves the request according to f. It returns true when the
// request must then be answered normally (Status 0 after a Delay).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, rec *Request, f Fault) (normal bool) {
	if f.Delay > 0 && !s.sleep(r, f.Delay) {
		abort(w)
		return false
	}
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		abort(w)
		return false
	case f.CloseConnection:
		abort(w)
		return false
	case f.Status == 0:
		return true
	}
	s.mu.Lock()
	rec.Faulted = true
	limit := s.rate.limit
	s.mu.Unlock()
	if limit == 0 {
		limit = faultRateLimitHeader
	}
	h := w.Header()
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
	body := f.Body
	if body == "" {
		switch {
		case f.Status == http.StatusTooManyRequests && f.RetryAfter != "":
			h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
			body = rateLimitedBody(retryAfterSeconds(f.RetryAfter))
		case f.Status == http.StatusTooManyRequests:
			body = pausedBody
		case f.Status == http.StatusAccepted:
			body = acceptedBody(rec.Events)
		default:
			body = defaultBody(f.Status)
		}
	}
	s.respond(w, rec, f.Status, body)
	return false
}

// sleep waits d, or until the client goes away or the server closes; it
// reports whether the whole delay passed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

// retryAfterSeconds converts a Retry-After value to whole seconds: -1 when
// it is neither a non-negative integer nor an HTTP date.
func retryAfterSeconds(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return n
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, int(time.Until(t).Round(time.Second)/time.Second))
	}
	return -1
}
