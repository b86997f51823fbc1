package errsighthttp

import (
	"net/http"
	"net/netip"
	"time"
)

// Options configures [Middleware]. The zero Options is a working default:
// a hub per request, request data attached, panics reported and then
// re-panicked, nothing waited for, no client IP.
//
// Options is copied by Middleware; changing it (or the TrustedProxies and
// SensitiveNames slices) afterwards has no effect.
type Options struct {
	// RecoverWith500 makes the middleware stop a panic after reporting it:
	// it answers 500 Internal Server Error when the handler had written
	// nothing yet, and aborts the response (by panicking with
	// http.ErrAbortHandler, which net/http handles silently) when it had,
	// so that the client never mistakes a truncated response for a complete
	// one.
	//
	// By default (false) the panic is reported, then re-panicked with the
	// same value: net/http, or an outer recovery middleware, sees it and
	// behaves exactly as it would without this middleware. Swallowing
	// panics is a choice the application makes, not its error tracker.
	RecoverWith500 bool

	// CaptureServerErrors also reports responses with a status of 500 or
	// more that did not come from a panic, as error-level message events
	// ("502 Bad Gateway: GET /orders/42") with the request data and the
	// tag http.status_code. Off by default: a handler that answers 5xx
	// usually reported the cause itself, and this would report it twice.
	CaptureServerErrors bool

	// FlushTimeout, when positive, makes the middleware wait up to this
	// long for a panic's report to be delivered before it re-panics or
	// answers 500: for platforms that freeze or kill the process once the
	// response is sent. Zero (the default) never holds the request: the
	// process survives a panic in net/http, and the client's worker
	// delivers the report within its FlushInterval.
	FlushTimeout time.Duration

	// SendClientIP reports the client's IP address, as the user's
	// ip_address and in the request data. Off by default: an IP address is
	// personal data. See TrustedProxies for how the address is found.
	SendClientIP bool

	// TrustedProxies are the networks of the reverse proxies in front of
	// the server. The X-Forwarded-For, X-Real-IP and X-Forwarded-Proto
	// headers are believed only when the connection comes from one of
	// them (anyone else can forge them); the client is then the first
	// address of X-Forwarded-For, read right to left, that is not a trusted
	// proxy. Empty (the default): the connection's peer address is the
	// client. To trust every peer, list 0.0.0.0/0 and ::/0.
	TrustedProxies []netip.Prefix

	// SensitiveNames adds names of the application's own secrets to the
	// default scrubbing rules (see [IsSensitiveName]): the values of query
	// parameters with these names are [Filtered] in the request data and
	// in the Referer header, and, given to [NewTransportWithOptions], in
	// the breadcrumbs of outbound requests. Nil: the default rules only.
	SensitiveNames SensitiveNames

	// Route, when set, names the route template that matches a request,
	// for routers other than http.ServeMux (errsightchi sets it to chi's
	// "GET /orders/{id}"). The middleware calls it before the handler runs,
	// so that events captured inside the handler carry the route, and,
	// when that gave "", again when the handler returns or panics, once the
	// router has finished routing. Nil:
	// the ServeMux pattern (see the package documentation, "Routes").
	// It must be safe for concurrent use.
	Route func(r *http.Request) string
}
