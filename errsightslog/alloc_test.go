package errsightslog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/errsight/errsight-go/errsightslog"
)

// A record below the breadcrumb level must cost nothing: slog.Logger asks
// Enabled first, so Enabled must not allocate. The race detector allocates
// on its own, so the guard only runs without it.
func TestBelowLevelRecordDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	s := newSink(t)
	ctx, _ := s.ctx()
	plain := slog.New(errsightslog.NewHandler(nil))
	withNext := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewJSONHandler(io.Discard, nil)})).With("svc", "x")
	tests := []struct {
		name string
		f    func()
	}{
		{"DebugContext", func() { plain.DebugContext(ctx, "x") }},
		{"DebugContext with attrs", func() { plain.DebugContext(ctx, "x", "k", 1) }},
		{"Debug without context", func() { plain.Debug("x") }},
		{"DebugContext with Next at Info", func() { withNext.DebugContext(ctx, "x") }},
		{"Enabled", func() { _ = plain.Handler().Enabled(context.Background(), slog.LevelDebug) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := testing.AllocsPerRun(1000, tt.f)
			assert.EqualValues(t, 0, n, "%v allocations, want 0", n)
		})
	}
}
