package benchmarks

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
	"github.com/errsight/errsight-go/errsighttest"
)

// Transports of the sub-benchmarks.
const (
	trDiscard = "discard" // each SDK hands events to a transport that drops them
	trHTTP    = "http"    // each SDK's real HTTP pipeline to a loopback server
)

// Stack depths, counted as runtime.Callers counts them from the function
// that calls the capture: the depth of the stack each SDK records.
const (
	shallowStack = 20
	deepStack    = 60
)

// errsightClient returns an enabled errsight client for transport tr, with
// opts otherwise as given, closed (and its server too) when b ends.
func errsightClient(tb testing.TB, tr string, opts errsight.Options) *errsight.Client {
	c, _ := errsightClientCount(tb, tr, opts)
	return c
}

// errsightClientCount is errsightClient, also returning a counter of the
// events delivered: accepted by the loopback server (tr=http), else sent to
// the transport.
func errsightClientCount(tb testing.TB, tr string, opts errsight.Options) (*errsight.Client, func() uint64) {
	tb.Helper()
	opts.Release, opts.Environment = fixture.Release, fixture.Environment
	var delivered func() uint64
	switch tr {
	case trDiscard:
		opts.APIKey = "elp_0123456789abcdef0123456789abcdef0123456789abcdef"
		if opts.Transport == nil {
			opts.Transport = &fixture.DiscardTransport{}
		}
	case trHTTP:
		srv := errsighttest.NewServer()
		tb.Cleanup(srv.Close)
		opts.APIKey, opts.Host = srv.APIKey(), srv.URL
		delivered = func() uint64 {
			var n uint64
			for _, r := range srv.Requests() {
				if r.Status == 202 {
					n += uint64(r.Events)
				}
			}
			return n
		}
	default:
		tb.Fatalf("unknown transport %q", tr)
	}
	c, err := errsight.NewClient(opts)
	if err != nil {
		tb.Fatal(err)
	}
	if !c.Enabled() {
		tb.Fatal("errsight client disabled")
	}
	tb.Cleanup(func() { _ = c.Close() })
	if delivered == nil {
		delivered = func() uint64 { return c.Stats().Sent }
	}
	return c, delivered
}

// sentryClient returns a sentry-go client for transport tr, closed (and its
// server too) when b ends. trDiscard uses a custom Transport whose SendEvent
// drops; trHTTP is sentry-go's default pipeline.
func sentryClient(tb testing.TB, tr string, opts sentry.ClientOptions) *sentry.Client {
	c, _ := sentryClientCount(tb, tr, opts)
	return c
}

// sentryClientCount is sentryClient, also returning a counter of the events
// delivered: accepted by the loopback server (tr=http), else handed to the
// transport.
func sentryClientCount(tb testing.TB, tr string, opts sentry.ClientOptions) (*sentry.Client, func() uint64) {
	tb.Helper()
	opts.Release, opts.Environment = fixture.Release, fixture.Environment
	var delivered func() uint64
	switch tr {
	case trDiscard:
		// A DSN is needed for the client to be enabled; nothing dials it.
		opts.Dsn = "http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1"
		if opts.Transport == nil {
			opts.Transport = &fixture.SentryDiscard{}
		}
		delivered = opts.Transport.(*fixture.SentryDiscard).Events.Load
	case trHTTP:
		srv := e2e.NewSentryServer(0)
		tb.Cleanup(srv.Close)
		opts.Dsn = srv.DSN()
		delivered = func() uint64 { return uint64(srv.Result().Delivered) }
	default:
		tb.Fatalf("unknown transport %q", tr)
	}
	c, err := sentry.NewClient(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		c.Flush(5 * time.Second)
		c.Close()
	})
	return c, delivered
}

// errsightHub is a hub of c with the common scope content.
func errsightHub(c *errsight.Client) *errsight.Hub {
	h := errsight.NewHub(c, nil)
	fixture.PopulateErrsight(h.Scope())
	return h
}

// sentryHub is a hub of c with the common scope content.
func sentryHub(c *sentry.Client) *sentry.Hub {
	h := sentry.NewHub(c, sentry.NewScope())
	fixture.PopulateSentry(h)
	return h
}

// withStack calls f with exactly depth frames on the stack, counting f's
// own, as runtime.Callers would see them from inside f.
func withStack(depth int, f func()) {
	pcs := make([]uintptr, 512)
	here := runtime.Callers(1, pcs) // withStack and everything above it
	// Inside f: f, then AtDepth n+1 times, then withStack and above.
	fixture.AtDepth(max(0, depth-here-2), f)
}

// sdkRun runs the errsight and the sentry variant of a benchmark as
// sdk=errsight and sdk=sentry.
func sdkRun(b *testing.B, errsightBench, sentryBench func(b *testing.B)) {
	b.Run("sdk=errsight", errsightBench)
	b.Run("sdk=sentry", sentryBench)
}

var background = context.Background()

// cpuPerOp starts measuring the CPU time of the whole process, every
// goroutine included (the caller, errsight's worker, sentry-go's, the
// loopback server, the GC); the function it returns reports it per
// iteration as cpu-ns/op. Unlike ns/op, it does not grow when other
// processes compete for the cores, and it charges the background work to
// the capture that caused it.
func cpuPerOp(b *testing.B) (stop func()) {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
