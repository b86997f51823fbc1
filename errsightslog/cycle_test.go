package errsightslog_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/errsight/errsight-go/errsightslog"
	"github.com/errsight/errsight-go/internal/childtest"
)

type loopNode struct {
	Name string
	Next *loopNode
}

// nestedValuer returns a group holding another of itself: slog resolves
// each one, without end, as the handler walks the groups.
type nestedValuer struct{}

func (nestedValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("deeper", nestedValuer{}))
}

// TestCyclicAttrsNeverCrash logs values that contain themselves, each in a
// child process: before the bounds each one was a fatal stack overflow
// that no recover catches. The record must still become an event that
// says where the value meets itself.
func TestCyclicAttrsNeverCrash(t *testing.T) {
	tests := []struct {
		name   string
		value  func() any
		marker string
	}{
		{"map containing itself", func() any {
			m := map[string]any{"k": 1}
			m["self"] = m
			return m
		}, "cycle"},
		{"slice containing itself", func() any {
			s := []any{1, nil}
			s[1] = s
			return s
		}, "cycle"},
		{"struct pointer cycle", func() any {
			a := &loopNode{Name: "a"}
			a.Next = &loopNode{Name: "b", Next: a}
			return a
		}, "cycle"},
		// Not teed to slog's own JSONHandler: that one overflows on it.
		{"group without end", func() any { return nestedValuer{} }, "[errsight: nested too deep]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			childtest.Run(t, func(t *testing.T) {
				s := newSink(t)
				ctx, _ := s.ctx()
				var text strings.Builder
				opts := &errsightslog.HandlerOptions{}
				if tt.marker != "[errsight: nested too deep]" {
					// slog's own handler copes with these: a tee must too.
					opts.Next = slog.NewJSONHandler(&text, nil)
				}
				logger := slog.New(errsightslog.NewHandler(opts))
				logger.ErrorContext(ctx, "cyclic", "m", tt.value())
				ev := s.only(t)
				raw, _ := json.Marshal(ev.Metadata)
				assert.Contains(t, string(raw), tt.marker, "metadata %.500s: no %q", raw, tt.marker)
			})
		})
	}
}
