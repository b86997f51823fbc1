package errsight

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestWallTime checks that a capture's monotonic reading becomes the wall
// time it was taken at, however long the worker takes to convert it.
func TestWallTime(t *testing.T) {
	tests := []struct {
		name  string
		delay time.Duration // between the capture and the conversion
	}{
		{"at once", 0},
		{"later", 20 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			at := monoNow()
			after := time.Now()
			time.Sleep(tt.delay)
			got := wallTime(at)
			assert.False(t, got.Before(before), "%v before %v", got, before)
			assert.False(t, got.After(after), "%v after %v", got, after)
			// The same on the wall clock alone (no monotonic reading).
			assert.WithinDuration(t, before.Round(0), got.Round(0), after.Sub(before)+time.Millisecond)
		})
	}
}
