package benchmarks

import (
	"testing"

	sentryfiber "github.com/getsentry/sentry-go/fiber"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/errsight/errsight-go/errsightfiber"
)

// BenchmarkFiberMiddleware is one request through the SDK's fiber
// middleware (installed with app.Use) to a route with a parameter whose
// handler answers "ok": errsightfiber.New against sentryfiber.New, both with
// the zero Options. Both fork the global hub per request (its client bound,
// its scope populated) and attach the request's data; errsight also finds
// the route template before the handler runs. sdk=none is the bare app.
// The request is served by app.Handler() on a reused fasthttp.RequestCtx,
// without a network.
func BenchmarkFiberMiddleware(b *testing.B) {
	serve := func(b *testing.B, mw fiber.Handler) {
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		if mw != nil {
			app.Use(mw)
		}
		app.Get("/cart/:id", func(c *fiber.Ctx) error { return c.SendString("ok") })
		h := app.Handler()
		var fctx fasthttp.RequestCtx
		fctx.Request.SetRequestURI("http://shop.example/cart/42?ref=mail")
		fctx.Request.Header.SetMethod(fasthttp.MethodGet)
		fctx.Request.Header.Set("User-Agent", "bench/1.0")
		fctx.Request.Header.Set("Accept", "text/html")
		h(&fctx)
		if fctx.Response.StatusCode() != fiber.StatusOK {
			b.Fatalf("status %d", fctx.Response.StatusCode())
		}
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h(&fctx)
			fctx.Response.Reset()
			fctx.ResetUserValues()
		}
		stop()
	}
	b.Run("sdk=none", func(b *testing.B) { serve(b, nil) })
	sdkRun(b, func(b *testing.B) {
		bindErrsight(b)
		serve(b, errsightfiber.New(errsightfiber.Options{}))
	}, func(b *testing.B) {
		bindSentry(b)
		serve(b, sentryfiber.New(sentryfiber.Options{}))
	})
}
