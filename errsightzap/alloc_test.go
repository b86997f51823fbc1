package errsightzap_test

import (
	"testing"

	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/stretchr/testify/assert"
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
			n := testing.AllocsPerRun(1000, func() { tt.f(ours) })
			assert.Equal(t, want, n, "allocations, want as many as without the core")
		})
	}
	withCtx := ours.With(errsightzap.Context(ctx))
	n := testing.AllocsPerRun(1000, func() { withCtx.Debug("x") })
	assert.Zero(t, n, "Debug on a With(Context) logger: allocations")
}
