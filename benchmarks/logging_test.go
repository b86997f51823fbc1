package benchmarks

import (
	"io"
	"testing"

	"github.com/getsentry/sentry-go"
	sentrylogrus "github.com/getsentry/sentry-go/logrus"
	"github.com/rs/zerolog"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/errsightzerolog"
)

// BenchmarkLogBelowBreadcrumb is a Debug record, below every level the
// SDKs' logger integrations record, with two fields and a populated hub in
// its context, through a logger that writes Debug records to io.Discard:
// what a debug line costs once an SDK is installed. sdk=none is the logger
// alone, the floor.
//
// errsight's integrations record breadcrumbs from Info and events from
// Error. sentry-go's, configured with the closest equivalent: logrus
// (github.com/getsentry/sentry-go/logrus v0.46.2) an event hook at Error,
// Fatal and Panic (it has no breadcrumbs). sentry-go has no zap
// integration. Its zerolog integration's newest version on the module proxy
// (v0.34.1) does not build against sentry-go v0.46.2: the zerolog
// comparison is the module in benchmarks/sentryzerolog.
func BenchmarkLogBelowBreadcrumb(b *testing.B) {
	b.Run("logger=zap", benchZapBelow)
	b.Run("logger=zerolog", benchZerologBelow)
	b.Run("logger=logrus", benchLogrusBelow)
}

// loop runs the benchmark body and reports allocations and CPU per record.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		f()
	}
	stop()
}

func benchZapBelow(b *testing.B) {
	ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
	own := func() zapcore.Core {
		return zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.DebugLevel)
	}
	run := func(c zapcore.Core) func(b *testing.B) {
		return func(b *testing.B) {
			l := zap.New(c)
			loop(b, func() {
				l.Debug("cache miss", errsightzap.Context(ctx), zap.String("key", "user:42"), zap.Int("attempt", 3))
			})
		}
	}
	b.Run("sdk=none", run(own()))
	b.Run("sdk=errsight", run(zapcore.NewTee(own(), errsightzap.NewCore(errsightzap.Options{}))))
}

func benchZerologBelow(b *testing.B) {
	ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
	run := func(l zerolog.Logger) func(b *testing.B) {
		return func(b *testing.B) {
			l := l.Level(zerolog.DebugLevel)
			loop(b, func() { l.Debug().Ctx(ctx).Str("key", "user:42").Int("attempt", 3).Msg("cache miss") })
		}
	}
	b.Run("sdk=none", run(zerolog.New(io.Discard)))
	b.Run("sdk=errsight", run(errsightzerolog.New(io.Discard, errsightzerolog.Options{})))
}

func benchLogrusBelow(b *testing.B) {
	ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
	run := func(hook logrus.Hook) func(b *testing.B) {
		return func(b *testing.B) {
			l := logrus.New()
			l.SetOutput(io.Discard)
			l.SetLevel(logrus.DebugLevel)
			if hook != nil {
				l.AddHook(hook)
			}
			e := l.WithContext(ctx)
			loop(b, func() { e.WithFields(logrus.Fields{"key": "user:42", "attempt": 3}).Debug("cache miss") })
		}
	}
	b.Run("sdk=none", run(nil))
	b.Run("sdk=errsight", run(errsightlogrus.NewHook(errsightlogrus.Options{})))
	b.Run("sdk=sentry", func(b *testing.B) {
		hub := sentryHub(sentryClient(b, trDiscard, sentry.ClientOptions{}))
		//lint:ignore SA1019 the event hook is sentry-go's equivalent of errsightlogrus (errors as events); its log hook feeds Sentry Logs instead.
		h := sentrylogrus.NewEventHookFromClient([]logrus.Level{logrus.ErrorLevel, logrus.FatalLevel, logrus.PanicLevel}, hub.Client())
		h.SetHubProvider(func() *sentry.Hub { return hub })
		run(h)(b)
	})
}
