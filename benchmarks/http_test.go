package benchmarks

import (
	"io"
	"net/http"
	"testing"

	sentryhttp "github.com/getsentry/sentry-go/http"

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
	b.Run("sdk=none", func(b *testing.B) { serveRouter(b, okHandler) })
	sdkRun(b, func(b *testing.B) {
		bindErrsight(b)
		serveRouter(b, errsighthttp.Middleware(errsighthttp.Options{})(okHandler))
	}, func(b *testing.B) {
		bindSentry(b)
		serveRouter(b, sentryhttp.New(sentryhttp.Options{}).Handle(okHandler))
	})
}
