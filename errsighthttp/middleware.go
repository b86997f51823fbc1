package errsighthttp

import (
	"net/http"
	"slices"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/safe"
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
	opts.SensitiveNames = slices.Clone(opts.SensitiveNames)
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
	Request
	in *http.Request   // the request as received
	r  *http.Request   // the request passed down; ServeMux sets its Pattern
	rw *responseWriter // nil unless a status must be observed
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq := request{Request: StartRequest(r, &h.opts), in: r}
	rq.r = r.WithContext(errsight.ContextWithHub(r.Context(), rq.Hub))
	if rq.reporting {
		h.route(&rq)
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
	h.lateRoute(&rq)
	if h.opts.CaptureServerErrors && rq.reporting && rq.rw.status >= 500 {
		rq.ReportStatus(rq.rw.status)
	}
}

// route records the route before the handler runs, when it can be known:
// from Options.Route, or from a ServeMux directly inside.
func (h *handler) route(rq *request) {
	switch {
	case h.opts.Route != nil:
		rq.SetRoute(h.opts.Route(rq.r))
	case rq.Data.Route == "" && h.mux != nil:
		_, pattern := h.mux.Handler(rq.r)
		rq.SetRoute(pattern)
	}
}

// lateRoute records the route once the handler has returned or panicked,
// when routers have finished routing.
func (h *handler) lateRoute(rq *request) {
	if !rq.reporting {
		return
	}
	if h.opts.Route != nil {
		if rq.Data.Route == "" {
			rq.SetRoute(h.opts.Route(rq.r))
		}
		return
	}
	// A ServeMux further in sets Pattern on the request it was given,
	// which is ours when the layers between pass it on unchanged.
	rq.SetRoute(rq.r.Pattern)
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
	if safe.IsAbortHandler(v) {
		panic(v)
	}
	h.lateRoute(rq)
	rq.ReportPanic(v)
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
