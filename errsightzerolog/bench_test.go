package errsightzerolog_test

import (
	"errors"
	"io"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/rs/zerolog"
)

// BenchmarkBelowLevel is a Debug event zerolog writes to io.Discard:
// "floor" is zerolog alone, "writer+hook" the same logger with the Writer
// installed both ways.
func BenchmarkBelowLevel(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	for _, tt := range []struct {
		name string
		l    zerolog.Logger
	}{
		{"floor", zerolog.New(io.Discard)},
		{"writer+hook", errsightzerolog.New(io.Discard, errsightzerolog.Options{})},
	} {
		b.Run(tt.name, func(b *testing.B) {
			l := tt.l.Level(zerolog.DebugLevel).With().Ctx(ctx).Logger()
			b.ReportAllocs()
			for b.Loop() {
				l.Debug().Str("key", "user:42").Int("attempt", 3).Msg("cache miss")
			}
		})
	}
}

// BenchmarkBreadcrumb is an Info event becoming a breadcrumb.
func BenchmarkBreadcrumb(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).With().Str("svc", "api").Ctx(ctx).Logger()
	b.ReportAllocs()
	for b.Loop() {
		l.Info().Int("cart", 42).Int("items", 3).Msg("loaded cart")
	}
}

// BenchmarkEvent is an Error event with Err becoming an event (queueing
// included), breadcrumbs off.
func BenchmarkEvent(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{BreadcrumbLevel: errsight.LevelFatal + 1}).With().Ctx(ctx).Logger()
	failure := errors.New("card declined")
	b.ReportAllocs()
	for b.Loop() {
		l.Error().Err(failure).Int("order", 42).Msg("charge failed")
	}
}
