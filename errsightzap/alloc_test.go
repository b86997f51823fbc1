package errsightzap_test

import (
	"testing"

	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// An entry below both thresholds costs zap's level check only: no
// allocation on top of zap's own (fields passed to zap's variadic methods
// escape: one allocation whatever the core), measured against a logger on
// a core that wants nothing.
func TestBelowLevelEntryAddsNoAllocation(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	s := sinktest.New(t)
	ctx, _ := s.Context()
	floor := zap.New(zapcore.NewNopCore())
	ours := zap.New(errsightzap.NewCore(errsightzap.Options{}))
	tests := []struct {
		name string
		f    func(l *zap.Logger)
	}{
		{"Debug", func(l *zap.Logger) { l.Debug("x") }},
		{"Debug with fields", func(l *zap.Logger) { l.Debug("x", errsightzap.Context(ctx), zap.Int("k", 1)) }},
		{"Check", func(l *zap.Logger) { _ = l.Check(zapcore.DebugLevel, "x") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := testing.AllocsPerRun(1000, func() { tt.f(floor) })
			if n := testing.AllocsPerRun(1000, func() { tt.f(ours) }); n != want {
				t.Errorf("%v allocations, want %v as without the core", n, want)
			}
		})
	}
	withCtx := ours.With(errsightzap.Context(ctx))
	if n := testing.AllocsPerRun(1000, func() { withCtx.Debug("x") }); n != 0 {
		t.Errorf("Debug on a With(Context) logger: %v allocations, want 0", n)
	}
}
