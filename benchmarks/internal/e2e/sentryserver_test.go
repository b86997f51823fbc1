package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantEvents int
		wantDrops  map[string]uint64
		wantErr    bool
	}{
		{
			name:       "event with length",
			body:       "{\"event_id\":\"abc\"}\n{\"type\":\"event\",\"length\":13}\n{\"a\":\"b\\nc\"}\n",
			wantEvents: 1,
		},
		{
			name:       "event without length (legacy transport)",
			body:       "{\"event_id\":\"abc\"}\n{\"type\":\"event\"}\n{\"a\":1}\n",
			wantEvents: 1,
		},
		{
			name: "client report counts error drops only",
			body: "{}\n{\"type\":\"client_report\"}\n" +
				`{"discarded_events":[{"reason":"queue_overflow","category":"error","quantity":7},{"reason":"queue_overflow","category":"log_item","quantity":3}]}` + "\n",
			wantDrops: map[string]uint64{"queue_overflow": 7},
		},
		{
			name:       "event and client report",
			body:       "{}\n{\"type\":\"event\",\"length\":2}\n{}\n{\"type\":\"client_report\",\"length\":83}\n" + `{"discarded_events":[{"reason":"buffer_overflow","category":"error","quantity":2}]}` + "\n",
			wantEvents: 1,
			wantDrops:  map[string]uint64{"buffer_overflow": 2},
		},
		{name: "invalid event JSON", body: "{}\n{\"type\":\"event\"}\n{nope\n", wantErr: true},
		{name: "empty body", body: "", wantErr: true},
		{name: "short payload", body: "{}\n{\"type\":\"event\",\"length\":99}\n{}\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.body))
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEvents, env.events, "events")
			assert.Len(t, env.discarded, len(tt.wantDrops), "discarded = %v, want %v", env.discarded, tt.wantDrops)
			for k, v := range tt.wantDrops {
				assert.Equal(t, v, env.discarded[k], "discarded[%s]", k)
			}
		})
	}
}

func TestMergeAccounting(t *testing.T) {
	cfg := Config{SDK: Sentry, Events: 100, Distinct: true}
	r := Merge(cfg, SDKResult{Accepted: 100, DeliverSeconds: 2}, ServerResult{Delivered: 40, Reported: map[string]uint64{"queue_overflow": 50}})
	assert.EqualValues(t, 10, r.Unaccounted, "Merge = %+v", r)
	assert.EqualValues(t, 50, r.DroppedReported, "Merge = %+v", r)
	assert.EqualValues(t, 20, r.EventsPerSecond, "Merge = %+v", r)
	assert.EqualValues(t, 0.4, r.DeliveredRatio, "Merge = %+v", r)
	assert.True(t, strings.HasPrefix(r.Name, "sentry "), "Name = %q", r.Name)
}
