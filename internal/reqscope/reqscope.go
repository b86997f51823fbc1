// Package reqscope holds what every request integration (errsighthttp and
// the framework and gRPC modules built on it) does to a request's scope
// the same way, so that the rule is written once.
package reqscope

import errsight "github.com/errsight/errsight-go"

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
