// Package reqscope holds what every request integration (errsighthttp and
// the framework and gRPC modules built on it) does to a request's scope
// the same way, so that the rule is written once.
package reqscope

import (
	"time"

	errsight "github.com/errsight/errsight-go"
)

// SetClientIP records ip as the scope user's IPAddress, unless ip is empty
// or the application already set an address: its own value wins.
func SetClientIP(s *errsight.Scope, ip string) {
	if ip == "" {
		return
	}
	if u := s.User(); u.IPAddress == "" {
		u.IPAddress = ip
		s.SetUser(u)
	}
}

// DefaultFlushTimeout is how long an integration that re-panics waits, by
// default, for the panic's report to be delivered: a panic nothing
// recovers ends the process, and with it the queued report.
const DefaultFlushTimeout = 2 * time.Second

// FlushTimeout resolves an integration's Options.FlushTimeout: zero means
// DefaultFlushTimeout, a negative value never waits.
func FlushTimeout(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultFlushTimeout
	case d < 0:
		return 0
	}
	return d
}
