package errsight

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAllocationGuards pins the allocations of the hot paths, so that a
// change cannot make them slower unnoticed. The race detector allocates on
// its own, so the guards only run without it.
func TestAllocationGuards(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	c := stalledClient(t, Options{})
	h := populatedHub(c)
	ctx := ContextWithHub(context.Background(), h)
	err := wrappedTwice()
	disabled := NewHub(nil, nil)
	disabledCtx := ContextWithHub(context.Background(), disabled)

	tests := []struct {
		name string
		max  float64
		f    func()
	}{
		{"disabled CaptureError", 0, func() { disabled.CaptureError(err) }},
		{"disabled package CaptureMessage", 0, func() { CaptureMessage(disabledCtx, "x", LevelError) }},
		{"disabled AddBreadcrumb", 0, func() { disabled.AddBreadcrumb(Breadcrumb{Message: "x"}) }},
		{"AddBreadcrumb", 1, func() { h.AddBreadcrumb(Breadcrumb{Message: "x"}) }},
		{"WithScope", 2, func() { _ = WithScope(ctx) }},
		// The tag waits in the fork's scope: no copy of the data or the map.
		{"WithScope and one SetTag", 2, func() {
			ConfigureScope(WithScope(ctx), func(s *Scope) { s.SetTag("route", "/cart") })
		}},
		// The record and its id are one allocation; an error's stack is in
		// it too.
		{"CaptureMessage", 1, func() { h.CaptureMessage("x", LevelError) }},
		{"CaptureError", 1, func() { CaptureError(ctx, err) }},
		{"Hub.CaptureError", 1, func() { h.CaptureError(err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testing.AllocsPerRun(200, tt.f)
			assert.LessOrEqual(t, got, tt.max, "%s: %.1f allocations, want at most %.0f", tt.name, got, tt.max)
		})
	}
}

// TestWorkerAllocationGuard pins what the worker allocates to build and
// encode an error event like those before it (warm caches, the request
// body's buffer reused): the Event, its Exception and its causes. The
// frames and the scope's parts come from the caches, and the encoding is
// written into the body.
func TestWorkerAllocationGuard(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	c, _ := newTestClient(t, Options{SpikeLimit: -1})
	h := populatedHub(c)
	err := wrappedTwice()
	pcs := callers(0)
	sd := h.scope.snapshot()
	// The records are made beforehand: the capture's own allocation is the
	// other test's.
	records := make([]*capture, 300)
	for i := range records {
		records[i] = &capture{level: LevelError, err: err, msg: err.Error(), pcs: pcs, id: newEventID(), scope: sd, at: monoNow()}
	}
	next := 0
	body := make([]byte, 0, 64<<10)
	encode := func() {
		b, err := c.encodeTo(body, records[next], shrinkNone)
		next++
		if err != nil || len(b) == 0 {
			t.Fatalf("encode: %d bytes, %v", len(b), err)
		}
	}
	for range 3 {
		encode() // warm the caches
	}
	got := testing.AllocsPerRun(200, encode)
	assert.LessOrEqual(t, got, 3.0, "worker: %.1f allocations per event, want at most 3", got)
}
