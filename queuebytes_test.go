package errsight

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// stuckTransport holds every Send until released: a hung server.
type stuckTransport struct{ release chan struct{} }

func (s stuckTransport) Send(ctx context.Context, _ []byte) transport.Outcome {
	select {
	case <-s.release:
		return transport.Outcome{Kind: transport.Delivered, Status: 202}
	case <-ctx.Done():
		return transport.Outcome{Kind: transport.Retry, Err: ctx.Err()}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestQueueBoundedByBytes: with the server hung, 1,000 captures of 256 KiB
// held about 258 MB, although at most 10,000 characters of each can ever
// be sent. Messages are now trimmed at capture, and errors (whose value
// holds the whole text until the worker builds the event) are charged to
// MaxQueueBytes: beyond it they are dropped as queue-full.
func TestQueueBoundedByBytes(t *testing.T) {
	huge := strings.Repeat("x", 256<<10)
	tests := []struct {
		name         string
		capture      func(h *Hub, i int)
		wantDropped  bool
		maxHeapBytes uint64
	}{
		{"messages are trimmed at capture", func(h *Hub, i int) {
			h.CaptureMessage(huge+string(rune('a'+i%26)), LevelError)
		}, false, 48 << 20},
		{"errors are charged to MaxQueueBytes", func(h *Hub, i int) {
			h.CaptureError(errors.New(huge + string(rune('a'+i%26))))
		}, true, 48 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stuck := stuckTransport{release: make(chan struct{})}
			c, err := NewClient(Options{APIKey: testKey, Transport: stuck, MinLevel: LevelDebug, SpikeLimit: -1, ShutdownTimeout: 1})
			require.NoError(t, err)
			h := NewHub(c, nil)
			before := heapInUse()
			for i := range DefaultMaxQueueSize {
				tt.capture(h, i)
			}
			grew := int64(heapInUse()) - int64(before)
			st := c.Stats()
			assert.LessOrEqual(t, c.queueBytes.queued(), int64(DefaultMaxQueueBytes))
			assert.Less(t, grew, int64(tt.maxHeapBytes), "heap grew by %d MB for %d queued events", grew>>20, st.Pending)
			assert.Equal(t, tt.wantDropped, st.Dropped.QueueFull > 0, "stats %+v", st)
			close(stuck.release)
			require.NoError(t, c.Flush(context.Background()))
			assert.Zero(t, c.queueBytes.queued(), "charges not released")
			_ = c.Close()
			st = c.Stats()
			assert.Equal(t, st.Captured, st.Sent, "%+v", st)
		})
	}
}

func TestMaxQueueBytesOption(t *testing.T) {
	c, rec := newTestClient(t, Options{MaxQueueBytes: 2 * captureOverhead})
	assert.Equal(t, 2*captureOverhead, c.Options().MaxQueueBytes)
	h := NewHub(c, nil)
	assert.NotEmpty(t, h.CaptureMessage("fits", LevelError))
	assert.Empty(t, h.CaptureMessage(strings.Repeat("y", 4*captureOverhead), LevelError), "over the byte budget")
	assert.Len(t, flushed(t, c, rec), 1)
	assert.EqualValues(t, 1, c.Stats().Dropped.QueueFull)

	_, err := NewClient(Options{MaxQueueBytes: -1})
	assert.ErrorContains(t, err, "MaxQueueBytes")
}

// TestBreadcrumbDataTrimmedWhenAdded: a scope keeps up to 100 breadcrumbs
// for every event queued from it; a long data string is cut when added, as
// the encoder would cut it, in a copy (the caller's map is left alone).
func TestBreadcrumbDataTrimmedWhenAdded(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	h := NewHub(c, nil)
	long := strings.Repeat("z", 256<<10)
	data := map[string]any{"body": long, "n": 1}
	h.AddBreadcrumb(Breadcrumb{Message: strings.Repeat("m", 4*maxCrumbMessage), Data: data})
	crumbs := h.Scope().Breadcrumbs()
	require.Len(t, crumbs, 1)
	assert.LessOrEqual(t, len(crumbs[0].Data["body"].(string)), 4*shrunkValueBytes)
	assert.LessOrEqual(t, len(crumbs[0].Message), 4*maxCrumbMessage/2)
	assert.Equal(t, long, data["body"], "the caller's map was changed")
	h.CaptureMessage("m", LevelError)
	events := flushed(t, c, rec)
	require.Len(t, events, 1)
	sent := events[0]["breadcrumbs"].([]any)[0].(map[string]any)["data"].(map[string]any)["body"].(string)
	assert.Equal(t, truncate(long, shrunkValueBytes), sent, "what is sent is unchanged")
}

// TestReserveWithStaleView checks the byte budget's arithmetic: a capture's
// stale view of the releases never admits one too many, and never drops one
// that fits once the releases are read.
func TestReserveWithStaleView(t *testing.T) {
	c := &Client{opts: Options{MaxQueueBytes: 10 * captureOverhead}, log: newDebugLog(nil, false, "")}
	var held []*capture
	for range 10 {
		r := &capture{}
		require.True(t, c.reserve(r))
		held = append(held, r)
	}
	assert.False(t, c.reserve(&capture{}), "the eleventh does not fit")
	assert.Equal(t, int64(10*captureOverhead), c.queueBytes.queued())
	for _, r := range held[:3] {
		c.release(r)
	}
	for range 3 {
		assert.True(t, c.reserve(&capture{}), "released room is reused")
	}
	assert.False(t, c.reserve(&capture{}))
	assert.Equal(t, int64(10*captureOverhead), c.queueBytes.queued())
	assert.Equal(t, uint64(2), c.queueBytesFull.Load())
	for _, r := range held[3:] {
		c.release(r)
	}
	assert.Equal(t, int64(3*captureOverhead), c.queueBytes.queued())
}
