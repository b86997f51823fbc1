package benchmarks

import (
	"log/slog"
	"testing"

	"github.com/getsentry/sentry-go"
	sentryslog "github.com/getsentry/sentry-go/slog"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
)

// BenchmarkSlogBelowBreadcrumb is a slog record below every level the SDK's
// handler records (a Debug record), logged with DebugContext and two
// attributes through a *slog.Logger on the handler, with a populated hub in
// the context: what a disabled log line costs once the SDK is installed.
//
// errsightslog.NewHandler(nil) records breadcrumbs from Info and events from
// Error. sentry-go's handler (github.com/getsentry/sentry-go/slog v0.46.2,
// the version matching sentry-go v0.46.2) has no breadcrumbs; configured
// with the closest equivalent (events at Error and Fatal, log entries from
// Info) it drops a Debug record in Enabled: equal levels, equal work. (Its
// zero Option would also convert Debug records, to discard them with
// ClientOptions.EnableLogs off: not a like-for-like comparison.)
func BenchmarkSlogBelowBreadcrumb(b *testing.B) {
	b.Run("sdk=errsight", func(b *testing.B) {
		ctx := errsight.ContextWithHub(background, errsightHub(errsightClient(b, trDiscard, errsight.Options{})))
		l := slog.New(errsightslog.NewHandler(nil))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			l.DebugContext(ctx, "cache miss", "key", "user:42", "attempt", 3)
		}
		stop()
	})
	sentryLogger := func(b *testing.B, opt sentryslog.Option) {
		ctx := sentry.SetHubOnContext(background, sentryHub(sentryClient(b, trDiscard, sentry.ClientOptions{})))
		l := slog.New(opt.NewSentryHandler(ctx))
		b.ReportAllocs()
		stop := cpuPerOp(b)
		for b.Loop() {
			l.DebugContext(ctx, "cache miss", "key", "user:42", "attempt", 3)
		}
		stop()
	}
	b.Run("sdk=sentry", func(b *testing.B) {
		// EventLevel left nil: its default is Error and Fatal (and setting
		// it is deprecated).
		sentryLogger(b, sentryslog.Option{
			LogLevel: []slog.Level{slog.LevelInfo, slog.LevelWarn, slog.LevelError, sentryslog.LevelFatal},
		})
	})
}
