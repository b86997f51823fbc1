package logbridge_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
)

func TestLevels(t *testing.T) {
	tests := []struct {
		name              string
		event, crumb      errsight.Level
		level             errsight.Level
		wantEvent, wantBC bool
	}{
		{"defaults: debug is nothing", 0, 0, errsight.LevelDebug, false, false},
		{"defaults: info is a breadcrumb", 0, 0, errsight.LevelInfo, false, true},
		{"defaults: error is both", 0, 0, errsight.LevelError, true, true},
		{"events from warning", errsight.LevelWarning, 0, errsight.LevelWarning, true, true},
		{"no breadcrumbs", 0, errsight.LevelFatal + 1, errsight.LevelFatal, true, false},
		{"unknown level", 0, 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := logbridge.NewLevels(tt.event, tt.crumb).Record(tt.level, "m", time.Time{})
			require.Equal(t, tt.wantEvent, r.Event, "Record = %+v, %v", r, ok)
			require.Equal(t, tt.wantBC, r.Breadcrumb, "Record = %+v, %v", r, ok)
			require.Equal(t, (tt.wantEvent || tt.wantBC), ok, "Record = %+v, %v", r, ok)
			assert.Equal(t, "m", r.Message, "Record = %+v, %v", r, ok)
		})
	}
}
