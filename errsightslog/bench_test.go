package errsightslog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
	"github.com/errsight/errsight-go/transport"
)

// BenchmarkBelowLevel is the cost of a record nobody wants: the common
// Debug line in production.
func BenchmarkBelowLevel(b *testing.B) {
	s := newSink(b)
	ctx, _ := s.ctx()
	b.Run("baseline slog.DiscardHandler", func(b *testing.B) {
		logger := slog.New(slog.DiscardHandler)
		b.ReportAllocs()
		for b.Loop() {
			logger.DebugContext(ctx, "x")
		}
	})
	b.Run("default handler", func(b *testing.B) {
		logger := slog.New(errsightslog.NewHandler(nil))
		b.ReportAllocs()
		for b.Loop() {
			logger.DebugContext(ctx, "x")
		}
	})
	b.Run("with Next at Info", func(b *testing.B) {
		logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewJSONHandler(io.Discard, nil)}))
		b.ReportAllocs()
		for b.Loop() {
			logger.DebugContext(ctx, "x")
		}
	})
}

// BenchmarkBreadcrumb is the cost of an Info record becoming a breadcrumb.
func BenchmarkBreadcrumb(b *testing.B) {
	s := newSink(b)
	ctx, hub := s.ctx()
	logger := slog.New(errsightslog.NewHandler(nil)).With("svc", "api")
	b.ReportAllocs()
	for b.Loop() {
		logger.InfoContext(ctx, "loaded cart", "cart", 42, "items", 3)
	}
	_ = hub
}

// discard accepts every batch without sending it anywhere, so that the
// event benchmark measures the logging goroutine, not the network.
type discard struct{}

func (discard) Send(context.Context, []byte) transport.Outcome {
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

// BenchmarkEvent is the cost, on the logging goroutine, of an Error record
// with an error attribute becoming an event (queueing included).
func BenchmarkEvent(b *testing.B) {
	client, err := errsight.NewClient(errsight.Options{
		APIKey:       "elp_000000000000000000000000000000000000000000000000",
		Transport:    discard{},
		MaxQueueSize: 1 << 20,
		SpikeLimit:   -1,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	// No breadcrumbs: each event would carry the previous ones, and the
	// worker's encoding of 50 breadcrumbs per event would compete for the
	// CPU with what is measured here.
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{BreadcrumbLevel: slog.Level(math.MaxInt)}))
	failure := errors.New("card declined")
	b.ReportAllocs()
	for b.Loop() {
		logger.ErrorContext(ctx, "charge failed", "err", failure, "order", 42)
	}
}
