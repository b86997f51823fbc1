package sentryzerolog

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"
	sentryzerolog "github.com/getsentry/sentry-go/zerolog"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/errsight/errsight-go/transport"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// discard accepts errsight-go's batches without sending them.
type discard struct{}

func (discard) Send(context.Context, []byte) transport.Outcome {
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

// sentryDiscard accepts sentry-go's events without sending them.
type sentryDiscard struct{}

func (sentryDiscard) Flush(time.Duration) bool              { return true }
func (sentryDiscard) FlushWithContext(context.Context) bool { return true }
func (sentryDiscard) Configure(sentry.ClientOptions)        {}
func (sentryDiscard) SendEvent(*sentry.Event)               {}
func (sentryDiscard) Close()                                {}

// BenchmarkZerologBelowBreadcrumb is a Debug record with two fields and a
// hub in its context, through a zerolog logger that writes Debug records to
// io.Discard: sdk=none is zerolog alone (the floor); sdk=errsight has
// errsightzerolog installed both ways (breadcrumbs from Info, events from
// Error); sdk=sentry has sentry-go's writer beside io.Discard, with events
// at Error, Fatal and Panic and WithBreadcrumbs, its closest equivalent.
func BenchmarkZerologBelowBreadcrumb(b *testing.B) {
	client, err := errsight.NewClient(errsight.Options{
		APIKey:    "elp_0123456789abcdef0123456789abcdef0123456789abcdef",
		Transport: discard{},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	run := func(l zerolog.Logger) func(b *testing.B) {
		return func(b *testing.B) {
			l := l.Level(zerolog.DebugLevel)
			b.ReportAllocs()
			for b.Loop() {
				l.Debug().Ctx(ctx).Str("key", "user:42").Int("attempt", 3).Msg("cache miss")
			}
		}
	}
	b.Run("sdk=none", run(zerolog.New(io.Discard)))
	b.Run("sdk=errsight", run(errsightzerolog.New(io.Discard, errsightzerolog.Options{})))
	b.Run("sdk=sentry", func(b *testing.B) {
		sc, err := sentry.NewClient(sentry.ClientOptions{Dsn: "https://public@o0.ingest.sentry.io/0", Transport: sentryDiscard{}})
		if err != nil {
			b.Fatal(err)
		}
		w, err := sentryzerolog.NewWithHub(sentry.NewHub(sc, sentry.NewScope()), sentryzerolog.Options{WithBreadcrumbs: true})
		if err != nil {
			b.Fatal(err)
		}
		run(zerolog.New(zerolog.MultiLevelWriter(io.Discard, w)))(b)
	})
}
