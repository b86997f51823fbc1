package benchmarks

import (
	"context"
	"testing"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
)

var sinkCtx context.Context

// BenchmarkFork is the per-request fork of a populated hub carried in a
// context: errsight.WithScope(ctx) against sentry-go's
// SetHubOnContext(ctx, GetHubFromContext(ctx).Clone()).
func BenchmarkFork(b *testing.B) {
	sdkRun(b, func(b *testing.B) {
		ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sinkCtx = errsight.WithScope(ctx)
		}
		stop()
	}, func(b *testing.B) {
		ctx := sentry.SetHubOnContext(background, sentryHub(sentryClient(b, trDiscard, sentry.ClientOptions{})))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sinkCtx = sentry.SetHubOnContext(ctx, sentry.GetHubFromContext(ctx).Clone())
		}
		stop()
	})
}

// BenchmarkForkAndTag is the fork followed by what a request then does to
// its scope: one more tag (errsight copies the shared tag map on this first
// write; sentry-go copied everything at the fork).
func BenchmarkForkAndTag(b *testing.B) {
	sdkRun(b, func(b *testing.B) {
		ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sinkCtx = errsightForkAndTag(ctx)
		}
		stop()
	}, func(b *testing.B) {
		ctx := sentry.SetHubOnContext(background, sentryHub(sentryClient(b, trDiscard, sentry.ClientOptions{})))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sinkCtx = sentryForkAndTag(ctx)
		}
		stop()
	})
}

// errsightForkAndTag forks the hub in ctx for a request and sets one tag.
func errsightForkAndTag(ctx context.Context) context.Context {
	rctx := errsight.WithScope(ctx)
	errsight.ConfigureScope(rctx, func(s *errsight.Scope) { s.SetTag("route", "/cart") })
	return rctx
}

// sentryForkAndTag is errsightForkAndTag for sentry-go.
func sentryForkAndTag(ctx context.Context) context.Context {
	h := sentry.GetHubFromContext(ctx).Clone()
	h.ConfigureScope(func(s *sentry.Scope) { s.SetTag("route", "/cart") })
	return sentry.SetHubOnContext(ctx, h)
}
