package errsightlogrus_test

import (
	"io"
	"testing"

	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
)

// A record below the breadcrumb level must cost nothing on top of what
// logrus costs for it: the hook does not ask for its level, so logrus
// never calls it. Measured against the same logger without the hook.
func TestBelowLevelRecordAddsNoAllocation(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	s := sinktest.New(t)
	ctx, _ := s.Context()
	newLogger := func(hook bool, level logrus.Level) *logrus.Entry {
		l := logrus.New()
		l.SetOutput(io.Discard)
		l.SetLevel(level)
		if hook {
			l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
		}
		return l.WithContext(ctx)
	}
	for _, level := range []logrus.Level{logrus.InfoLevel, logrus.DebugLevel} {
		t.Run("logger at "+level.String(), func(t *testing.T) {
			without, with := newLogger(false, level), newLogger(true, level)
			floor := testing.AllocsPerRun(200, func() { without.Debug("x") })
			got := testing.AllocsPerRun(200, func() { with.Debug("x") })
			assert.Equal(t, floor, got, "allocations with the hook (got) vs without (floor)")
		})
	}
}
