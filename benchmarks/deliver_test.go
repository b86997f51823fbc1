package benchmarks

import (
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
)

// flushEvery is how many captures BenchmarkDeliver lets queue before it
// waits for them: below both SDKs' buffers (errsight's queue of 1000,
// sentry-go's ring of 100 error events), so that nothing is dropped and
// every event costs its full way to the transport.
const flushEvery = 50

// BenchmarkDeliver is the whole cost of one event, capture to transport:
// CaptureError of the wrapped error under a 20-frame stack, then the
// worker's build and encoding to the final JSON (tr=encode: errsight's
// batch body handed to a discarding transport; sentry-go's event
// json.Marshal-ed by a transport that then drops it, as its HTTP transports
// do before the network), or the real HTTP pipeline to a loopback server
// (tr=http). It flushes every 50 events and reports delivered/op, which must
// be 1, and for tr=encode wire-B/op, the JSON each SDK produces per event.
//
// errsight runs with SpikeLimit -1 here: with the default spike protection
// the identical events past 60 a minute would be collapsed, not encoded.
func BenchmarkDeliver(b *testing.B) {
	b.Run("tr=encode", func(b *testing.B) {
		sdkRun(b, func(b *testing.B) {
			tr := &fixture.DiscardTransport{}
			c, delivered := errsightClientCount(b, trDiscard, errsight.Options{SpikeLimit: -1, Transport: tr})
			n := benchErrsightDeliver(b, c, delivered)
			// The request bodies: JSON arrays of BatchSize events.
			b.ReportMetric(float64(tr.Bytes.Load())/float64(n), "wire-B/op")
		}, func(b *testing.B) {
			tr := &fixture.SentryDiscard{Encode: true}
			c, delivered := sentryClientCount(b, trDiscard, sentry.ClientOptions{Transport: tr})
			n := benchSentryDeliver(b, c, delivered)
			// The event items' JSON, without the envelope's headers.
			b.ReportMetric(float64(tr.Bytes.Load())/float64(n), "wire-B/op")
		})
	})
	b.Run("tr=http", func(b *testing.B) {
		for _, batch := range []int{10, 100} {
			name := "sdk=errsight"
			if batch != 10 {
				name = "sdk=errsight-b100"
			}
			b.Run(name, func(b *testing.B) {
				c, delivered := errsightClientCount(b, trHTTP, errsight.Options{SpikeLimit: -1, BatchSize: batch})
				_ = benchErrsightDeliver(b, c, delivered)
			})
		}
		b.Run("sdk=sentry", func(b *testing.B) {
			c, delivered := sentryClientCount(b, trHTTP, sentry.ClientOptions{})
			_ = benchSentryDeliver(b, c, delivered)
		})
	})
}

// benchErrsightDeliver runs the loop and returns the number of events
// captured.
func benchErrsightDeliver(b *testing.B, c *errsight.Client, delivered func() uint64) int {
	h := errsightHub(c)
	before := delivered()
	n := 0
	b.ReportAllocs()
	withStack(shallowStack, func() {
		err := fixture.Wrapped()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.CaptureError(err)
			if n++; n%flushEvery == 0 {
				if ferr := c.Flush(background); ferr != nil {
					b.Fatal(ferr)
				}
			}
		}
		stop()
		if ferr := c.Flush(background); ferr != nil {
			b.Fatal(ferr)
		}
	})
	b.ReportMetric(float64(delivered()-before)/float64(n), "delivered/op")
	return n
}

// benchSentryDeliver runs the loop and returns the number of events
// captured.
func benchSentryDeliver(b *testing.B, c *sentry.Client, delivered func() uint64) int {
	h := sentryHub(c)
	before := delivered()
	n := 0
	b.ReportAllocs()
	withStack(shallowStack, func() {
		err := fixture.Wrapped()
		stop := cpuPerOp(b)
		for b.Loop() {
			h.CaptureException(err)
			if n++; n%flushEvery == 0 && !c.Flush(10*time.Second) {
				b.Fatal("sentry: Flush timed out")
			}
		}
		stop()
		if !c.Flush(10 * time.Second) {
			b.Fatal("sentry: Flush timed out")
		}
	})
	b.ReportMetric(float64(delivered()-before)/float64(n), "delivered/op")
	return n
}
