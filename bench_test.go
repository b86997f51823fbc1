package errsight

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/errsight/errsight-go/batcher"
	"github.com/errsight/errsight-go/errsighttest"
)

// discardQueue stands in for the batcher when only the capturing
// goroutine's cost is measured: the worker's encoding would otherwise run on
// the other core and its allocations would be counted against the caller.
type discardQueue struct{ n atomic.Uint64 }

func (q *discardQueue) Enqueue(*capture) bool       { q.n.Add(1); return true }
func (q *discardQueue) Flush(context.Context) error { return nil }
func (q *discardQueue) Close(time.Duration) error   { return nil }
func (q *discardQueue) Stats() batcher.Stats        { return batcher.Stats{Enqueued: q.n.Load()} }

// callerSideClient is an enabled client whose queue discards.
func callerSideClient(tb testing.TB, opts Options) *Client {
	tb.Helper()
	c, _ := newTestClient(tb, opts)
	real := c.queue
	c.queue = &discardQueue{}
	tb.Cleanup(func() { c.queue = real })
	return c
}

// populatedHub has the scope content of the benchmarks module's runs: a
// user, 5 tags and 10 breadcrumbs.
func populatedHub(c *Client) *Hub {
	h := NewHub(c, nil)
	h.Scope().SetUser(User{ID: "u-42", Email: "alice@example.com"})
	for i := range 5 {
		h.Scope().SetTag(fmt.Sprint("tag", i), "value")
	}
	for i := range 10 {
		h.Scope().AddBreadcrumb(Breadcrumb{Category: "test", Message: fmt.Sprint("crumb ", i)})
	}
	return h
}

var errBase = errors.New("connection refused")

func wrappedTwice() error {
	return fmt.Errorf("load user: %w", fmt.Errorf("query: %w", errBase))
}

// atDepth calls f under n extra frames, for a stack of a chosen depth.
func atDepth(n int, f func()) {
	if n <= 0 {
		f()
		return
	}
	atDepth(n-1, f)
}

func BenchmarkCaptureDisabled(b *testing.B) {
	ctx := context.Background()
	err := errBase
	b.ReportAllocs()
	for b.Loop() {
		CaptureError(ctx, err)
	}
}

func BenchmarkCaptureDisabledHub(b *testing.B) {
	h := NewHub(nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		h.CaptureError(errBase)
	}
}

func BenchmarkCaptureMessage(b *testing.B) {
	h := populatedHub(callerSideClient(b, Options{}))
	b.ReportAllocs()
	for b.Loop() {
		h.CaptureMessage("cache rebuild took too long", LevelError)
	}
}

func BenchmarkCaptureError(b *testing.B) {
	h := populatedHub(callerSideClient(b, Options{}))
	err := wrappedTwice()
	b.ReportAllocs()
	atDepth(15, func() { // ~20 frames with the testing package's own
		for b.Loop() {
			h.CaptureError(err)
		}
	})
}

func BenchmarkCaptureErrorParallel(b *testing.B) {
	c := callerSideClient(b, Options{})
	ctx := ContextWithHub(context.Background(), populatedHub(c))
	err := wrappedTwice()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			CaptureError(ctx, err)
		}
	})
}

func BenchmarkWithScope(b *testing.B) {
	ctx := ContextWithHub(context.Background(), populatedHub(callerSideClient(b, Options{})))
	b.ReportAllocs()
	for b.Loop() {
		_ = WithScope(ctx)
	}
}

func BenchmarkHubClone(b *testing.B) {
	h := populatedHub(callerSideClient(b, Options{}))
	b.ReportAllocs()
	for b.Loop() {
		_ = h.Clone()
	}
}

func BenchmarkAddBreadcrumb(b *testing.B) {
	h := populatedHub(callerSideClient(b, Options{}))
	crumb := Breadcrumb{Category: "http", Message: "GET /cart"}
	b.ReportAllocs()
	for b.Loop() {
		h.AddBreadcrumb(crumb)
	}
}

// BenchmarkEncodeEvent is the worker's cost for one error event: building
// (scope merge, symbolisation, source context with a warm cache, causes)
// and JSON.
func BenchmarkEncodeEvent(b *testing.B) {
	c, _ := newTestClient(b, Options{SpikeLimit: -1})
	h := populatedHub(c)
	err := wrappedTwice()
	var proto Event
	atDepth(15, func() {
		proto = Event{Level: LevelError, err: err, Message: err.Error(), pcs: callers(0), Timestamp: time.Now(), ID: newEventID()}
	})
	proto.scope = h.scope.snapshot()
	b.ReportAllocs()
	for b.Loop() {
		ev := proto
		if _, err := c.encode(&capture{ev: &ev}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaptureHangingServer captures against a server that never
// answers: the queue fills, one batch waits in flight, and every further
// capture is a counted drop. heap-MiB is the heap in use at the end over the
// heap before: what a dead ErrSight costs the application's memory.
func BenchmarkCaptureHangingServer(b *testing.B) {
	srv := errsighttest.NewServer()
	defer srv.Close()
	srv.SetFault(errsighttest.Fault{Hang: true})
	c, err := NewClient(Options{Host: srv.URL, APIKey: srv.APIKey(), ShutdownTimeout: 100 * time.Millisecond, Timeout: time.Hour, SpikeLimit: -1})
	if err != nil {
		b.Fatal(err)
	}
	h := populatedHub(c)
	err = wrappedTwice()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		h.CaptureError(err)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := max(int64(after.HeapInuse)-int64(before.HeapInuse), 0)
	b.ReportMetric(float64(grown)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(c.Stats().Dropped.QueueFull)/float64(b.N), "dropped/op")
	_ = c.Close()
}
