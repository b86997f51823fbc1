// Package errsightchi reports what happens in services routed by chi
// (github.com/go-chi/chi/v5) to ErrSight: a hub per request, request data
// and the route template on every event, panics reported once.
//
// Install it as chi middleware, before the routes:
//
//	r := chi.NewRouter()
//	r.Use(errsightchi.New(errsightchi.Options{}))
//	r.Get("/orders/{id}", getOrder)
//
// It is errsighthttp's middleware (see its documentation for the request
// data, the scrubbing of secrets and the handling of panics) with chi's
// route: every event captured while a request is served, inside handlers
// too, carries the tag "route" with the method and chi's route template,
// such as "GET /orders/{id}" or "GET /api/v1/orders/{id}" for a mounted
// router, never the path with its ids.
//
// Inside a handler, r.Context() carries the request's own hub:
//
//	func getOrder(w http.ResponseWriter, r *http.Request) {
//		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
//			s.SetUser(errsight.User{ID: userID(r)}) // this request's events only
//		})
//		if err := load(r.Context(), chi.URLParam(r, "id")); err != nil {
//			errsight.CaptureError(r.Context(), err)
//		}
//	}
//
// A panic is reported as a fatal event, then re-panicked: chi's
// middleware.Recoverer (installed before errsightchi) or net/http handles it
// as it would without errsight. Options.RecoverWith500 answers 500 instead.
package errsightchi

import (
	"net/http"
	"sync"

	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/go-chi/chi/v5"
)

// Options configures [New]. It is errsighthttp's: the zero Options is a
// working default (a hub per request, request data, panics reported then
// re-panicked, no client IP). Options.Route is set by New and need not be.
type Options = errsighthttp.Options

// New returns chi middleware (it also works around a chi router from the
// outside: New(opts)(router)) that gives every request its own hub, attaches
// the request's data and chi's route template, and reports panics. The
// middleware is safe for concurrent use. It panics if applied to a nil
// handler.
func New(opts Options) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		o := opts
		// Around a router from the outside, no routing context exists yet
		// when the middleware runs: ask that router.
		outer, _ := next.(chi.Routes)
		o.Route = func(r *http.Request) string { return route(r, outer) }
		return errsighthttp.Middleware(o)(next)
	}
}

// route returns "METHOD pattern" for r, "" when no route matches. It asks
// the router that routes r, with a routing context of its own: chi builds
// the pattern of the request's own context as routing proceeds, so that it
// is incomplete until the handler runs. When that finds nothing and routing
// is over (errsighthttp asks again once the handler returns), the pattern
// chi recorded is the answer.
func route(r *http.Request, outer chi.Routes) string {
	rctx := chi.RouteContext(r.Context())
	routes := outer
	if rctx != nil && rctx.Routes != nil {
		routes = rctx.Routes
	}
	var pattern string
	if routes != nil {
		pattern = find(routes, r)
	}
	if pattern == "" && rctx != nil {
		pattern = rctx.RoutePattern()
	}
	if pattern == "" {
		return ""
	}
	return r.Method + " " + pattern
}

// routeContexts recycles the routing contexts of find, as chi recycles its
// own: one per request would be most of the middleware's allocations.
var routeContexts = sync.Pool{New: func() any { return chi.NewRouteContext() }}

// find looks the request up in the routing tree, with a routing context of
// its own: Find changes the one it is given.
func find(routes chi.Routes, r *http.Request) string {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	if path == "" {
		path = "/"
	}
	rctx := routeContexts.Get().(*chi.Context)
	rctx.Reset()
	pattern := routes.Find(rctx, r.Method, path)
	routeContexts.Put(rctx)
	return pattern
}
