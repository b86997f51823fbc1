package errsight

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/transport"
)

// discardTransport accepts every batch without reading it: the benchmarks
// measure the SDK as a user runs it, with the real queue and a running
// worker, minus the network.
type discardTransport struct{}

func (discardTransport) Send(context.Context, []byte) transport.Outcome {
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

// callerSideClient is an enabled client with its real queue and worker,
// delivering to discardTransport.
func callerSideClient(tb testing.TB, opts Options) *Client {
	tb.Helper()
	opts.Transport = discardTransport{}
	c, _ := newTestClient(tb, opts)
	return c
}

// stalledClient is an enabled client whose worker is parked in a Send that
// waits for Close, with a queue of one: every capture after the first two is
// a counted drop at Enqueue. The allocation guards use it to count the
// capturing goroutine's allocations alone (testing.AllocsPerRun counts every
// goroutine's, and a running worker encodes on the other core).
func stalledClient(tb testing.TB, opts Options) *Client {
	tb.Helper()
	opts.Transport = stalledTransport{}
	opts.MaxQueueSize, opts.BatchSize = 1, 1
	opts.ShutdownTimeout = time.Millisecond
	c, _ := newTestClient(tb, opts)
	return c
}

// stalledTransport blocks every Send until its context ends.
type stalledTransport struct{}

func (stalledTransport) Send(ctx context.Context, _ []byte) transport.Outcome {
	<-ctx.Done()
	return transport.Outcome{Kind: transport.Retry, Err: ctx.Err()}
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

// BenchmarkCaptureErrorBeforeSend is BenchmarkCaptureError with a
// BeforeSend hook: the hook, the build and the symbolisation run on the
// worker, so the capture costs the same (it cost ~5x when they ran on the
// caller).
func BenchmarkCaptureErrorBeforeSend(b *testing.B) {
	h := populatedHub(callerSideClient(b, Options{BeforeSend: func(ev *Event) *Event { return ev }}))
	err := wrappedTwice()
	b.ReportAllocs()
	atDepth(15, func() {
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
