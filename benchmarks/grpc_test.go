package benchmarks

import (
	"context"
	"testing"

	"github.com/getsentry/sentry-go"
	"google.golang.org/grpc"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
)

// BenchmarkGRPCUnaryServer is one unary call through the SDK's server
// interceptor to a handler that returns at once, calling the interceptor
// directly (no network, no codec: only what the interceptor adds).
//
// sentry-go v0.46.2 has no gRPC integration (no module
// github.com/getsentry/sentry-go/grpc at that version), so sdk=sentry is
// the interceptor a sentry-go user writes by hand, the shape of its
// net/http middleware: clone the current hub, put it in ctx, recover
// panics with hub.RecoverWithContext. sdk=none is a pass-through
// interceptor: the bare chain. errsight also attaches the call's data and
// route tag, which the hand-written one does not.
func BenchmarkGRPCUnaryServer(b *testing.B) {
	info := &grpc.UnaryServerInfo{FullMethod: "/shop.Cart/Get"}
	handler := func(context.Context, any) (any, error) { return "ok", nil }
	serve := func(b *testing.B, ic grpc.UnaryServerInterceptor) {
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			if _, err := ic(background, nil, info, handler); err != nil {
				b.Fatal(err)
			}
		}
		stop()
	}
	b.Run("sdk=none", func(b *testing.B) {
		serve(b, func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(ctx, req)
		})
	})
	sdkRun(b, func(b *testing.B) {
		bindErrsight(b)
		serve(b, errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{}))
	}, func(b *testing.B) {
		bindSentry(b)
		serve(b, sentryUnaryServer)
	})
}

// sentryUnaryServer is the hand-written sentry-go interceptor of
// BenchmarkGRPCUnaryServer.
func sentryUnaryServer(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	hub := sentry.GetHubFromContext(ctx)
	if hub == nil {
		hub = sentry.CurrentHub().Clone()
		ctx = sentry.SetHubOnContext(ctx, hub)
	}
	defer func() {
		if v := recover(); v != nil {
			hub.RecoverWithContext(ctx, v)
			panic(v)
		}
	}()
	return h(ctx, req)
}

// BenchmarkGRPCUnaryClient is one outbound unary call through the SDK's
// client interceptor, with an invoker that returns at once: the breadcrumb
// errsight adds to the caller's hub. sentry-go has no gRPC integration to
// compare with (see BenchmarkGRPCUnaryServer); sdk=none is a pass-through.
func BenchmarkGRPCUnaryClient(b *testing.B) {
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	call := func(b *testing.B, ctx context.Context, ic grpc.UnaryClientInterceptor) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ic(ctx, "/shop.Stock/Reserve", nil, nil, nil, invoker); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sdk=none", func(b *testing.B) {
		call(b, background, func(ctx context.Context, m string, req, reply any, cc *grpc.ClientConn, inv grpc.UnaryInvoker, o ...grpc.CallOption) error {
			return inv(ctx, m, req, reply, cc, o...)
		})
	})
	b.Run("sdk=errsight", func(b *testing.B) {
		hub := errsightHub(errsightClient(b, trDiscard, errsight.Options{}))
		call(b, errsight.ContextWithHub(background, hub), errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{}))
	})
}
