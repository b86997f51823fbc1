package errsightzap_test

import (
	"errors"
	"io"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func discardCore() zapcore.Core {
	return zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.DebugLevel)
}

// BenchmarkBelowLevel is a Debug entry written by zap's JSON core to
// io.Discard: "floor" is that core alone, "tee" the same core teed with the
// ErrSight core, which does not want the entry.
func BenchmarkBelowLevel(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	for _, tt := range []struct {
		name string
		core zapcore.Core
	}{
		{"floor", discardCore()},
		{"tee", zapcore.NewTee(discardCore(), errsightzap.NewCore(errsightzap.Options{}))},
	} {
		b.Run(tt.name, func(b *testing.B) {
			l := zap.New(tt.core).With(errsightzap.Context(ctx))
			b.ReportAllocs()
			for b.Loop() {
				l.Debug("cache miss", zap.String("key", "user:42"), zap.Int("attempt", 3))
			}
		})
	}
}

// BenchmarkBreadcrumb is an Info entry becoming a breadcrumb.
func BenchmarkBreadcrumb(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	l := zap.New(errsightzap.NewCore(errsightzap.Options{})).With(errsightzap.Context(ctx), zap.String("svc", "api"))
	b.ReportAllocs()
	for b.Loop() {
		l.Info("loaded cart", zap.Int("cart", 42), zap.Int("items", 3))
	}
}

// BenchmarkEvent is an Error entry with an error becoming an event
// (queueing included), breadcrumbs off.
func BenchmarkEvent(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	l := zap.New(errsightzap.NewCore(errsightzap.Options{BreadcrumbLevel: errsight.LevelFatal + 1})).With(errsightzap.Context(ctx))
	failure := errors.New("card declined")
	b.ReportAllocs()
	for b.Loop() {
		l.Error("charge failed", zap.Error(failure), zap.Int("order", 42))
	}
}
