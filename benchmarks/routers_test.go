package benchmarks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getsentry/sentry-go"
	sentryecho "github.com/getsentry/sentry-go/echo"
	sentrygin "github.com/getsentry/sentry-go/gin"
	sentryhttp "github.com/getsentry/sentry-go/http"
	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
	"github.com/errsight/errsight-go/errsightchi"
	"github.com/errsight/errsight-go/errsightecho"
	"github.com/errsight/errsight-go/errsightgin"
)

// The per-request overhead of the integrations for routers built on
// net/http: one GET /cart/42?ref=mail through the router, with the SDK's
// middleware installed with Use, to a route with a parameter whose handler
// answers "ok". Both SDKs fork the global hub per request (its client
// bound, its scope populated) and attach the request's data; errsight also
// tags the route template. sdk=none is the bare router. sentry-go has no
// chi integration: its net/http middleware (sentryhttp) is what chi users
// install.

// serveRouter runs h on one reused request and a discarding writer.
func serveRouter(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodGet, "http://shop.example/cart/42?ref=mail", nil)
	req.Header.Set("User-Agent", "bench/1.0")
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		h.ServeHTTP(w, req)
		clear(w.h)
	}
	stop()
}

// routerSDKs runs build with no middleware, errsight's, and sentry's, each
// SDK with its global hub bound and populated.
func routerSDKs[M any](b *testing.B, build func(mw *M) http.Handler, errsightMW, sentryMW func() M) {
	b.Run("sdk=none", func(b *testing.B) { serveRouter(b, build(nil)) })
	sdkRun(b, func(b *testing.B) {
		bindErrsight(b)
		mw := errsightMW()
		serveRouter(b, build(&mw))
	}, func(b *testing.B) {
		bindSentry(b)
		mw := sentryMW()
		serveRouter(b, build(&mw))
	})
}

// bindErrsight binds an errsight client to the global hub and populates its
// scope, until the benchmark ends.
func bindErrsight(b *testing.B) {
	hub := errsight.CurrentHub()
	hub.BindClient(errsightClient(b, trDiscard, errsight.Options{}))
	fixture.PopulateErrsight(hub.Scope())
	b.Cleanup(func() {
		hub.BindClient(nil)
		hub.Scope().Clear()
	})
}

// bindSentry does the same for sentry-go.
func bindSentry(b *testing.B) {
	hub := sentry.CurrentHub()
	hub.BindClient(sentryClient(b, trDiscard, sentry.ClientOptions{}))
	fixture.PopulateSentry(hub)
	b.Cleanup(func() {
		hub.BindClient(nil)
		hub.Scope().Clear()
	})
}

// BenchmarkGinMiddleware: errsightgin.New against sentrygin.New, both
// with the zero Options.
func BenchmarkGinMiddleware(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	routerSDKs(b, func(mw *gin.HandlerFunc) http.Handler {
		r := gin.New()
		if mw != nil {
			r.Use(*mw)
		}
		r.GET("/cart/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
		return r
	}, func() gin.HandlerFunc { return errsightgin.New(errsightgin.Options{}) },
		func() gin.HandlerFunc { return sentrygin.New(sentrygin.Options{}) })
}

// BenchmarkEchoMiddleware: errsightecho.New (echo v4) against
// sentryecho.New, both with the zero Options. sentry-go v0.46.2's echo
// integration is for echo v5 only, so sdk=sentry runs on echo v5 (v5.0.3,
// the version it requires) while sdk=none and sdk=errsight run on echo v4;
// BenchmarkEchoV5Bare is sdk=none for echo v5, to subtract from sdk=sentry.
func BenchmarkEchoMiddleware(b *testing.B) {
	b.Run("sdk=none", func(b *testing.B) { serveRouter(b, echoV4(nil)) })
	sdkRun(b, func(b *testing.B) {
		bindErrsight(b)
		serveRouter(b, echoV4(errsightecho.New(errsightecho.Options{})))
	}, func(b *testing.B) {
		bindSentry(b)
		serveRouter(b, echoV5(sentryecho.New(sentryecho.Options{})))
	})
}

// BenchmarkEchoV5Bare is the echo v5 router of BenchmarkEchoMiddleware's
// sdk=sentry without middleware.
func BenchmarkEchoV5Bare(b *testing.B) { serveRouter(b, echoV5(nil)) }

func echoV4(mw echo.MiddlewareFunc) http.Handler {
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	if mw != nil {
		e.Use(mw)
	}
	e.GET("/cart/:id", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	return e
}

func echoV5(mw echov5.MiddlewareFunc) http.Handler {
	e := echov5.New()
	if mw != nil {
		e.Use(mw)
	}
	e.GET("/cart/:id", func(c *echov5.Context) error { return c.String(http.StatusOK, "ok") })
	return e
}

// BenchmarkChiMiddleware: errsightchi.New against sentryhttp's middleware,
// both with the zero Options.
func BenchmarkChiMiddleware(b *testing.B) {
	routerSDKs(b, func(mw *func(http.Handler) http.Handler) http.Handler {
		r := chi.NewRouter()
		if mw != nil {
			r.Use(*mw)
		}
		r.Get("/cart/{id}", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
		return r
	}, func() func(http.Handler) http.Handler { return errsightchi.New(errsightchi.Options{}) },
		func() func(http.Handler) http.Handler { return sentryhttp.New(sentryhttp.Options{}).Handle })
}
