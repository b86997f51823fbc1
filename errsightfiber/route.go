package errsightfiber

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Why a second router: fiber sets c.Route() as it walks its stack, so a
// middleware installed with app.Use sees its own route ("/"), and the
// route that will answer ("/orders/:id") is known only once c.Next() has
// reached it, too late for the events captured inside the handler. fiber
// v2 has no public way to ask which route matches a request. So the
// middleware builds, once per app, a shadow fiber.App with the same routes
// (middleware routes left out) and the same matching options, each route
// answering with a stub that only records itself, and runs the request
// through it: fiber's own matcher, so parameters, optional segments,
// wildcards and constraints match exactly as in the real app.

// routeKey is the user value under which the shadow's stub records the
// route that matched.
type routeKey struct{}

// shadow is the routing of one app, as of one HandlersCount.
type shadow struct {
	app     *fiber.App
	count   uint32
	handler fasthttp.RequestHandler
	// names holds each shadow route's tag, "GET /orders/:id", built once
	// rather than per request.
	names map[*fiber.Route]string
	// methods are the app's request methods: a request's method is
	// reported as one of these strings, which outlive the request, rather
	// than as a copy.
	methods []string
}

// router finds the route of a request. It is safe for concurrent use.
type router struct {
	cur atomic.Pointer[shadow]
	mu  sync.Mutex // serialises rebuilds
}

// route returns the method and path template of the route that will
// answer c's request ("GET /orders/:id"), "" when none matches, and the
// request's method as a string that outlives the request.
func (r *router) route(c *fiber.Ctx) (route, method string) {
	app := c.App()
	s := r.cur.Load()
	if s == nil || s.app != app || s.count != app.HandlersCount() {
		s = r.rebuild(app)
	}
	fctx := c.Context()
	// The shadow reads the method and path of the real request, and writes
	// nothing to its response: the stubs write nothing and its error
	// handler (a 404, a 405) does nothing.
	s.handler(fctx)
	if rt, _ := fctx.UserValue(routeKey{}).(*fiber.Route); rt != nil {
		route = s.names[rt]
		fctx.SetUserValue(routeKey{}, nil)
	}
	return route, s.method(c.Method())
}

// method returns m as one of the app's method strings, or a copy.
func (s *shadow) method(m string) string {
	for _, known := range s.methods {
		if m == known {
			return known
		}
	}
	return strings.Clone(m)
}

// rebuild builds the shadow of app. Routes are normally all registered
// before the first request, so this runs once; an app that registers
// routes later gets a new shadow on its next request.
func (r *router) rebuild(app *fiber.App) *shadow {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.cur.Load(); s != nil && s.app == app && s.count == app.HandlersCount() {
		return s
	}
	cfg := app.Config()
	sh := fiber.New(fiber.Config{
		CaseSensitive:         cfg.CaseSensitive,
		StrictRouting:         cfg.StrictRouting,
		UnescapePath:          cfg.UnescapePath,
		RequestMethods:        cfg.RequestMethods,
		DisableStartupMessage: true,
		ErrorHandler:          func(*fiber.Ctx, error) error { return nil },
	})
	for _, rt := range app.GetRoutes(true) {
		sh.Add(rt.Method, rt.Path, recordRoute)
	}
	s := &shadow{
		app:     app,
		count:   app.HandlersCount(),
		handler: sh.Handler(), // builds the routing tree
		names:   make(map[*fiber.Route]string),
		methods: cfg.RequestMethods,
	}
	if len(s.methods) == 0 {
		s.methods = fiber.DefaultMethods
	}
	for _, routes := range sh.Stack() {
		for _, rt := range routes {
			// The method too, as errsighthttp, errsightchi and
			// errsightgin report routes: "GET /orders/:id" and
			// "DELETE /orders/:id" are different endpoints.
			s.names[rt] = rt.Method + " " + rt.Path
		}
	}
	r.cur.Store(s)
	return s
}

// recordRoute is the handler of every shadow route.
func recordRoute(c *fiber.Ctx) error {
	c.Context().SetUserValue(routeKey{}, c.Route())
	return nil
}
