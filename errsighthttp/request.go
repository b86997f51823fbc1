package errsighthttp

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// MetadataKey is the metadata key under which the middleware attaches a
// request's [RequestData] to its scope.
const MetadataKey = "request"

// The tags the middleware sets on a request's scope. Tags are indexed by the
// server, so they stay low-cardinality: the method and the route pattern,
// never the path with its ids.
const (
	TagMethod = "http.method"
	TagRoute  = "route"
	// TagStatusCode is set on the events of Options.CaptureServerErrors.
	TagStatusCode = "http.status_code"
)

// allowedHeaders are the only request headers ever reported. An allow-list,
// not a deny-list: a header someone adds tomorrow (X-Internal-Token...) is
// never sent by accident. Authorization, Cookie, Proxy-Authorization,
// X-Api-Key and the like are never among them.
var allowedHeaders = [...]string{"User-Agent", "Referer", "Content-Type", "Accept", "X-Request-Id"}

// RequestData is what the middleware reports about an incoming request,
// under the metadata key "request" ([MetadataKey]) of every event captured
// through the request's hub.
//
// The middleware builds it once per request, from a copy of the request's
// fields, so the handler may change its *http.Request freely. A RequestData
// found in an event's metadata (in Options.BeforeSend) is shared by every
// event of its request: to change it, store a modified copy with a new
// Headers map rather than editing the map in place.
type RequestData struct {
	// Method is the request method.
	Method string `json:"method"`
	// URL is scheme://host/path, without the query (see Query), user
	// information or fragment.
	URL string `json:"url"`
	// Path is the request's path, as the handler sees it in r.URL.Path.
	Path string `json:"path"`
	// Query is the raw query string with the values of sensitive parameters
	// (see [IsSensitiveName] and Options.SensitiveNames) replaced by
	// [Filtered]; empty without a query.
	Query string `json:"query,omitempty"`
	// Headers holds the allow-listed headers present on the request:
	// User-Agent, Referer (its query scrubbed), Content-Type, Content-Length,
	// Accept and X-Request-Id. Repeated values are joined with ", ".
	Headers map[string]string `json:"headers,omitempty"`
	// Route is the http.ServeMux pattern that matched the request, e.g.
	// "GET /orders/{id}", once it is known (see the package documentation,
	// "Routes").
	Route string `json:"route,omitempty"`
	// ClientIP is the client's address, only with Options.SendClientIP.
	ClientIP string `json:"client_ip,omitempty"`
}

// NewRequestData copies what is reported about r: the shared way for every
// net/http-based integration to describe a request, so that the scrubbing
// rules, the header allow-list and the client IP rules live here only. opts
// gives SendClientIP, TrustedProxies and SensitiveNames; nil means the zero
// Options. Route is r.Pattern: integrations whose router knows a route
// template set it afterwards. r is not modified.
func NewRequestData(r *http.Request, opts *Options) RequestData {
	var o Options
	if opts != nil {
		o = *opts
	}
	rd := RequestData{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  scrubQuery(r.URL.RawQuery, o.SensitiveNames),
		Route:  r.Pattern,
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if len(o.TrustedProxies) > 0 {
		// A TLS-terminating proxy says what the client used; believe it
		// only from a trusted peer.
		if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
			if peer, ok := parseAddr(r.RemoteAddr); ok && isTrusted(peer, o.TrustedProxies) {
				scheme = p
			}
		}
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	rd.URL = scheme + "://" + host + r.URL.EscapedPath()

	for _, name := range allowedHeaders {
		vs := r.Header[name]
		if len(vs) == 0 {
			continue
		}
		v := strings.Join(vs, ", ")
		if name == "Referer" {
			v = scrubURLString(v, o.SensitiveNames)
		}
		if rd.Headers == nil {
			rd.Headers = make(map[string]string, 4)
		}
		rd.Headers[name] = v
	}
	if r.ContentLength > 0 {
		if rd.Headers == nil {
			rd.Headers = make(map[string]string, 1)
		}
		rd.Headers["Content-Length"] = strconv.FormatInt(r.ContentLength, 10)
	}
	if o.SendClientIP {
		rd.ClientIP = clientIP(r, o.TrustedProxies)
	}
	return rd
}

// clientIP returns the address of the client that sent r. The forwarding
// headers (X-Forwarded-For, then X-Real-IP) are believed only when the
// connection comes from a trusted proxy: anyone else can write them. Then
// X-Forwarded-For is read right to left, each proxy having appended the
// address it received from, and the first address that is not a trusted
// proxy is the client.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		// Not an IP (a unix socket, a test's "pipe"): report it as is.
		return r.RemoteAddr
	}
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	client := peer
	xff := r.Header.Values("X-Forwarded-For")
	for i := len(xff) - 1; i >= 0; i-- {
		parts := strings.Split(xff[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			addr, ok := parseAddr(strings.TrimSpace(parts[j]))
			if !ok {
				// Garbage was written by a hop we do not trust: the last
				// address we could verify is the best we know.
				return client.String()
			}
			client = addr
			if !isTrusted(addr, trusted) {
				return addr.String()
			}
		}
	}
	if len(xff) == 0 {
		if addr, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-Ip"))); ok {
			return addr.String()
		}
	}
	return client.String()
}

// parseAddr parses an address with or without a port ("1.2.3.4",
// "1.2.3.4:80", "[::1]:80", "::1"), unmapping IPv4-in-IPv6.
func parseAddr(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
