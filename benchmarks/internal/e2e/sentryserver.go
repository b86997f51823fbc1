package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
)

// sentryKey is the public key of the DSN SentryServer hands out.
const sentryKey = "0123456789abcdef0123456789abcdef"

// envelopePath is where sentry-go v0.46.2 posts: the DSN's project id in
// /api/<project>/envelope/ (protocol.Dsn.GetAPIURL).
var envelopePath = regexp.MustCompile(`\A/api/[0-9]+/envelope/\z`)

// SentryServer is a minimal Sentry envelope endpoint on loopback: it checks
// the path and the key, parses each envelope, checks that every event item
// is valid JSON (the work errsighttest does for errsight, so that both
// servers cost about the same), counts the events of the envelopes it
// answers 200, and adds up the client reports (sentry-go's own account of
// the events it discarded). Safe for concurrent use.
type SentryServer struct {
	hs      *httptest.Server
	delay   time.Duration
	closing chan struct{}
	once    sync.Once

	mu        sync.Mutex
	delivered int
	requests  int
	bad       int
	reported  map[string]uint64
}

// NewSentryServer starts a server that answers each request after delay.
func NewSentryServer(delay time.Duration) *SentryServer {
	s := &SentryServer{delay: delay, closing: make(chan struct{}), reported: map[string]uint64{}}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// DSN is the DSN that sends to this server (project 1).
func (s *SentryServer) DSN() string {
	return "http://" + sentryKey + "@" + strings.TrimPrefix(s.hs.URL, "http://") + "/1"
}

// Close shuts the server down; delayed requests are released without an
// answer. Idempotent.
func (s *SentryServer) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.hs.Close()
	})
}

// Result returns the counts so far.
func (s *SentryServer) Result() ServerResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := ServerResult{Delivered: s.delivered, Requests: s.requests}
	if len(s.reported) > 0 {
		r.Reported = make(map[string]uint64, len(s.reported))
		for k, v := range s.reported {
			r.Reported[k] = v
		}
	}
	return r
}

func (s *SentryServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	switch {
	case r.Method != http.MethodPost || !envelopePath.MatchString(r.URL.Path):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case !strings.Contains(r.Header.Get("X-Sentry-Auth"), "sentry_key="+sentryKey):
		http.Error(w, "bad key", http.StatusUnauthorized)
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		s.mu.Lock()
		s.bad++
		s.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if s.delay > 0 {
		t := time.NewTimer(s.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.closing:
			panic(http.ErrAbortHandler) // close the connection without an answer
		}
	}
	s.mu.Lock()
	s.delivered += env.events
	for reason, n := range env.discarded {
		s.reported[reason] += n
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q}`, env.eventID)
}

// envelope is what the server takes from one request body.
type envelope struct {
	eventID   string
	events    int
	discarded map[string]uint64 // client reports, category "error", by reason
}

// parseEnvelope reads the envelope format: a header line, then items, each
// a header line and a payload of the header's "length" bytes, or up to the
// next newline when it has none.
func parseEnvelope(body []byte) (envelope, error) {
	var env envelope
	rd := bufio.NewReader(bytes.NewReader(body))
	line, err := rd.ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return env, errors.New("empty envelope")
	}
	var hdr struct {
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal(line, &hdr); err != nil {
		return env, fmt.Errorf("envelope header: %w", err)
	}
	env.eventID = hdr.EventID
	for {
		line, err := rd.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) == 0 {
			if err != nil {
				return env, nil // end of the envelope
			}
			continue
		}
		var item struct {
			Type   string `json:"type"`
			Length *int   `json:"length"`
		}
		if err := json.Unmarshal(line, &item); err != nil {
			return env, fmt.Errorf("item header: %w", err)
		}
		var payload []byte
		if item.Length != nil {
			payload = make([]byte, *item.Length)
			if _, err := io.ReadFull(rd, payload); err != nil {
				return env, fmt.Errorf("item payload: %w", err)
			}
		} else {
			payload, _ = rd.ReadBytes('\n')
		}
		switch item.Type {
		case "event":
			if !json.Valid(payload) {
				return env, errors.New("event item is not valid JSON")
			}
			env.events++
		case "client_report":
			var rep struct {
				Discarded []struct {
					Reason   string `json:"reason"`
					Category string `json:"category"`
					Quantity uint64 `json:"quantity"`
				} `json:"discarded_events"`
			}
			if err := json.Unmarshal(payload, &rep); err != nil {
				return env, fmt.Errorf("client report: %w", err)
			}
			for _, d := range rep.Discarded {
				if d.Category == "error" {
					if env.discarded == nil {
						env.discarded = map[string]uint64{}
					}
					env.discarded[d.Reason] += d.Quantity
				}
			}
		}
	}
}
