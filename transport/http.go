package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/errsight/errsight-go/internal/hosturl"
	"github.com/errsight/errsight-go/internal/redact"
)

// Defaults applied to the zero fields of [HTTPOptions].
const (
	// DefaultHost is the ingestion API's base URL.
	DefaultHost = "https://errsight.com"
	// DefaultTimeout bounds one request, from dialling to the end of the
	// response body.
	DefaultTimeout = 5 * time.Second
	// DefaultUserAgent is sent when HTTPOptions.UserAgent is blank.
	DefaultUserAgent = "errsight-go"
	// EventsPath is appended to the host to form the endpoint.
	EventsPath = "/api/v1/events"
)

// maxDrain bounds how much of a response body is read. The API's answers
// are tiny; reading a bounded amount lets the connection be reused without
// letting a misbehaving server make us read forever.
const maxDrain = 64 << 10

// HTTPOptions configures [NewHTTP]. Every zero value is a valid default.
// The struct is copied by NewHTTP; changing it afterwards has no effect.
type HTTPOptions struct {
	// Host is the API's base URL, e.g. "https://errsight.com" or
	// "https://errsight.example.com/prefix". The endpoint is
	// Host + "/api/v1/events"; a trailing slash is ignored, and a Host that
	// already ends in /api/v1/events is used as is. Default [DefaultHost].
	Host string
	// APIKey is sent in the X-API-Key header, and only to Host: redirects
	// are never followed. Required.
	APIKey string
	// Timeout bounds each request (on top of the caller's context).
	// Default [DefaultTimeout].
	Timeout time.Duration
	// Client, when set, is used for its proxy, TLS and cookie settings. It is
	// never modified: NewHTTP works on a shallow copy whose CheckRedirect
	// refuses every redirect (so the API key never travels to another host).
	// Default: a client of NewHTTP's own, with a clone of
	// http.DefaultTransport.
	Client *http.Client
	// RoundTripper, when set, replaces the Transport of the client (of
	// Client's copy, when both are set).
	RoundTripper http.RoundTripper
	// UserAgent is the User-Agent header. Default [DefaultUserAgent].
	UserAgent string
	// MaxIdleConns is how many keep-alive connections to the host stay open
	// between requests: set it to the number of requests sent concurrently,
	// or the extra ones are re-dialled (and TLS re-negotiated) every time.
	// Default net/http's (2). It applies to the transport NewHTTP creates
	// itself only; a user's Client or RoundTripper is left alone.
	MaxIdleConns int
	// Debugf receives diagnostics (a refused redirect, for example). nil
	// discards them. It never receives the API key.
	Debugf func(format string, args ...any)
}

// HTTP is the default [Transport]: it POSTs each batch to the ingestion API
// and classifies the answer. It performs no retries of its own; see the
// Transport contract. An HTTP is safe for concurrent use. Its zero value is
// not usable: build one with [NewHTTP].
type HTTP struct {
	endpoint  string
	apiKey    string
	timeout   time.Duration
	userAgent string
	client    *http.Client
	// ownTransport is the transport NewHTTP created itself, nil when the
	// user supplied one; only that one is closed by CloseIdleConnections.
	ownTransport *http.Transport
	debugf       func(format string, args ...any)
}

var _ Transport = (*HTTP)(nil)

// NewHTTP validates opts and builds an [HTTP] transport. Its errors start
// with "transport: " and never contain the API key.
func NewHTTP(opts HTTPOptions) (*HTTP, error) {
	key := opts.APIKey
	if key == "" {
		return nil, errors.New("transport: API key is required")
	}
	for i := 0; i < len(key); i++ {
		// A header value must not carry control characters; a key with a
		// newline would otherwise smuggle headers (or be refused by net/http
		// on every request, which is worse to debug).
		if c := key[i]; c < 0x20 || c == 0x7f {
			return nil, errors.New("transport: API key contains a control character")
		}
	}
	endpoint, err := endpointURL(opts.Host)
	if err != nil {
		return nil, errors.New(Redact(err.Error(), key))
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("transport: negative timeout %v", opts.Timeout)
	}
	h := &HTTP{
		endpoint:  endpoint,
		apiKey:    key,
		timeout:   opts.Timeout,
		userAgent: opts.UserAgent,
		debugf:    opts.Debugf,
	}
	if h.timeout == 0 {
		h.timeout = DefaultTimeout
	}
	if h.userAgent == "" {
		h.userAgent = DefaultUserAgent
	}
	if h.debugf == nil {
		h.debugf = func(string, ...any) {}
	}

	var c http.Client
	if opts.Client != nil {
		c = *opts.Client // a shallow copy: the user's client stays untouched
	}
	switch {
	case opts.RoundTripper != nil:
		c.Transport = opts.RoundTripper
	case opts.Client == nil:
		t := http.DefaultTransport.(*http.Transport).Clone()
		if opts.MaxIdleConns > 0 {
			t.MaxIdleConnsPerHost = opts.MaxIdleConns
		}
		h.ownTransport = t
		c.Transport = t
	}
	c.CheckRedirect = refuseRedirect
	h.client = &c
	return h, nil
}

// refuseRedirect makes the client hand the 3xx response back to Send instead
// of following it: the X-API-Key header must reach the configured host only.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// endpointURL turns a base URL into the events endpoint.
func endpointURL(host string) (string, error) {
	if host == "" {
		host = DefaultHost
	}
	u, err := hosturl.Parse(host)
	if err != nil {
		return "", fmt.Errorf("transport: HTTPOptions.Host %w", err)
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, EventsPath) {
		p += EventsPath
	}
	u.Path, u.RawPath = p, ""
	return u.String(), nil
}

// Endpoint returns the URL batches are POSTed to.
func (h *HTTP) Endpoint() string { return h.endpoint }

// CloseIdleConnections closes the idle keep-alive connections of the
// transport NewHTTP created itself. A user-supplied Client or RoundTripper
// is left alone: it belongs to the user.
func (h *HTTP) CloseIdleConnections() {
	if h.ownTransport != nil {
		h.ownTransport.CloseIdleConnections()
	}
}

// Send POSTs body and classifies the answer; see [Transport] and [Kind].
// The request gets its own deadline of the configured Timeout, within ctx.
func (h *HTTP) Send(ctx context.Context, body []byte) Outcome {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.endpoint, bytes.NewReader(body))
	if err != nil {
		// Unreachable with an endpoint validated by NewHTTP; refuse for good
		// rather than retry a request that can never be built.
		return Outcome{Kind: Rejected, Err: h.newError("build request", err)}
	}
	req.Header.Set("X-API-Key", h.apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", h.userAgent)

	resp, err := h.client.Do(req)
	if err != nil {
		// Connection refused, DNS failure, TLS failure, timeout, cancelled
		// context: all transient from the batch's point of view.
		return Outcome{Kind: Retry, Err: h.newError("send", err)}
	}
	defer resp.Body.Close()

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		// Drained so that the keep-alive connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
		return Outcome{Kind: Delivered, Status: resp.StatusCode}
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxDrain))
	return h.classify(resp, data)
}

// sendError is an error whose message has been scrubbed of the API key. It
// unwraps to a context error only (never to the raw error, whose text could
// hold anything), so callers can still tell a timeout from the rest.
type sendError struct {
	msg   string
	cause error
}

func (e *sendError) Error() string { return e.msg }
func (e *sendError) Unwrap() error { return e.cause }

// newError builds a key-free error "transport: <op>: <err>".
func (h *HTTP) newError(op string, err error) error {
	e := &sendError{msg: Redact("transport: "+op+": "+err.Error(), h.apiKey)}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		e.cause = context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		e.cause = context.Canceled
	}
	return e
}

// errorf is fmt.Errorf, scrubbed of the API key.
func (h *HTTP) errorf(format string, args ...any) error {
	return &sendError{msg: Redact(fmt.Sprintf(format, args...), h.apiKey)}
}

// Redact replaces every occurrence of secret in msg with "[redacted]". An
// empty secret leaves msg unchanged. Every error and debug line of this
// package passes through it, so the API key never leaks into logs even when
// a URL or a server's answer would echo it.
func Redact(msg, secret string) string { return redact.String(msg, secret) }
