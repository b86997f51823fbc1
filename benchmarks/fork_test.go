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
			rctx := errsight.WithScope(ctx)
			errsight.ConfigureScope(rctx, func(s *errsight.Scope) { s.SetTag("route", "/cart") })
			sinkCtx = rctx
		}
		stop()
	}, func(b *testing.B) {
		ctx := sentry.SetHubOnContext(background, sentryHub(sentryClient(b, trDiscard, sentry.ClientOptions{})))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h := sentry.GetHubFromContext(ctx).Clone()
			h.ConfigureScope(func(s *sentry.Scope) { s.SetTag("route", "/cart") })
			sinkCtx = sentry.SetHubOnContext(ctx, h)
		}
		stop()
	})
}
