// Command echo-server is a small echo (v4) service that reports to ErrSight
// with errsightecho: a hub per request, the route template on every event,
// a user set per request through the request's context, a returned error
// that echo answers 502 with, and a route that panics under echo's Recover.
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
	"fmt"
	"net/http"
	"strings"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightecho"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func main() { exampleapp.Main(service()) }

func service() exampleapp.Service {
	return exampleapp.Service{Name: "echo-server", Handler: newEcho(), CheckoutRoute: "GET /checkout/:order", PanicRoute: "GET /panic"}
}

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Recover outside errsightecho: errsightecho reports a panic, then
	// re-panics, and Recover answers 500 as it always does.
	e.Use(middleware.Recover())
	e.Use(errsightecho.New(errsightecho.Options{}))

	e.GET("/checkout/:order", checkout)
	e.GET("/panic", func(c echo.Context) error {
		identify(c)
		parts := strings.Split(c.Request().URL.Path, "/")
		return c.String(http.StatusOK, "section "+parts[2]) // index out of range
	})
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	return e
}

func checkout(c echo.Context) error {
	identify(c)
	ctx := c.Request().Context() // carries this request's own hub
	order := c.Param("order")
	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "checkout", Message: "checkout started for order " + order})
	if order == "13" {
		// Returned, not captured: errsightecho reports it once, with its
		// causes, as echo answers it with 502.
		err := fmt.Errorf("reserve stock for order %s: %w", order, exampleapp.ErrStockUnavailable)
		return echo.NewHTTPError(http.StatusBadGateway, "stock service unavailable").WithInternal(err)
	}
	return c.String(http.StatusOK, "order "+order+" confirmed\n")
}

// identify sets the request's user on its scope. Real code would take it
// from a session; the example trusts an X-User header. The user stays with
// this request, whatever else runs at the same time.
func identify(c echo.Context) {
	if user := c.Request().Header.Get("X-User"); user != "" {
		errsight.ConfigureScope(c.Request().Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: user, Username: user})
		})
	}
}
