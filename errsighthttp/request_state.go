package errsighthttp

import (
	"context"
	"net/http"
	"strconv"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/reqscope"
	"github.com/errsight/errsight-go/internal/safe"
)

// Request is the errsight state of one incoming request: its own hub and
// the data reported about it. [Middleware] keeps one per request, and so do
// the integrations for routers and frameworks built on net/http
// (errsightchi, errsightgin, errsightecho), so that a request is described,
// tagged and reported the same way whichever one serves it.
//
// Create it with [StartRequest]; the zero Request reports nothing. A Request
// belongs to the goroutine serving its request: its methods are not safe
// for concurrent use (the hub they report to is).
type Request struct {
	// Hub is the request's own hub, cloned from the hub of the incoming
	// request's context. Pass it down with [errsight.ContextWithHub] (or
	// the framework's own context store under [errsight.HubKey]) so that
	// the handler's captures and scope changes stay with this request.
	Hub *errsight.Hub
	// Data is what is reported about the request, attached to Hub's scope
	// as metadata [MetadataKey]. It is zero when Hub's client is disabled.
	Data RequestData

	opts      *Options
	reporting bool // Hub's client is enabled
	// ctx is the incoming request's context, kept for the client's
	// ContextHooks (errsightotel reads the span otelhttp put there): the
	// Report methods have no context parameter of their own.
	ctx context.Context
}

// StartRequest clones the hub of r.Context() for the request and, when its
// client is enabled, attaches the request's data to the clone's scope: the
// metadata [MetadataKey], the tags [TagMethod] and [TagRoute] (when the
// route is already known) and, with Options.SendClientIP, the user's
// ip_address. opts is kept, not copied (nil means the zero Options): the
// caller keeps it unchanged while the request runs. r is not modified.
func StartRequest(r *http.Request, opts *Options) Request {
	if opts == nil {
		opts = &zeroOptions
	}
	rq := Request{Hub: errsight.HubFromContext(r.Context()).Clone(), opts: opts, ctx: r.Context()}
	if rq.reporting = rq.Hub.Client().Enabled(); rq.reporting {
		rq.Data = NewRequestData(r, opts)
		rq.attach()
	}
	return rq
}

// zeroOptions stands for a nil *Options.
var zeroOptions Options

// Reporting reports whether the request's hub has an enabled client: when
// false, every Report method does nothing and callers may skip work.
func (rq *Request) Reporting() bool { return rq.reporting }

// attach puts the request data on the request's scope.
func (rq *Request) attach() {
	s := rq.Hub.Scope()
	s.SetTag(TagMethod, rq.Data.Method)
	if rq.Data.Route != "" {
		s.SetTag(TagRoute, rq.Data.Route)
	}
	s.SetMetadata(MetadataKey, rq.Data)
	reqscope.SetClientIP(s, rq.Data.ClientIP)
}

// SetRoute records the route template that matched the request
// ("/orders/{id}", "GET /orders/:id") once the router knows it: the tag
// [TagRoute] and RequestData.Route of every event captured afterwards. An
// empty route or the one already set changes nothing.
func (rq *Request) SetRoute(route string) {
	if !rq.reporting || route == "" || route == rq.Data.Route {
		return
	}
	rq.Data.Route = route
	s := rq.Hub.Scope()
	s.SetTag(TagRoute, route)
	// A new value, not an update: the old one may be in queued events.
	s.SetMetadata(MetadataKey, rq.Data)
}

// ReportPanic reports a value recovered from the request's handler as a
// fatal event, with the stack at the panic site when called (directly or
// not) from the deferred function that recovered it. With
// Options.FlushTimeout it then waits up to that long for delivery. It
// returns the event's id: "" for nil and http.ErrAbortHandler (net/http's
// way to abort a response quietly, never reported) and when nothing was
// queued.
func (rq *Request) ReportPanic(v any) errsight.EventID {
	if !rq.reporting || safe.IsAbortHandler(v) {
		return ""
	}
	id := rq.Hub.RecoverContext(rq.ctx, v)
	if id != "" && rq.opts.FlushTimeout > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), rq.opts.FlushTimeout)
		_ = rq.Hub.Client().Flush(ctx) // a late report is still delivered by the worker
		cancel()
	}
	return id
}

// ReportError reports an error that the framework turned into a response
// with the given status (an error returned by an echo handler, one added
// with gin's c.Error): an error-level event with err's class, causes and
// frames (err's own origin stack when it has one, else the caller's), and
// the tag [TagStatusCode], which stays on the request's scope for the
// events captured after it (they belong to the same response). The caller
// decides which statuses count, and calls it once per error.
func (rq *Request) ReportError(err error, status int) errsight.EventID {
	if !rq.reporting || err == nil {
		return ""
	}
	// On the scope rather than the event: the status is the response's,
	// and CaptureError records the stack here.
	rq.Hub.Scope().SetTag(TagStatusCode, strconv.Itoa(status))
	return rq.Hub.CaptureErrorContext(rq.ctx, err)
}

// ReportStatus reports a response with the given status that came from no
// error the integration saw, as an error-level message event
// ("502 Bad Gateway: GET /orders/42") with the tag [TagStatusCode]: what
// Options.CaptureServerErrors does.
func (rq *Request) ReportStatus(status int) errsight.EventID {
	if !rq.reporting {
		return ""
	}
	msg := strconv.Itoa(status) + " " + http.StatusText(status) + ": " + rq.Data.Method + " " + rq.Data.Path
	return rq.Hub.CaptureEventContext(rq.ctx, &errsight.Event{
		Level:   errsight.LevelError,
		Message: msg,
		Tags:    map[string]string{TagStatusCode: strconv.Itoa(status)},
	})
}
