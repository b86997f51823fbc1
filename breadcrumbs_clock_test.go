package errsight

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestCrumbNow checks that a breadcrumb's time is time.Now's, wall clock
// and monotonic reading, whatever state the anchor is in: fresh, too old,
// ahead of the clock (another clock's), or none.
func TestCrumbNow(t *testing.T) {
	tests := []struct {
		name   string
		anchor func() *crumbAnchor
		renews bool
	}{
		{"none", func() *crumbAnchor { return nil }, true},
		{"fresh", func() *crumbAnchor {
			now := time.Now()
			return &crumbAnchor{now: now, mono: now.Sub(clockBase)}
		}, false},
		{"too old", func() *crumbAnchor {
			now := time.Now().Add(-2 * crumbAnchorAge)
			return &crumbAnchor{now: now, mono: now.Sub(clockBase)}
		}, true},
		{"ahead of the clock", func() *crumbAnchor {
			now := time.Now().Add(time.Hour)
			return &crumbAnchor{now: now, mono: now.Sub(clockBase)}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.anchor()
			crumbClock.Store(a)
			before := time.Now()
			got := crumbNow()
			after := time.Now()
			assert.False(t, got.Before(before), "monotonic: %v before %v", got, before)
			assert.False(t, got.After(after), "monotonic: %v after %v", got, after)
			// The wall clock alone (Round(0) drops the monotonic reading).
			assert.False(t, got.Round(0).Before(before.Round(0)), "wall: %v before %v", got, before)
			assert.False(t, got.Round(0).After(after.Round(0)), "wall: %v after %v", got, after)
			assert.Equal(t, tt.renews, crumbClock.Load() != a, "anchor renewed")
		})
	}
}

// TestAddBreadcrumbDefaults checks the defaults AddBreadcrumb fills in, and
// that a given timestamp and level are kept.
func TestAddBreadcrumbDefaults(t *testing.T) {
	s := NewScope()
	before := time.Now()
	s.AddBreadcrumb(Breadcrumb{Message: "a"})
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	s.AddBreadcrumb(Breadcrumb{Message: "b", Level: LevelError, Timestamp: at})
	got := s.Breadcrumbs()
	if assert.Len(t, got, 2) {
		assert.Equal(t, LevelInfo, got[0].Level)
		assert.False(t, got[0].Timestamp.Before(before))
		assert.False(t, got[0].Timestamp.After(time.Now()))
		assert.Equal(t, LevelError, got[1].Level)
		assert.Equal(t, at, got[1].Timestamp)
	}
}
