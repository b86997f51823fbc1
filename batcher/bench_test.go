package batcher

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go/transport"
)

// discard delivers everything at once, for measuring the batcher alone.
type discard struct{}

func (discard) Send(context.Context, []byte) transport.Outcome {
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

// benchEvent is a ~300-byte event, close to a small real one.
var benchEvent = []byte(`{"ingestion_id":"5f0c7e8a-3c1e-4a5b-9d2f-0a1b2c3d4e5f","level":"error","message":"` +
	strings.Repeat("m", 120) + `","environment":"production","occurred_at":"2025-03-01T12:00:00.000Z","metadata":{"exception_class":"*fs.PathError"}}`)

func encodeBench(*item, int) ([]byte, error) { return benchEvent, nil }

// BenchmarkEnqueue measures the caller's side of Enqueue.
//
//   - accepted: every item goes into the queue (the worker is parked in a
//     Send, so it competes for nothing; a fresh batcher every 64Ki items,
//     outside the timer, keeps the queue from filling).
//   - queue-full: every item is dropped and counted.
//   - live: a running worker drains into a transport that discards.
func BenchmarkEnqueue(b *testing.B) {
	it := &item{id: 1}
	b.Run("accepted", func(b *testing.B) {
		const chunk = 1 << 16
		b.ReportAllocs()
		var bt *Batcher[*item]
		for i := range b.N {
			if i%chunk == 0 {
				b.StopTimer()
				if bt != nil {
					_ = bt.Close(0)
				}
				tr := &fakeTransport{hang: true, entered: make(chan struct{}, 1)}
				bt = New(Config[*item]{Transport: tr, Encode: encodeBench, BatchSize: 1, MaxQueueSize: chunk + 1})
				bt.Enqueue(it)
				<-tr.entered
				b.StartTimer()
			}
			bt.Enqueue(it)
		}
		b.StopTimer()
		if s := bt.Stats(); s.Dropped[DropQueueFull] != 0 {
			b.Fatalf("%d dropped", s.Dropped[DropQueueFull])
		}
		_ = bt.Close(0)
	})
	b.Run("queue-full", func(b *testing.B) {
		tr := &fakeTransport{hang: true, entered: make(chan struct{}, 1)}
		bt := New(Config[*item]{Transport: tr, Encode: encodeBench, BatchSize: 1, MaxQueueSize: 16})
		bt.Enqueue(it)
		<-tr.entered
		for bt.Enqueue(it) {
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			bt.Enqueue(it)
		}
		b.StopTimer()
		_ = bt.Close(0)
	})
	b.Run("live", func(b *testing.B) {
		bt := New(Config[*item]{Transport: discard{}, Encode: encodeBench, BatchSize: 100, MaxQueueSize: 1 << 16})
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			bt.Enqueue(it)
		}
		b.StopTimer()
		reportDrops(b, bt)
		_ = bt.Close(time.Minute)
	})
	b.Run("live-parallel", func(b *testing.B) {
		bt := New(Config[*item]{Transport: discard{}, Encode: encodeBench, BatchSize: 100, MaxQueueSize: 1 << 16})
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bt.Enqueue(it)
			}
		})
		b.StopTimer()
		reportDrops(b, bt)
		_ = bt.Close(time.Minute)
	})
}

func reportDrops(b *testing.B, bt *Batcher[*item]) {
	s := bt.Stats()
	b.ReportMetric(100*float64(s.Dropped[DropQueueFull])/float64(b.N), "%dropped")
}

// BenchmarkThroughput measures end-to-end delivery to a loopback server
// through the real HTTP transport: encoding, batching, HTTP, JSON bodies.
func BenchmarkThroughput(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	for _, size := range []int{10, 100} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			h, err := transport.NewHTTP(transport.HTTPOptions{Host: srv.URL, APIKey: "elp_bench"})
			if err != nil {
				b.Fatal(err)
			}
			defer h.CloseIdleConnections()
			const queue = 10_000
			bt := New(Config[*item]{Transport: h, Encode: encodeBench, BatchSize: size, MaxQueueSize: queue})
			it := &item{id: 1}
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				n := min(b.N-done, queue/2)
				for range n {
					bt.Enqueue(it)
				}
				if err := bt.Flush(context.Background()); err != nil {
					b.Fatal(err)
				}
				done += n
			}
			b.StopTimer()
			s := bt.Stats()
			if s.Sent != uint64(b.N) {
				b.Fatalf("sent %d of %d (%+v)", s.Sent, b.N, s)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			if err := bt.Close(time.Minute); err != nil {
				b.Fatal(err)
			}
		})
	}
}
