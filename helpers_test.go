package errsight

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

const testKey = "elp_0123456789abcdef0123456789abcdef0123456789abcdef"

// recorder is an in-memory transport that accepts everything and keeps the
// decoded events.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
	events []map[string]any
}

func (r *recorder) Send(_ context.Context, body []byte) transport.Outcome {
	var evs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&evs); err != nil {
		return transport.Outcome{Kind: transport.Rejected, Status: 400, Err: err}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, append([]byte(nil), body...))
	r.events = append(r.events, evs...)
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

func (r *recorder) Events() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.events...)
}

// newTestClient returns an enabled client delivering to an in-memory
// recorder, closed when the test ends.
func newTestClient(t testing.TB, opts Options) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	if opts.Transport == nil {
		opts.Transport = rec
	}
	if opts.MinLevel == 0 {
		opts.MinLevel = LevelDebug
	}
	c, err := NewClient(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c, rec
}

// flushed flushes c and returns what the recorder received.
func flushed(t testing.TB, c *Client, rec *recorder) []map[string]any {
	t.Helper()
	err := c.Flush(context.Background())
	require.NoError(t, err, fmt.Sprint(err))
	return rec.Events()
}

func metadataOf(ev map[string]any) map[string]any {
	m, _ := ev["metadata"].(map[string]any)
	return m
}

// tagsOf returns the event's tags without the SDK's event id tag, which
// every event carries (equal to its ingestion_id, or the test panics).
func tagsOf(ev map[string]any) map[string]any {
	m, _ := ev["tags"].(map[string]any)
	if id, ok := m[keyEventID]; ok {
		if id != ev["ingestion_id"] {
			panic(fmt.Sprintf("tag %s = %v, ingestion_id %v", keyEventID, id, ev["ingestion_id"]))
		}
		m = maps.Clone(m)
		delete(m, keyEventID)
	}
	return m
}
