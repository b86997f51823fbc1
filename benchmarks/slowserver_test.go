package benchmarks

import (
	"fmt"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// slowServerDelay is the answer time of the slow server: a distant region,
// or a loaded ingestion API.
const slowServerDelay = 200 * time.Millisecond

// slowServerEvents is how many events each run delivers: enough for several
// rounds of requests at the default BatchSize, few enough that one serial
// run takes about 2 s.
const slowServerEvents = 100

// BenchmarkSlowServer measures sustained delivered events/s to a server that
// answers every request after 200 ms, at the default BatchSize (10), with
// one request at a time (MaxConcurrentSends 1, the behaviour before
// concurrent sends) and with the default MaxConcurrentSends. Nothing may be
// dropped: every run checks that the server accepted every event. It
// reports both rates and their ratio (target: >= 4).
//
//	go test -run '^$' -bench SlowServer -benchtime 1x ./benchmarks
func BenchmarkSlowServer(b *testing.B) {
	var serial, concurrent float64
	for b.Loop() {
		serial = deliveredPerSecond(b, 1)
		concurrent = deliveredPerSecond(b, 0)
	}
	b.ReportMetric(serial, "serial-events/s")
	b.ReportMetric(concurrent, "concurrent-events/s")
	b.ReportMetric(concurrent/serial, "x-serial")
	fmt.Printf("slow server (%v a request), BatchSize %d: serial %.0f events/s, MaxConcurrentSends %d %.0f events/s: %.2fx (target >= 4x)\n",
		slowServerDelay, errsight.DefaultBatchSize, serial, errsight.DefaultMaxConcurrentSends, concurrent, concurrent/serial)
}

// deliveredPerSecond delivers slowServerEvents to a slow errsighttest server
// with the given MaxConcurrentSends (0: the default) and returns the events
// delivered per second, from the first capture to the end of Flush.
func deliveredPerSecond(b *testing.B, concurrency int) float64 {
	srv := errsighttest.NewServer()
	defer srv.Close()
	srv.SetFault(errsighttest.Fault{Delay: slowServerDelay})
	c, err := errsight.NewClient(errsight.Options{
		Host: srv.URL, APIKey: srv.APIKey(), SpikeLimit: -1, MaxConcurrentSends: concurrency,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	h := errsight.NewHub(c, nil)
	start := time.Now()
	for i := range slowServerEvents {
		h.CaptureMessage(fmt.Sprint("slow server event ", i), errsight.LevelError)
	}
	if err := c.Flush(background); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	st := c.Stats()
	if n := len(srv.Events()); n != slowServerEvents || st.Sent != slowServerEvents || st.Dropped.Total() != 0 {
		b.Fatalf("server accepted %d of %d events; stats %+v", n, slowServerEvents, st)
	}
	return float64(slowServerEvents) / elapsed.Seconds()
}
