package errsighthttp

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
)

// BreadcrumbCategory is the category of the breadcrumbs [NewTransport] records.
const BreadcrumbCategory = "http"

// NewTransport returns an http.RoundTripper that records every outbound request
// as a breadcrumb on the hub of the request's context (req.Context(), so
// use http.NewRequestWithContext with the incoming request's context), then
// sends it through base. A nil base means http.DefaultTransport, looked up
// at each request.
//
//	client := &http.Client{Transport: errsighthttp.NewTransport(nil)}
//
// A breadcrumb has the category "http", the message "METHOD url" and the
// data method, url, status_code (or error) and duration_ms. The URL has no
// credentials and the values of sensitive query parameters are [Filtered].
// Its level is error for a transport error or a 5xx status, warning for a
// 4xx status, info otherwise. It is recorded when the response headers
// arrive; reading the body is not timed.
//
// A request whose context carries no hub goes to the global hub's scope.
// When the hub's client is disabled, the round tripper only calls base.
// The round tripper never modifies the request, and is safe for concurrent
// use. To scrub the application's own secret parameters too, use
// [NewTransportWithOptions].
func NewTransport(base http.RoundTripper) http.RoundTripper {
	return &roundTripper{base: base}
}

// NewTransportWithOptions is [NewTransport] with the scrubbing rules of
// opts: the values of query parameters named in opts.SensitiveNames are
// [Filtered] in the breadcrumbs too, as in the middleware's request data.
// The other fields of opts concern incoming requests and are ignored.
func NewTransportWithOptions(base http.RoundTripper, opts Options) http.RoundTripper {
	return &roundTripper{base: base, names: slices.Clone(opts.SensitiveNames)}
}

type roundTripper struct {
	base  http.RoundTripper
	names SensitiveNames // extra sensitive names; never modified
}

func (t *roundTripper) baseRT() http.RoundTripper {
	if t.base == nil {
		return http.DefaultTransport
	}
	return t.base
}

// RoundTrip implements http.RoundTripper.
func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	hub := errsight.HubFromContext(req.Context())
	if !hub.Client().Enabled() {
		return t.baseRT().RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.baseRT().RoundTrip(req)
	elapsed := time.Since(start)

	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	u := scrubURL(req.URL, t.names)
	data := map[string]any{
		"method":      method,
		"url":         u,
		"duration_ms": float64(elapsed.Microseconds()) / 1000,
	}
	level := errsight.LevelInfo
	switch {
	case err != nil:
		data["error"] = errorText(err, req, u)
		level = errsight.LevelError
	case resp != nil:
		data["status_code"] = resp.StatusCode
		if resp.StatusCode >= 500 {
			level = errsight.LevelError
		} else if resp.StatusCode >= 400 {
			level = errsight.LevelWarning
		}
	}
	hub.AddBreadcrumb(errsight.Breadcrumb{
		Category:  BreadcrumbCategory,
		Message:   method + " " + u,
		Level:     level,
		Data:      data,
		Timestamp: start,
	})
	return resp, err
}

// CloseIdleConnections closes the idle connections of base, so that
// http.Client.CloseIdleConnections keeps working through the wrapper.
func (t *roundTripper) CloseIdleConnections() {
	if c, ok := t.baseRT().(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// errorText is err's message without the request's secrets: a round tripper
// may return a *url.Error, whose text holds the whole URL.
func errorText(err error, req *http.Request, scrubbed string) string {
	msg := err.Error()
	if req.URL != nil && (req.URL.RawQuery != "" || req.URL.User != nil) {
		msg = strings.ReplaceAll(msg, req.URL.String(), scrubbed)
		msg = strings.ReplaceAll(msg, req.URL.Redacted(), scrubbed)
	}
	return msg
}
