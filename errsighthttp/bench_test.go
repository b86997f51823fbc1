package errsighthttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
)

// nopWriter is a ResponseWriter that costs nothing, so that the benchmarks
// measure the middleware rather than httptest.ResponseRecorder.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkMiddleware measures the per-request overhead of the middleware
// against the bare handler: run with -benchmem and compare to "bare".
func BenchmarkMiddleware(b *testing.B) {
	s := newSink(b)
	enabled := errsight.ContextWithHub(context.Background(), s.hub)
	disabled := errsight.ContextWithHub(context.Background(), errsight.NewHub(nil, nil))
	noop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", noop)

	newReq := func(ctx context.Context) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/orders/42?page=2&token=abc", nil)
		r.Header.Set("User-Agent", "bench")
		r.Header.Set("Authorization", "Bearer x")
		return r.WithContext(ctx)
	}
	tests := []struct {
		name    string
		handler http.Handler
		ctx     context.Context
	}{
		{"bare", noop, enabled},
		{"bare mux", mux, enabled},
		{"disabled client", errsighthttp.Middleware(errsighthttp.Options{})(noop), disabled},
		{"enabled", errsighthttp.Middleware(errsighthttp.Options{})(noop), enabled},
		{"enabled around mux", errsighthttp.Middleware(errsighthttp.Options{})(mux), enabled},
		{"enabled all options", errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true, CaptureServerErrors: true, SendClientIP: true})(noop), enabled},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			r := newReq(tt.ctx)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				tt.handler.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkTransport measures a round trip's breadcrumb against the bare
// round tripper.
func BenchmarkTransport(b *testing.B) {
	s := newSink(b)
	ctx := errsight.ContextWithHub(context.Background(), s.hub)
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example/v1/stock?sku=1", nil)
	for _, tt := range []struct {
		name string
		rt   http.RoundTripper
	}{{"bare", base}, {"NewTransport", errsighthttp.NewTransport(base)}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = tt.rt.RoundTrip(req)
			}
		})
	}
}
