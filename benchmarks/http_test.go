package benchmarks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getsentry/sentry-go"
	sentryhttp "github.com/getsentry/sentry-go/http"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
	"github.com/errsight/errsight-go/errsighthttp"
)

// nopWriter is a ResponseWriter that discards, reused across requests.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// okHandler is the application: it answers a short body.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, _ = io.WriteString(w, "ok")
})

// BenchmarkHTTPMiddleware is one request through the SDK's net/http
// middleware around a handler that writes "ok": errsighthttp.Middleware
// with the zero Options against sentryhttp.New with the zero Options. Both
// fork the global hub per request (its client bound, its scope populated)
// and attach the request's data; sdk=none is the bare handler.
func BenchmarkHTTPMiddleware(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "http://shop.example/cart/42?ref=mail", nil)
	req.Header.Set("User-Agent", "bench/1.0")
	req.Header.Set("Accept", "text/html")
	serve := func(b *testing.B, h http.Handler) {
		w := &nopWriter{h: http.Header{}}
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.ServeHTTP(w, req)
			clear(w.h)
		}
		stop()
	}
	b.Run("sdk=none", func(b *testing.B) { serve(b, okHandler) })
	sdkRun(b, func(b *testing.B) {
		hub := errsight.CurrentHub()
		hub.BindClient(errsightClient(b, trDiscard, errsight.Options{}))
		fixture.PopulateErrsight(hub.Scope())
		b.Cleanup(func() {
			hub.BindClient(nil)
			hub.Scope().Clear()
		})
		serve(b, errsighthttp.Middleware(errsighthttp.Options{})(okHandler))
	}, func(b *testing.B) {
		hub := sentry.CurrentHub()
		hub.BindClient(sentryClient(b, trDiscard, sentry.ClientOptions{}))
		fixture.PopulateSentry(hub)
		b.Cleanup(func() {
			hub.BindClient(nil)
			hub.Scope().Clear()
		})
		serve(b, sentryhttp.New(sentryhttp.Options{}).Handle(okHandler))
	})
}
