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
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	selftest := flag.Bool("selftest", false, "send a few requests to the server, print what ErrSight received, and exit")
	flag.Parse()
	if err := run(*addr, *selftest); err != nil {
		fmt.Fprintln(os.Stderr, "fiber-server:", err)
		os.Exit(1)
	}
}

func run(addr string, selftest bool) error {
	opts := errsight.Options{Release: "fiber-server@1.0.0", Environment: "development"}
	var fake *errsighttest.Server
	if os.Getenv(errsight.EnvAPIKey) == "" {
		fake = errsighttest.NewServer()
		defer fake.Close()
		opts.Host, opts.APIKey = fake.URL, fake.APIKey()
		fmt.Println("ERRSIGHT_API_KEY is not set: reporting to an in-process errsighttest server at", fake.URL)
	}
	client, err := errsight.Init(opts)
	if err != nil {
		return err
	}
	defer client.Close() // delivers what is still queued

	app := newApp()
	if selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()

	if selftest {
		err := runSelftest("http://"+ln.Addr().String(), client, fake)
		return errors.Join(err, app.Shutdown(), <-served)
	}
	fmt.Println("listening on", ln.Addr(), "(Ctrl-C to stop)")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	return errors.Join(app.Shutdown(), <-served)
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

// errStockUnavailable is what the stock check fails with for order 13.
var errStockUnavailable = errors.New("stock service unavailable")

func checkout(c *fiber.Ctx) error {
	identify(c)
	order := strings.Clone(c.Params("order")) // fiber's strings are reused after the request
	// A breadcrumb on this request's hub, through fasthttp's context.
	errsight.AddBreadcrumb(c.Context(), errsight.Breadcrumb{Category: "checkout", Message: "checkout started for order " + order})
	if order == "13" {
		// Returned, not captured: errsightfiber reports it once, with its
		// causes, as fiber answers it with the *fiber.Error's 502.
		return fmt.Errorf("reserve stock for order %s: %w: %w", order, fiber.ErrBadGateway, errStockUnavailable)
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
