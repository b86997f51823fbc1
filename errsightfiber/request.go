package errsightfiber

import (
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
func newRequestData(c *fiber.Ctx, route string, o *Options) RequestData {
	uri := c.OriginalURL()
	path, query, _ := strings.Cut(uri, "?")
	rd := RequestData{
		Method: strings.Clone(c.Method()),
		URL:    c.Protocol() + "://" + c.Hostname() + path, // concatenation copies
		Path:   strings.Clone(c.Path()),
		Query:  strings.Clone(o.SensitiveNames.ScrubQuery(query)),
		Route:  route,
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
