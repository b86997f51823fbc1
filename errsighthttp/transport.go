package errsighthttp

import (
	"net/http"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
)

// BreadcrumbCategory is the category of the breadcrumbs [Transport] records.
const BreadcrumbCategory = "http"

// Transport returns an http.RoundTripper that records every outbound request
// as a breadcrumb on the hub of the request's context (req.Context(), so
// use http.NewRequestWithContext with the incoming request's context), then
// sends it through base. A nil base means http.DefaultTransport, looked up
// at each request.
//
//	client := &http.Client{Transport: errsighthttp.Transport(nil)}
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
// Transport never modifies the request, and is safe for concurrent use.
func Transport(base http.RoundTripper) http.RoundTripper {
	return &roundTripper{base: base}
}

type roundTripper struct {
	base http.RoundTripper
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
	u := scrubURL(req.URL)
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
