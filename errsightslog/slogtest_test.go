package errsightslog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
)

// The handler is checked against testing/slogtest three times, for each of
// its outputs: what Next receives (the tee must not lose attributes or
// groups), the breadcrumbs it records, and the events it captures. The
// slogtest cases log at Info.

func TestSlogtestNext(t *testing.T) {
	s := newSink(t)
	var buf bytes.Buffer
	h := errsightslog.NewHandler(&errsightslog.HandlerOptions{
		Next: slog.NewJSONHandler(&buf, nil),
		Hub:  errsight.NewHub(s.client, nil), // report too, so both paths run
	})
	err := slogtest.TestHandler(h, func() []map[string]any {
		var out []map[string]any
		for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			var m map[string]any
			err := json.Unmarshal(line, &m)
			require.NoError(t, err)
			out = append(out, m)
		}
		return out
	})
	assert.NoError(t, err)
}

func TestSlogtestBreadcrumbs(t *testing.T) {
	s := newSink(t)
	var hub *errsight.Hub
	var start time.Time
	slogtest.Run(t, func(*testing.T) slog.Handler {
		hub, start = errsight.NewHub(s.client, nil), time.Now()
		return errsightslog.NewHandler(&errsightslog.HandlerOptions{Hub: hub})
	}, func(t *testing.T) map[string]any {
		crumbs := hub.Scope().Breadcrumbs()
		require.Len(t, crumbs, 1, "got %d breadcrumbs, want 1", len(crumbs))
		b := crumbs[0]
		m := nest(t, b.Data)
		m[slog.MessageKey] = b.Message
		m[slog.LevelKey] = b.Level.String()
		recordTime(t, m, b.Timestamp, start)
		return m
	})
}

func TestSlogtestEvents(t *testing.T) {
	// BeforeSend sees each event fully built (scope merged) on the client's
	// worker, which Flush waits for; dropping it keeps the test off the
	// network.
	var mu sync.Mutex
	var last *errsight.Event
	client, err := errsight.NewClient(errsight.Options{
		APIKey:   "elp_000000000000000000000000000000000000000000000000",
		MinLevel: errsight.LevelDebug,
		BeforeSend: func(ev *errsight.Event) *errsight.Event {
			mu.Lock()
			last = ev
			mu.Unlock()
			return nil
		},
	})
	require.NoError(t, err)
	defer client.Close()

	var start time.Time
	slogtest.Run(t, func(*testing.T) slog.Handler {
		mu.Lock()
		last, start = nil, time.Now()
		mu.Unlock()
		return errsightslog.NewHandler(&errsightslog.HandlerOptions{
			EventLevel: slog.LevelInfo,
			Hub:        errsight.NewHub(client, nil),
		})
	}, func(t *testing.T) map[string]any {
		err := client.Flush(context.Background())
		require.NoError(t, err)
		mu.Lock()
		ev := last
		mu.Unlock()
		require.NotNil(t, ev, "no event")
		m := nest(t, ev.Metadata)
		m[slog.MessageKey] = ev.Message
		m[slog.LevelKey] = ev.Level.String()
		recordTime(t, m, ev.Timestamp, start)
		return m
	})
}

// nest turns the handler's dotted keys back into the nested groups slogtest
// expects, decoding the JSON snapshots of non-scalar values.
func nest(t *testing.T, flat map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range flat {
		if raw, ok := v.(json.RawMessage); ok {
			err := json.Unmarshal(raw, &v)
			require.NoError(t, err)
		}
		m := out
		parts := strings.Split(k, ".")
		for _, g := range parts[:len(parts)-1] {
			sub, ok := m[g].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[g] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = v
	}
	return out
}

// recordTime adds slog.TimeKey when ts is the record's own time. Every
// report needs a time, so for a record with a zero time (slogtest's
// "zero-time" case) the handler lets the SDK use the capture time instead:
// that is checked here, and the key left out, because the record's time
// was ignored as slog asks.
func recordTime(t *testing.T, m map[string]any, ts, start time.Time) {
	if strings.HasSuffix(t.Name(), "/zero-time") {
		require.False(t, ts.Before(start), "zero record time gave %v, want the capture time", ts)
		assert.False(t, ts.After(time.Now()), "zero record time gave %v, want the capture time", ts)
		return
	}
	m[slog.TimeKey] = ts
}
