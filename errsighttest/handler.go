package errsighttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxReadBytes bounds how much of a body the server reads at all. The real
// server's web server buffers whole bodies before the application sees them;
// reading (rather than dropping the connection) lets a client reliably see
// the 413 for an oversized body.
const maxReadBytes = 16 << 20

// keyFormat is the server's API key format.
var keyFormat = regexp.MustCompile(`\A(elp|elr)_[0-9a-f]{48}\z`)

// bearerPrefix is what the server strips from an Authorization header.
var bearerPrefix = regexp.MustCompile(`\ABearer\s+`)

// Response bodies, as the real server renders them.
const (
	invalidJSONBody = `{"error":"Invalid JSON payload","code":"INVALID_JSON"}`
	invalidKeyBody  = `{"error":"Invalid or missing API key"}`
	inactiveOrgBody = `{"error":"Organization is no longer active"}`
	readScopeBody   = `{"error":"API key lacks required scope: write"}`
	tooLargeBody    = `{"error":"Payload too large (max 512KB)","code":"PAYLOAD_TOO_LARGE"}`
	batchTooBigBody = `{"error":"Batch size exceeds limit of 100"}`
	pausedBody      = `{"error":"Ingestion is paused for this project","code":"INGESTION_PAUSED"}`
	notFoundBody    = `{"error":"Not found","code":"NOT_FOUND"}`
	notAllowedBody  = `{"error":"Method not allowed","code":"METHOD_NOT_ALLOWED"}`
)

func acceptedBody(n int) string {
	return fmt.Sprintf(`{"status":"accepted","queued":%d}`, n)
}

// rateLimitedBody is the RATE_LIMIT_EXCEEDED body; retryAfter < 0 leaves
// out retry_after.
func rateLimitedBody(retryAfter int) string {
	if retryAfter < 0 {
		return `{"error":"Rate limit exceeded","code":"RATE_LIMIT_EXCEEDED"}`
	}
	return fmt.Sprintf(`{"error":"Rate limit exceeded — try again in %ds","code":"RATE_LIMIT_EXCEEDED","retry_after":%d}`, retryAfter, retryAfter)
}

// defaultBody is the body the real server sends with status, for a Fault
// without Body.
func defaultBody(status int) string {
	switch status {
	case http.StatusBadRequest:
		return invalidJSONBody
	case http.StatusUnauthorized:
		return invalidKeyBody
	case http.StatusForbidden:
		return inactiveOrgBody
	case http.StatusRequestEntityTooLarge:
		return tooLargeBody
	case http.StatusUnprocessableEntity:
		return batchTooBigBody
	}
	b, _ := json.Marshal(map[string]string{"error": http.StatusText(status)})
	return string(b)
}

// errInvalidPayload is any reason a body is not a valid ingestion payload.
var errInvalidPayload = errors.New("invalid JSON payload")

// parsePayload splits a request body into its event objects. The body must
// be valid UTF-8 holding exactly one JSON value (RFC 8259, whitespace around
// it allowed) that is an object or an array of objects. An empty array is
// valid and holds no events.
//
// The real server parses with Oj in strict mode and then indexes each value
// as a Hash: a top-level string, null or a non-object array element crashes
// it (500) or gets an empty event queued. This server answers 400 instead,
// so that such SDK bugs show. Invalid UTF-8 is also answered 400 here: the
// real server would fail later, when storing, and lose the events silently.
func parsePayload(body []byte) ([]json.RawMessage, error) {
	if !utf8.Valid(body) {
		return nil, errInvalidPayload
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, errInvalidPayload
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, errInvalidPayload // trailing data
	}
	switch jsonKind(top) {
	case '{':
		return []json.RawMessage{top}, nil
	case '[':
		elems, ok := arrayElements(top)
		if !ok {
			return nil, errInvalidPayload
		}
		for _, el := range elems {
			if jsonKind(el) != '{' {
				return nil, errInvalidPayload
			}
		}
		if elems == nil {
			elems = []json.RawMessage{}
		}
		return elems, nil
	}
	return nil, errInvalidPayload
}

// apiKey extracts the key the way the server does: X-API-Key when not
// blank, else the Authorization header with a leading "Bearer " (and any
// whitespace after it) removed. Repeated headers are joined with ", ", as
// Rack joins them, which makes the key invalid.
func apiKey(h http.Header) string {
	if k := strings.Join(h.Values("X-Api-Key"), ", "); !isBlank(k) {
		return k
	}
	return bearerPrefix.ReplaceAllString(strings.Join(h.Values("Authorization"), ", "), "")
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		Header:        r.Header.Clone(),
		ContentLength: r.ContentLength,
		Received:      time.Now(),
	}
	huge := r.ContentLength > maxReadBytes
	var body []byte
	if !huge {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxReadBytes+1))
		huge = len(body) > maxReadBytes
		if err != nil { // the client went away, or sent a broken chunked body
			rec.Body = body
			s.record(rec)
			abort(w)
			return
		}
	}
	if huge {
		body = nil
		w.Header().Set("Connection", "close")
	}
	rec.Body = body
	var events []json.RawMessage
	perr := errInvalidPayload
	if len(body) <= MaxPayloadBytes {
		events, perr = parsePayload(body)
		if perr == nil {
			rec.Events = len(events)
		}
	}
	s.record(rec)

	switch {
	case r.URL.Path != Path:
		s.respond(w, rec, http.StatusNotFound, notFoundBody)
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		s.respond(w, rec, http.StatusMethodNotAllowed, notAllowedBody)
		return
	}
	if f, ok := s.nextFault(); ok && !s.applyFault(w, r, rec, f) {
		return
	}
	s.ingest(w, r, rec, huge, events, perr)
}

// ingest answers an endpoint request normally, applying the real server's
// checks in its order: authentication, declared size, paused ingestion,
// size read, JSON, batch size, rate limit.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, rec *Request, huge bool, events []json.RawMessage, perr error) {
	key := apiKey(r.Header)
	s.mu.Lock()
	paused, inactive := s.paused, s.inactive
	s.mu.Unlock()
	switch {
	case !keyFormat.MatchString(key) || (key != s.apiKey && key != s.readKey):
		s.respond(w, rec, http.StatusUnauthorized, invalidKeyBody)
	case inactive:
		s.respond(w, rec, http.StatusForbidden, inactiveOrgBody)
	case key == s.readKey:
		s.respond(w, rec, http.StatusForbidden, readScopeBody)
	case r.ContentLength > MaxPayloadBytes:
		s.respond(w, rec, http.StatusRequestEntityTooLarge, tooLargeBody)
	case paused:
		s.respond(w, rec, http.StatusTooManyRequests, pausedBody)
	case huge || len(rec.Body) > MaxPayloadBytes:
		s.respond(w, rec, http.StatusRequestEntityTooLarge, tooLargeBody)
	case perr != nil:
		s.respond(w, rec, http.StatusBadRequest, invalidJSONBody)
	case len(events) > MaxBatchSize:
		s.respond(w, rec, http.StatusUnprocessableEntity, batchTooBigBody)
	default:
		s.accept(w, rec, events)
	}
}

// accept applies the rate limit and records the events, atomically.
func (s *Server) accept(w http.ResponseWriter, rec *Request, events []json.RawMessage) {
	s.mu.Lock()
	ok, retryAfter := s.rate.take(len(events), rec.Received)
	limit := s.rate.limit
	if ok {
		for _, ev := range events {
			s.events = append(s.events, acceptedEvent{raw: ev, received: rec.Received})
		}
		s.notifyLocked()
	}
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		s.respond(w, rec, http.StatusTooManyRequests, rateLimitedBody(retryAfter))
		return
	}
	s.respond(w, rec, http.StatusAccepted, acceptedBody(len(events)))
}

// record appends rec to the recorded requests.
func (s *Server) record(rec *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	s.notifyLocked()
}

// respond writes a JSON answer and records its status.
func (s *Server) respond(w http.ResponseWriter, rec *Request, status int, body string) {
	s.mu.Lock()
	rec.Status = status
	s.notifyLocked()
	s.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// abort closes the request's connection without an answer.
func abort(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection quietly
}
