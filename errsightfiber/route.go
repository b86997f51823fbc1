package errsightfiber

import (
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
}

// router finds the route of a request. It is safe for concurrent use.
type router struct {
	cur atomic.Pointer[shadow]
	mu  sync.Mutex // serialises rebuilds
}

// route returns the path template of the route that will answer c's
// request (e.g. "/orders/:id"), or "" when none matches.
func (r *router) route(c *fiber.Ctx) string {
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
	rt, _ := fctx.UserValue(routeKey{}).(*fiber.Route)
	if rt == nil {
		return ""
	}
	fctx.SetUserValue(routeKey{}, nil)
	return rt.Path
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
	s := &shadow{app: app, count: app.HandlersCount(), handler: sh.Handler()}
	r.cur.Store(s)
	return s
}

// recordRoute is the handler of every shadow route.
func recordRoute(c *fiber.Ctx) error {
	c.Context().SetUserValue(routeKey{}, c.Route())
	return nil
}
