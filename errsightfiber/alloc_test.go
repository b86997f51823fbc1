//go:build !race

package errsightfiber_test

import (
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/stretchr/testify/assert"
)

// TestRequestAllocations guards the per-request cost of the middleware
// (the race detector changes sync.Pool, hence the build tag). Enabled, 14:
// the hub (one allocation with its scope), its context, the state record,
// the scope's own tag and metadata maps, and the request data (the URL,
// which the path shares, the query and header values copied out of
// fasthttp's buffers, the headers map, the metadata value); the route and
// method strings are built once per app. Disabled, 2: the hub and its
// context.
func TestRequestAllocations(t *testing.T) {
	tests := []struct {
		name string
		hub  *errsight.Hub
		max  float64
	}{
		{"enabled", errsight.NewHub(newSink(t).Client, nil), 14},
		{"disabled", errsight.NewHub(nil, nil), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newApp := func(mw ...fiber.Handler) *fiber.App {
				app := fiber.New()
				app.Use(func(c *fiber.Ctx) error {
					c.SetUserContext(errsight.ContextWithHub(c.UserContext(), tt.hub))
					return c.Next()
				})
				for _, h := range mw {
					app.Use(h)
				}
				app.Get("/cart/:id", func(c *fiber.Ctx) error { return c.SendString("ok") })
				return app
			}
			bare := allocsPerRequest(newApp())
			with := allocsPerRequest(newApp(errsightfiber.New(errsightfiber.Options{})))
			t.Logf("%.0f allocations per request, %.0f without the middleware", with, bare)
			assert.LessOrEqual(t, with-bare, tt.max, "allocations per request the middleware costs")
		})
	}
}

// allocsPerRequest serves GET /cart/42 through app without a network.
func allocsPerRequest(app *fiber.App) float64 {
	h := app.Handler()
	var fctx fasthttp.RequestCtx
	fctx.Request.SetRequestURI("http://shop.example/cart/42?ref=mail")
	fctx.Request.Header.SetMethod(fasthttp.MethodGet)
	fctx.Request.Header.Set("User-Agent", "bench/1.0")
	return testing.AllocsPerRun(200, func() {
		h(&fctx)
		fctx.Response.Reset()
		fctx.ResetUserValues()
	})
}
