package e2e

import (
	"time"

	"github.com/errsight/errsight-go/errsighttest"
)

// Server is the receiving side of a run, on loopback: errsighttest for
// errsight, [SentryServer] for sentry-go. Both answer every request after
// the same delay. Safe for concurrent use.
type Server struct {
	es *errsighttest.Server
	ss *SentryServer
}

// NewServer starts the server for sdk, answering each request after delay.
func NewServer(sdk string, delay time.Duration) *Server {
	if sdk == Errsight {
		es := errsighttest.NewServer()
		if delay > 0 {
			// Status 0 with a Delay: the normal answer, after the delay.
			es.SetFault(errsighttest.Fault{Delay: delay})
		}
		return &Server{es: es}
	}
	return &Server{ss: NewSentryServer(delay)}
}

// Target is where the SDK must send.
func (s *Server) Target() Target {
	if s.es != nil {
		return Target{URL: s.es.URL, APIKey: s.es.APIKey()}
	}
	return Target{DSN: s.ss.DSN()}
}

// Close shuts the server down, releasing delayed requests.
func (s *Server) Close() {
	if s.es != nil {
		s.es.Close()
		return
	}
	s.ss.Close()
}

// Result counts what the server accepted. Call it after Close for final
// numbers.
func (s *Server) Result() ServerResult {
	if s.ss != nil {
		return s.ss.Result()
	}
	var r ServerResult
	for _, req := range s.es.Requests() {
		r.Requests++
		if req.Status == 202 && !req.Faulted {
			r.Delivered += req.Events
		}
	}
	return r
}
