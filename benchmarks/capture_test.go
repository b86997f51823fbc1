package benchmarks

import (
	"testing"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
)

// captureOptions are errsight's options in the capture benchmarks: spike
// protection off, so that its worker builds and encodes every event, as
// sentry-go's does (errsight's default would collapse the identical events
// past 60 a minute into a count).
var captureOptions = errsight.Options{SpikeLimit: -1}

// BenchmarkCaptureDisabled is CaptureError on a hub whose client is
// disabled (errsight: no API key; sentry-go: empty DSN, which still builds
// the event before its transport drops it), with a populated scope.
// sdk=sentry-noclient is sentry-go's like for like: a hub without a client,
// which does nothing.
func BenchmarkCaptureDisabled(b *testing.B) {
	err := fixture.Wrapped()
	sdkRun(b, func(b *testing.B) {
		c, cerr := errsight.NewClient(errsight.Options{})
		if cerr != nil || c.Enabled() {
			b.Fatalf("want a disabled client, got enabled=%v, %v", c.Enabled(), cerr)
		}
		h := errsight.NewHub(c, nil)
		fixture.PopulateErrsight(h.Scope())
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.CaptureError(err)
		}
		stop()
	}, func(b *testing.B) {
		c, cerr := sentry.NewClient(sentry.ClientOptions{Release: fixture.Release})
		if cerr != nil {
			b.Fatal(cerr)
		}
		h := sentryHub(c)
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.CaptureException(err)
		}
		stop()
	})
	b.Run("sdk=sentry-noclient", func(b *testing.B) {
		h := sentryNoClientHub()
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.CaptureException(err)
		}
		stop()
	})
}

// sentryNoClientHub is a sentry-go hub without a client (what
// sentry.CurrentHub is before sentry.Init), with the common scope content.
func sentryNoClientHub() *sentry.Hub {
	h := sentry.NewHub(nil, sentry.NewScope())
	fixture.PopulateSentry(h)
	return h
}

// BenchmarkCaptureDisabledCtx is the same through the hub of a
// context.Context, the way request code captures: errsight's package-level
// CaptureError(ctx, err), sentry-go's GetHubFromContext(ctx).CaptureException.
func BenchmarkCaptureDisabledCtx(b *testing.B) {
	err := fixture.Wrapped()
	sdkRun(b, func(b *testing.B) {
		c, _ := errsight.NewClient(errsight.Options{})
		h := errsight.NewHub(c, nil)
		fixture.PopulateErrsight(h.Scope())
		ctx := errsight.ContextWithHub(background, h)
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			errsight.CaptureError(ctx, err)
		}
		stop()
	}, func(b *testing.B) {
		c, _ := sentry.NewClient(sentry.ClientOptions{Release: fixture.Release})
		ctx := sentry.SetHubOnContext(background, sentryHub(c))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sentry.GetHubFromContext(ctx).CaptureException(err)
		}
		stop()
	})
	b.Run("sdk=sentry-noclient", func(b *testing.B) {
		ctx := sentry.SetHubOnContext(background, sentryNoClientHub())
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			sentry.GetHubFromContext(ctx).CaptureException(err)
		}
		stop()
	})
}

// BenchmarkCaptureMessage is CaptureMessage on a populated hub.
func BenchmarkCaptureMessage(b *testing.B) {
	for _, tr := range []string{trDiscard, trHTTP} {
		b.Run("tr="+tr, func(b *testing.B) {
			sdkRun(b, func(b *testing.B) {
				h := errsightHub(errsightClient(b, tr, captureOptions))
				b.ReportAllocs()
				withStack(shallowStack, func() {
					stop := cpuPerOp(b)
					for b.Loop() {
						h.CaptureMessage(fixture.Message, errsight.LevelError)
					}
					stop()
				})
			}, func(b *testing.B) {
				h := sentryHub(sentryClient(b, tr, sentry.ClientOptions{}))
				b.ReportAllocs()
				withStack(shallowStack, func() {
					stop := cpuPerOp(b)
					for b.Loop() {
						h.CaptureMessage(fixture.Message)
					}
					stop()
				})
			})
		})
	}
}

// errorShapes are the errors captured by BenchmarkCaptureError, with the
// depth of the stack they are captured at.
var errorShapes = []struct {
	name  string
	err   func() error
	depth int
}{
	{"plain", func() error { return fixture.ErrBase }, shallowStack},
	{"wrapped", fixture.Wrapped, shallowStack},
	{"pkgerrors", fixture.PkgErrors, shallowStack},
	{"deep", fixture.Wrapped, deepStack},
}

// BenchmarkCaptureError is CaptureError on a populated hub, for each error
// shape: a plain error, one wrapped twice with %w, a github.com/pkg/errors
// error (which carries its creation stack), and the wrapped error captured
// under a 60-frame stack; the others are captured under 20 frames.
func BenchmarkCaptureError(b *testing.B) {
	for _, shape := range errorShapes {
		b.Run("err="+shape.name, func(b *testing.B) {
			for _, tr := range []string{trDiscard, trHTTP} {
				b.Run("tr="+tr, func(b *testing.B) {
					sdkRun(b, func(b *testing.B) {
						h := errsightHub(errsightClient(b, tr, captureOptions))
						b.ReportAllocs()
						withStack(shape.depth, func() {
							err := shape.err() // a pkg/errors stack starts here
							stop := cpuPerOp(b)
							for b.Loop() {
								h.CaptureError(err)
							}
							stop()
						})
					}, func(b *testing.B) {
						h := sentryHub(sentryClient(b, tr, sentry.ClientOptions{}))
						b.ReportAllocs()
						withStack(shape.depth, func() {
							err := shape.err()
							stop := cpuPerOp(b)
							for b.Loop() {
								h.CaptureException(err)
							}
							stop()
						})
					})
				})
			}
		})
	}
}

// BenchmarkCaptureErrorParallel is CaptureError of the wrapped error from
// GOMAXPROCS goroutines at once, through a shared populated hub in the
// context.
func BenchmarkCaptureErrorParallel(b *testing.B) {
	err := fixture.Wrapped()
	for _, tr := range []string{trDiscard, trHTTP} {
		b.Run("tr="+tr, func(b *testing.B) {
			sdkRun(b, func(b *testing.B) {
				ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, tr, captureOptions)))
				b.ReportAllocs()
				stop := cpuPerOp(b)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						errsight.CaptureError(ctx, err)
					}
				})
				stop()
			}, func(b *testing.B) {
				ctx := sentry.SetHubOnContext(background, sentryHub(sentryClient(b, tr, sentry.ClientOptions{})))
				b.ReportAllocs()
				stop := cpuPerOp(b)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						sentry.GetHubFromContext(ctx).CaptureException(err)
					}
				})
				stop()
			})
		})
	}
}
