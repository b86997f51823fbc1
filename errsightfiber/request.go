package errsightfiber

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/gofiber/fiber/v2"
)

// The tags and metadata key are errsighthttp's, so that events from fiber
// and net/http services group and filter alike on the server.
const (
	// TagMethod is the tag holding the request method.
	TagMethod = errsighthttp.TagMethod
	// TagRoute is the tag holding the method and route template, e.g.
	// "GET /orders/:id".
	TagRoute = errsighthttp.TagRoute
	// TagStatusCode is the tag holding the status of a reported handler error.
	TagStatusCode = errsighthttp.TagStatusCode
	// MetadataKey is the metadata key of the request's [RequestData].
	MetadataKey = errsighthttp.MetadataKey
)

// RequestData is what the middleware reports about a request, under the
// metadata key "request" ([MetadataKey]): the same shape as errsighthttp's.
type RequestData = errsighthttp.RequestData

// allowedHeaders are the only request headers ever reported: an allow-list,
// so that a header someone adds tomorrow (X-Internal-Token) is never sent.
// Authorization, Cookie and the like are never among them. The same list as
// errsighthttp's middleware.
var allowedHeaders = [...]string{"User-Agent", "Referer", "Content-Type", "Accept", "X-Request-Id"}

// newRequestData copies what is reported about c's request. fiber's
// strings point into fasthttp's buffers, reused once the request ends, so
// every string kept is cloned.
func newRequestData(c *fiber.Ctx, method, route string, o *Options) RequestData {
	path, query := splitTarget(c.OriginalURL())
	rd := RequestData{
		Method: method,
		URL:    c.Protocol() + "://" + c.Hostname() + path, // concatenation copies
		Route:  route,
	}
	rd.Path = unescapePath(rd.URL[len(rd.URL)-len(path):])
	if q := o.SensitiveNames.ScrubQuery(query); q == query {
		rd.Query = strings.Clone(q) // query points into fasthttp's buffer
	} else {
		rd.Query = q // a new string
	}
	for _, name := range allowedHeaders {
		v := c.Get(name)
		if v == "" {
			continue
		}
		if name == "Referer" {
			v = o.SensitiveNames.ScrubURL(v)
		}
		if rd.Headers == nil {
			rd.Headers = make(map[string]string, 4)
		}
		rd.Headers[name] = strings.Clone(v)
	}
	if n := c.Request().Header.ContentLength(); n > 0 {
		if rd.Headers == nil {
			rd.Headers = make(map[string]string, 1)
		}
		rd.Headers["Content-Length"] = strconv.Itoa(n)
	}
	if o.SendClientIP {
		rd.ClientIP = strings.Clone(c.IP())
	}
	return rd
}

// splitTarget splits a request target as sent (c.OriginalURL()) into its
// escaped path and raw query. The path is not taken from c.Path(): for a
// malformed target, fasthttp's parse can move part of the query into the
// path ("?&x//host/&token=..." has the path "/&token=..."), and the query's
// secrets would then be reported unscrubbed. A fragment, never sent by
// browsers, is dropped; an absolute-form target (sent to proxies) loses its
// scheme and authority, user:password@ included.
func splitTarget(raw string) (path, query string) {
	raw, _, _ = strings.Cut(raw, "#")
	path, query, _ = strings.Cut(raw, "?")
	if i := strings.Index(path, "://"); i > 0 && !strings.Contains(path[:i], "/") {
		rest := path[i+3:]
		path = "/"
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			path = rest[j:]
		}
	}
	return path, query
}

// unescapePath returns the decoded path, as net/http's URL.Path holds it;
// a path that does not decode, or needs no decoding, is returned as is.
func unescapePath(p string) string {
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}
