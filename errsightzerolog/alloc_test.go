package errsightzerolog_test

import (
	"io"
	"testing"

	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
)

// An event below both thresholds, which zerolog still writes (the logger
// is at Debug), costs the hook and the writer a level comparison each: no
// allocation, as zerolog itself.
func TestBelowLevelEventDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	s := sinktest.New(t)
	ctx, _ := s.Context()
	floor := zerolog.New(io.Discard).Level(zerolog.DebugLevel).With().Ctx(ctx).Logger()
	ours := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).Level(zerolog.DebugLevel).With().Ctx(ctx).Logger()
	for name, l := range map[string]zerolog.Logger{"floor": floor, "writer and hook": ours} {
		t.Run(name, func(t *testing.T) {
			n := testing.AllocsPerRun(1000, func() { l.Debug().Str("key", "user:42").Msg("x") })
			assert.Zero(t, n, "allocations")
		})
	}
}
