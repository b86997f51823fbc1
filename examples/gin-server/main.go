// Command gin-server is a small gin service that reports to ErrSight with
// errsightgin: a hub per request, the route template on every event, a user
// set per request through the *gin.Context, an error added with
// c.AbortWithError that gin answers 502 with, and a route that panics under
// gin.Recovery.
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
	"github.com/errsight/errsight-go/errsightgin"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"github.com/gin-gonic/gin"
)

func main() { exampleapp.Main(service()) }

func service() exampleapp.Service {
	return exampleapp.Service{Name: "gin-server", Handler: newRouter(), CheckoutRoute: "GET /checkout/:order", PanicRoute: "GET /panic"}
}

func newRouter() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Recovery outside errsightgin: errsightgin reports a panic, then
	// re-panics, and Recovery answers 500 as it always does.
	r.Use(gin.Recovery())
	r.Use(errsightgin.New(errsightgin.Options{}))

	r.GET("/checkout/:order", checkout)
	r.GET("/panic", func(c *gin.Context) {
		identify(c)
		parts := strings.Split(c.Request.URL.Path, "/")
		c.String(http.StatusOK, "section "+parts[2]) // index out of range
	})
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })
	return r
}

func checkout(c *gin.Context) {
	identify(c)
	order := c.Param("order")
	// A breadcrumb on this request's hub, through the *gin.Context itself.
	errsight.AddBreadcrumb(c, errsight.Breadcrumb{Category: "checkout", Message: "checkout started for order " + order})
	if order == "13" {
		// Added, not captured: errsightgin reports it once the handlers
		// have run, since gin answers 502.
		_ = c.AbortWithError(http.StatusBadGateway, fmt.Errorf("reserve stock for order %s: %w", order, exampleapp.ErrStockUnavailable))
		return
	}
	c.String(http.StatusOK, "order %s confirmed\n", order)
}

// identify sets the request's user on its scope. Real code would take it
// from a session; the example trusts an X-User header. The user stays with
// this request, whatever else runs at the same time.
func identify(c *gin.Context) {
	if user := c.GetHeader("X-User"); user != "" {
		errsight.ConfigureScope(c, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: user, Username: user})
		})
	}
}
