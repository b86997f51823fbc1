package errsighthttp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/errsight/errsight-go"
)

// Middleware returns a middleware that gives every request its own hub and
// reports its panics. It has the shape of net/http middleware, so it works
// with http.ServeMux, chi, and anything that takes a
// func(http.Handler) http.Handler:
//
//	handler := errsighthttp.Middleware(errsighthttp.Options{})(mux)
//
// For each request it
//
//   - clones the hub of r.Context() (a hub put there by an outer layer, or
//     the global hub) and passes the clone down in the request's context,
//     so that errsight.ConfigureScope(r.Context(), ...) and everything
//     captured with r.Context() stay with this request;
//   - when the hub's client is enabled, attaches the request's
//     [RequestData] as metadata "request" and the tags http.method and
//     route (see [TagMethod], [TagRoute]);
//   - reports a panic as a fatal event, then re-panics with the same value
//     (see [Options.RecoverWith500]). http.ErrAbortHandler is never
//     reported and always re-panicked: it is net/http's way to abort a
//     response, not a crash.
//
// The request passed down is a copy (r.WithContext); when a ServeMux
// further in sets its Pattern, the middleware copies the pattern back to
// the request it received, as the mux would have set it there without the
// middleware. The middleware never changes the client or its options:
// per-request data lives in the per-request scope only. Middleware panics if applied to a nil
// handler.
func Middleware(opts Options) func(http.Handler) http.Handler {
	opts.TrustedProxies = slices.Clone(opts.TrustedProxies)
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("errsighthttp: Middleware applied to a nil http.Handler")
		}
		h := &handler{next: next, opts: opts}
		// A ServeMux directly inside knows a request's route before it
		// dispatches it (ServeMux.Handler): events captured while the
		// handler runs then carry the route too.
		h.mux, _ = next.(*http.ServeMux)
		return h
	}
}

// handler is the middleware around one http.Handler. It is immutable, so
// safe for concurrent requests.
type handler struct {
	next http.Handler
	mux  *http.ServeMux
	opts Options
}

// request is the middleware's per-request state, on ServeHTTP's stack.
type request struct {
	hub       *errsight.Hub
	in        *http.Request // the request as received
	r         *http.Request // the request passed down; ServeMux sets its Pattern
	data      RequestData
	reporting bool            // the hub's client is enabled
	rw        *responseWriter // nil unless a status must be observed
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hub := errsight.HubFromContext(r.Context()).Clone()
	rq := request{hub: hub, in: r, r: r.WithContext(errsight.ContextWithHub(r.Context(), hub))}
	if rq.reporting = hub.Client().Enabled(); rq.reporting {
		rq.data = newRequestData(rq.r, &h.opts)
		if rq.data.Route == "" && h.mux != nil {
			_, rq.data.Route = h.mux.Handler(rq.r)
		}
		rq.attach()
	}
	if h.opts.RecoverWith500 || (rq.reporting && h.opts.CaptureServerErrors) {
		rq.rw = &responseWriter{ResponseWriter: w}
		w = rq.rw
	}

	panicking := true
	defer func() {
		if !panicking {
			return
		}
		// recover must be called by the deferred function itself. A nil
		// value means runtime.Goexit (t.FailNow in a test handler): not
		// a panic, nothing to do.
		if v := recover(); v != nil {
			h.panicked(&rq, v)
		}
	}()
	h.next.ServeHTTP(w, rq.r)
	panicking = false

	rq.passPatternOut()
	if rq.reporting {
		rq.lateRoute()
		if h.opts.CaptureServerErrors && rq.rw.status >= 500 {
			rq.captureServerError(rq.rw.status)
		}
	}
}

// attach puts the request data on the request's scope.
func (rq *request) attach() {
	s := rq.hub.Scope()
	s.SetTag(TagMethod, rq.data.Method)
	if rq.data.Route != "" {
		s.SetTag(TagRoute, rq.data.Route)
	}
	s.SetMetadata(MetadataKey, rq.data)
	if rq.data.ClientIP != "" {
		if u := s.User(); u.IPAddress == "" {
			u.IPAddress = rq.data.ClientIP
			s.SetUser(u)
		}
	}
}

// lateRoute records the route when it became known only while the request
// was dispatched: a ServeMux further in sets Pattern on the request it was
// given, which is ours when the layers between pass it on unchanged.
func (rq *request) lateRoute() {
	if rq.data.Route != "" || rq.r.Pattern == "" {
		return
	}
	rq.data.Route = rq.r.Pattern
	s := rq.hub.Scope()
	s.SetTag(TagRoute, rq.data.Route)
	// A new value, not an update: the old one may be in queued events.
	s.SetMetadata(MetadataKey, rq.data)
}

// passPatternOut copies the pattern a ServeMux further in set on our copy
// of the request to the request we received, as the mux would have done
// without us: outer layers (metrics, access logs) read r.Pattern after
// their handler returns.
func (rq *request) passPatternOut() {
	if rq.in.Pattern == "" && rq.r.Pattern != "" {
		rq.in.Pattern = rq.r.Pattern
	}
}

// panicked handles a value recovered from the handler. Every path ends in a
// panic except RecoverWith500 on an unwritten response.
func (h *handler) panicked(rq *request, v any) {
	rq.passPatternOut()
	if isAbort(v) {
		panic(v)
	}
	if rq.reporting {
		rq.lateRoute()
		if id := rq.hub.Recover(v); id != "" && h.opts.FlushTimeout > 0 {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(rq.r.Context()), h.opts.FlushTimeout)
			_ = rq.hub.Client().Flush(ctx) // a late report is still delivered by the worker
			cancel()
		}
	}
	if !h.opts.RecoverWith500 {
		panic(v)
	}
	if rq.rw.written() {
		// Too late for a status: cut the response short rather than let
		// the client take half of it for all of it.
		panic(http.ErrAbortHandler)
	}
	http.Error(rq.rw.ResponseWriter, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// captureServerError reports a 5xx answer that did not come from a panic.
func (rq *request) captureServerError(status int) {
	msg := strconv.Itoa(status) + " " + http.StatusText(status) + ": " + rq.data.Method + " " + rq.data.Path
	rq.hub.CaptureEvent(&errsight.Event{
		Level:   errsight.LevelError,
		Message: msg,
		Tags:    map[string]string{TagStatusCode: strconv.Itoa(status)},
	})
}

// isAbort reports whether a panic value is net/http's "abort quietly".
func isAbort(v any) bool {
	if v == http.ErrAbortHandler {
		return true
	}
	err, ok := v.(error)
	return ok && errors.Is(err, http.ErrAbortHandler)
}
