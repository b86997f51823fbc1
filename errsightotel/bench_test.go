package errsightotel

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/transport"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// stuck is a transport that never answers until the client gives up: the
// queue fills and stays full, so the worker does no encoding work that the
// benchmark would count against the capturing goroutine, and every capture
// still runs the whole capture path (the drop comes after the hooks).
type stuck struct{}

func (stuck) Send(ctx context.Context, _ []byte) transport.Outcome {
	<-ctx.Done()
	return transport.Outcome{Kind: transport.Retry, Err: ctx.Err()}
}

// BenchmarkCaptureError measures the capturing goroutine's cost of
// errsight.CaptureError without the hook, with it outside a span (the case
// that must cost next to nothing), and inside a span.
func BenchmarkCaptureError(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	err := errors.New("boom")
	for _, bc := range []struct {
		name   string
		hooks  []errsight.ContextHook
		inSpan bool
	}{
		{"no hook", nil, false},
		{"hook, no span", []errsight.ContextHook{NewHook(Options{})}, false},
		{"hook, in span", []errsight.ContextHook{NewHook(Options{})}, true},
		{"hook, in span, RecordException", []errsight.ContextHook{NewHook(Options{RecordException: true})}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, cerr := errsight.NewClient(errsight.Options{
				APIKey: "elp_0123456789abcdef0123456789abcdef0123456789abcdef", Transport: stuck{},
				MaxQueueSize: 1, BatchSize: 1, ShutdownTimeout: time.Millisecond, Timeout: time.Millisecond,
				ContextHooks: bc.hooks,
			})
			if cerr != nil {
				b.Fatal(cerr)
			}
			defer func() { _ = c.Close() }()
			ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(c, nil))
			if bc.inSpan {
				ctx2, sp := tp.Tracer("bench").Start(ctx, "op")
				defer sp.End()
				ctx = ctx2
			}
			b.ReportAllocs()
			for b.Loop() {
				errsight.CaptureError(ctx, err)
			}
		})
	}
}

// BenchmarkFromContext is the hook's own cost on the capturing goroutine,
// outside a span and inside one.
func BenchmarkFromContext(b *testing.B) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	h := NewHook(Options{})
	info := errsight.CaptureInfo{ID: "id"}
	plain := errsight.ContextWithHub(context.Background(), errsight.NewHub(nil, nil))
	inSpan, span := tp.Tracer("bench").Start(plain, "op")
	defer span.End()
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"no span", plain}, {"in span", inSpan}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = h.FromContext(bc.ctx, info)
			}
		})
	}
}
