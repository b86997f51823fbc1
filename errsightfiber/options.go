package errsightfiber

import (
	"time"

	"github.com/errsight/errsight-go/errsighthttp"
)

// Options configures [New]. The zero Options is a working default: a hub
// per request, request data and the route on every event, handler errors
// that fiber answers with a status of 500 or more reported, panics reported
// then re-panicked (waiting up to 2 s for delivery first), no client IP.
//
// Options is copied by New; changing it (or the SensitiveNames slice)
// afterwards has no effect.
type Options struct {
	// ReportStatus decides which errors returned by handlers are reported,
	// by the status fiber answers them with: the Code of a *fiber.Error in
	// the chain, else 500 (what fiber's default error handler does). Nil
	// (the default) reports statuses of 500 or more: a 404 or a 400 is the
	// client's mistake, not a defect. The function must be safe for
	// concurrent use.
	ReportStatus func(status int) bool

	// RecoverWith500 makes the middleware stop a panic after reporting it
	// and return fiber.ErrInternalServerError, which fiber's error handler
	// turns into a 500 answer, as fiber's recover middleware does.
	//
	// By default (false) the panic is reported, then re-panicked with the
	// same value, so that fiber's recover middleware installed outside this
	// one sees it and answers as usual. Without a recover middleware the
	// panic ends the process, exactly as it would without errsight:
	// fasthttp does not recover panics.
	RecoverWith500 bool

	// FlushTimeout bounds how long the middleware waits for a panic's
	// report to be delivered before it re-panics: a panic that no recover
	// middleware stops kills the process, and with it the queued report.
	// Zero means 2 s; negative never waits (right when a recover middleware
	// is always installed). Not used with RecoverWith500, where the process
	// goes on.
	FlushTimeout time.Duration

	// SendClientIP reports the client's IP address, as the user's
	// ip_address and in the request data. Off by default: an IP address is
	// personal data. The address is c.IP(), so fiber's own Config
	// (ProxyHeader, EnableTrustedProxyCheck, TrustedProxies) decides
	// whether forwarding headers are believed.
	SendClientIP bool

	// SensitiveNames adds names of the application's own secrets to the
	// shared scrubbing rules of errsighthttp: the values of query
	// parameters with these names are filtered in the request data and in
	// the Referer header. Nil: the default rules only.
	SensitiveNames errsighthttp.SensitiveNames
}

func (o *Options) reports(status int) bool {
	if o.ReportStatus == nil {
		return status >= 500
	}
	return o.ReportStatus(status)
}
