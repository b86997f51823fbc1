// Command fiber-server is a small fiber (v2) service that reports to
// ErrSight with errsightfiber: a hub per request, the route template on
// every event, a user set per request, a handler error fiber answers 502
// with, and a route that panics under fiber's recover middleware.
//
//	go run .              # serve on localhost:8080 until Ctrl-C
//	go run . -selftest    # send a few requests to itself, print what ErrSight received, exit
//
// Without ERRSIGHT_API_KEY it reports to an in-process errsighttest server,
// so it runs on a fresh machine with no account. Try, while it serves:
//
//	curl -H 'X-User: alice' localhost:8080/checkout/7    # fine: no event
//	curl -H 'X-User: bob' localhost:8080/checkout/13     # a 502 and an error event
//	curl localhost:8080/panic                            # a 500 and a fatal event
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

func main() { exampleapp.Main(service()) }

func service() exampleapp.Service {
	return exampleapp.Service{Name: "fiber-server", Serve: serve, CheckoutRoute: "GET /checkout/:order", PanicRoute: "GET /panic"}
}

// serve runs the app on fiber's own server (fasthttp), not net/http.
func serve(ln net.Listener) func(context.Context) error {
	app := newApp()
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	return func(ctx context.Context) error {
		return errors.Join(app.ShutdownWithContext(ctx), <-served)
	}
}

func newApp() *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	// recover outside errsightfiber: errsightfiber reports a panic, then
	// re-panics, and recover answers 500 as it always does.
	app.Use(recover.New())
	app.Use(errsightfiber.New(errsightfiber.Options{}))

	app.Get("/checkout/:order", checkout)
	app.Get("/panic", func(c *fiber.Ctx) error {
		identify(c)
		parts := strings.Split(c.Path(), "/")
		return c.SendString("section " + parts[2]) // index out of range
	})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok\n") })
	return app
}

func checkout(c *fiber.Ctx) error {
	identify(c)
	order := strings.Clone(c.Params("order")) // fiber's strings are reused after the request
	// A breadcrumb on this request's hub, through fasthttp's context.
	errsight.AddBreadcrumb(c.Context(), errsight.Breadcrumb{Category: "checkout", Message: "checkout started for order " + order})
	if order == "13" {
		// Returned, not captured: errsightfiber reports it once, with its
		// causes, as fiber answers it with the *fiber.Error's 502.
		return fmt.Errorf("reserve stock for order %s: %w: %w", order, fiber.ErrBadGateway, exampleapp.ErrStockUnavailable)
	}
	return c.SendString("order " + order + " confirmed\n")
}

// identify sets the request's user on its scope. Real code would take it
// from a session; the example trusts an X-User header. The user stays with
// this request, whatever else runs at the same time.
func identify(c *fiber.Ctx) {
	user := strings.Clone(c.Get("X-User"))
	if user == "" {
		return
	}
	errsight.ConfigureScope(c.UserContext(), func(s *errsight.Scope) {
		s.SetUser(errsight.User{ID: user, Username: user})
		s.SetTag("plan", "pro")
	})
}
