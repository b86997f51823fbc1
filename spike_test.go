package errsight

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestSpikeGuard(t *testing.T) {
	g := newSpikeGuard(3)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hot := func() *Event { return &Event{Level: LevelError, Message: "hot"} }
	sent := 0
	for range 10 {
		if !g.suppress(hot(), now) {
			sent++
		}
	}
	if sent != 3 {
		t.Fatalf("sent %d of 10 in one window, want 3", sent)
	}
	if g.suppress(&Event{Level: LevelError, Message: "other"}, now) {
		t.Fatal("a different event was suppressed")
	}
	next := hot()
	if g.suppress(next, now.Add(spikeWindow)) {
		t.Fatal("the budget did not renew after a minute")
	}
	if next.suppressed != 7 {
		t.Errorf("the next event carries %d suppressed, want 7", next.suppressed)
	}
	var disabled *spikeGuard
	if disabled.suppress(hot(), now) {
		t.Error("a nil guard suppressed")
	}
}

func TestSpikeKey(t *testing.T) {
	frames := []Frame{{Function: "runtime.x"}, {Filename: "app.go", Function: "handle", InApp: true}}
	tests := []struct {
		name string
		a, b *Event
		same bool
	}{
		{"same fingerprint", &Event{Fingerprint: []string{"x"}, Message: "1"}, &Event{Fingerprint: []string{"x"}, Message: "2"}, true},
		{"same class and frame, other message", &Event{Message: "id 1", Exception: &Exception{Class: "E", Frames: frames}}, &Event{Message: "id 2", Exception: &Exception{Class: "E", Frames: frames}}, true},
		{"other class", &Event{Exception: &Exception{Class: "E", Frames: frames}}, &Event{Exception: &Exception{Class: "F", Frames: frames}}, false},
		{"messages differ", &Event{Message: "a"}, &Event{Message: "b"}, false},
	}
	for _, tt := range tests {
		if got := spikeKey(tt.a) == spikeKey(tt.b); got != tt.same {
			t.Errorf("%s: same key = %v, want %v", tt.name, got, tt.same)
		}
	}
}

// TestSpikeProtectionEndToEnd: a hot loop is collapsed while a different
// error still gets through, and the drops are counted.
func TestSpikeProtectionEndToEnd(t *testing.T) {
	c, rec := newTestClient(t, Options{SpikeLimit: 5, MaxQueueSize: 1000})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	for i := range 200 {
		CaptureError(ctx, fmt.Errorf("hot loop iteration %d", i)) // same class and frame
	}
	CaptureError(ctx, &testError{"a different error"}) // another class: another issue
	events := flushed(t, c, rec)
	hot, other := 0, 0
	for _, ev := range events {
		if ev["message"] == "a different error" {
			other++
		} else {
			hot++
		}
	}
	if other != 1 {
		t.Errorf("the different error arrived %d times", other)
	}
	if hot != 5 {
		t.Errorf("the hot loop sent %d events, want SpikeLimit 5", hot)
	}
	if got := c.Stats().Dropped.Suppressed; got != 195 {
		t.Errorf("Stats().Dropped.Suppressed = %d, want 195", got)
	}
}
