package errsightecho

import (
	"net/netip"
	"time"

	"github.com/errsight/errsight-go/errsighthttp"
)

// Options configures [New]. The zero Options is a working default: a hub
// per request, request data and the route on every event, panics reported
// then re-panicked (to echo's Recover middleware, or net/http), errors
// returned by handlers reported when their status is 500 or more, no
// client IP.
//
// Options is copied by New; changing it (or its slices) afterwards has no
// effect.
type Options struct {
	// ReportStatus decides whether an error returned by a handler is
	// reported, given the status echo answers it with: the code of an
	// *echo.HTTPError, else 500 (the response's status when the handler
	// had already written one). Nil: a status of 500 or more. Panics are
	// reported whatever it says.
	ReportStatus func(status int) bool

	// FlushTimeout, when positive, makes the middleware wait up to this
	// long for a panic's report to be delivered before it hands the panic
	// on: for platforms that freeze or kill the process once the response
	// is sent. Zero (the default) never holds the request.
	FlushTimeout time.Duration

	// SendClientIP reports the client's IP address, as the user's
	// ip_address and in the request data. Off by default: an IP address is
	// personal data. The address is found as errsighthttp does, with
	// TrustedProxies (echo's IPExtractor is not consulted).
	SendClientIP bool

	// TrustedProxies are the networks of the reverse proxies in front of
	// the server, whose X-Forwarded-For is believed. See
	// errsighthttp.Options.TrustedProxies.
	TrustedProxies []netip.Prefix

	// SensitiveNames adds the application's own secret names to the
	// scrubbing rules shared by every errsight integration (see
	// errsighthttp.IsSensitiveName).
	SensitiveNames errsighthttp.SensitiveNames
}

// httpOptions are the options of the request data, shared with errsighthttp.
func (o *Options) httpOptions() errsighthttp.Options {
	return errsighthttp.Options{
		FlushTimeout:   o.FlushTimeout,
		SendClientIP:   o.SendClientIP,
		TrustedProxies: o.TrustedProxies,
		SensitiveNames: o.SensitiveNames,
	}
}

// reports applies ReportStatus.
func (o *Options) reports(status int) bool {
	if o.ReportStatus == nil {
		return status >= 500
	}
	return o.ReportStatus(status)
}
