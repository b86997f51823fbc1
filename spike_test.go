package errsight

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/stacktrace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpikeGuard(t *testing.T) {
	g := newSpikeGuard(3)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hot := func() *Event { return &Event{Level: LevelError, Message: "hot"} }
	sent := 0
	for range 10 {
		if !g.suppress(hot(), "hot", now) {
			sent++
		}
	}
	require.EqualValues(t, 3, sent, "sent %d of 10 in one window, want 3", sent)
	require.False(t, g.suppress(&Event{Level: LevelError, Message: "other"}, "other", now), "a different event was suppressed")
	next := hot()
	require.False(t, g.suppress(next, "hot", now.Add(spikeWindow)), "the budget did not renew after a minute")
	assert.EqualValues(t, 7, next.suppressed, "the next event carries %d suppressed, want 7", next.suppressed)
	var disabled *spikeGuard
	assert.False(t, disabled.suppress(hot(), "hot", now), "a nil guard suppressed")
}

// TestGroupKeyIsTheServersKey: the guard's key, computed before the event
// is built, is the issue key the server stores for what is then sent.
func TestGroupKeyIsTheServersKey(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	hub := NewHub(c, nil)
	fpHub := NewHub(c, nil)
	fpHub.Scope().SetFingerprint([]string{" custom ", "", "fp"})
	// unbuilt returns an event as the capture functions record it.
	unbuilt := func(h *Hub, err error, msg string) *Event {
		if err != nil {
			msg = stacktrace.ErrorMessage(err)
		}
		return &Event{ID: newEventID(), Level: LevelError, Message: msg, Timestamp: time.Now(), err: err, pcs: callers(1), scope: h.scope.snapshot()}
	}
	var panicked *Event
	func() {
		defer func() {
			r := recover()
			panicked = &Event{ID: newEventID(), Level: LevelFatal, Message: "panic: " + safe.PanicText(r), Timestamp: time.Now(),
				Exception: &Exception{Class: panicClass(r)}, pcs: callers(0)}
		}()
		s, i := []int{1}, 3
		_ = s[i]
	}()
	tests := map[string]*Event{
		"wrapped":           unbuilt(hub, fmt.Errorf("load user %d: %w", 7, errNotFound), ""),
		"typed":             unbuilt(hub, &testError{"typed"}, ""),
		"origin stack":      unbuilt(hub, &originError{msg: "created elsewhere", pcs: callers(0)}, ""),
		"message":           unbuilt(hub, nil, `cache miss for "k1"`),
		"scope fingerprint": unbuilt(fpHub, errors.New("x"), ""),
		"panic":             panicked,
		"hand-built":        {ID: newEventID(), Message: "m", Timestamp: time.Now(), Exception: &Exception{Class: "E", Frames: []Frame{{Filename: "a.go", Function: "f", InApp: true}}}},
	}
	for name, ev := range tests {
		t.Run(name, func(t *testing.T) {
			key := c.groupKey(ev)
			ev.build(c)
			sent := errsighttest.Event{Raw: appendEvent(nil, ev, shrinkNone)}
			assert.Equal(t, sent.GroupingKey(), key)
			assert.Equal(t, errsighttest.GroupedByFingerprint, sent.Stored().Grouping)
		})
	}
}

var errNotFound = errors.New("not found")

// originError carries the stack it was created with, as pkg/errors does.
type originError struct {
	msg string
	pcs []uintptr
}

func (e *originError) Error() string      { return e.msg }
func (e *originError) Callers() []uintptr { return e.pcs }

// TestSpikeGuardSparesOtherIssues: a hot loop at one place does not
// suppress a different error captured at the same place (same class, same
// function): they are different issues on the server.
func TestSpikeGuardSparesOtherIssues(t *testing.T) {
	c, rec := newTestClient(t, Options{SpikeLimit: 5, MaxQueueSize: 1000})
	hub := NewHub(c, nil)
	report := func(err error) { hub.CaptureError(err) } // one capture site
	for i := range 70 {
		report(fmt.Errorf("query orders for user %d: timeout", i))
	}
	report(errors.New("render invoice: template missing"))
	events := flushed(t, c, rec)
	require.Len(t, events, 6)
	assert.Equal(t, "render invoice: template missing", events[5]["message"])
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
	assert.EqualValues(t, 1, other, "the different error arrived %d times", other)
	assert.EqualValues(t, 5, hot, "the hot loop sent %d events, want SpikeLimit 5", hot)
	got := c.Stats().Dropped.Suppressed
	assert.EqualValues(t, 195, got, "Stats().Dropped.Suppressed = %d, want 195", got)
}

// BenchmarkSpikeGuardDrop is what the worker pays for an event the guard
// drops (decided before the event is built), beside BenchmarkEncodeBuilt,
// what building and encoding the same event costs.
func BenchmarkSpikeGuardDrop(b *testing.B) {
	c, _ := newTestClient(b, Options{SpikeLimit: 1})
	hub := NewHub(c, nil)
	err := fmt.Errorf("load user %d: %w", 7, errNotFound)
	capture := func() *capture {
		return &capture{ev: &Event{ID: newEventID(), Level: LevelError, Message: err.Error(), Timestamp: time.Now(), err: err, pcs: callers(0), scope: hub.scope.snapshot()}}
	}
	if data, _ := c.encode(capture(), shrinkNone); data == nil {
		b.Fatal("the first event was dropped")
	}
	b.ReportAllocs()
	for b.Loop() {
		if data, _ := c.encode(capture(), shrinkNone); data != nil {
			b.Fatal("not dropped")
		}
	}
}

func BenchmarkEncodeBuilt(b *testing.B) {
	c, _ := newTestClient(b, Options{SpikeLimit: -1})
	hub := NewHub(c, nil)
	err := fmt.Errorf("load user %d: %w", 7, errNotFound)
	b.ReportAllocs()
	for b.Loop() {
		r := &capture{ev: &Event{ID: newEventID(), Level: LevelError, Message: err.Error(), Timestamp: time.Now(), err: err, pcs: callers(0), scope: hub.scope.snapshot()}}
		if data, _ := c.encode(r, shrinkNone); data == nil {
			b.Fatal("dropped")
		}
	}
}

// fingerprintHook puts the capture context's tenant in the fingerprint.
type fingerprintHook struct{}

func (fingerprintHook) FromContext(ctx context.Context, _ CaptureInfo) any {
	t, _ := ctx.Value(tenantKey{}).(*string)
	return t
}

func (fingerprintHook) Enrich(ev *Event, v any) {
	ev.Fingerprint = []string{"tenant", *v.(*string)}
}

// TestSpikeGuardHonoursHookFingerprints: a ContextHook that sets the
// fingerprint decides the issue, so the guard keys on it too.
func TestSpikeGuardHonoursHookFingerprints(t *testing.T) {
	c, rec := newTestClient(t, Options{SpikeLimit: 1, ContextHooks: []ContextHook{fingerprintHook{}}})
	hub := NewHub(c, nil)
	for _, tenant := range []string{"acme", "acme", "globex"} {
		ctx := context.WithValue(ContextWithHub(context.Background(), hub), tenantKey{}, &tenant)
		CaptureError(ctx, errors.New("quota exceeded"))
	}
	events := flushed(t, c, rec)
	require.Len(t, events, 2, "one per tenant")
	assert.Equal(t, []any{"tenant", "globex"}, events[1]["fingerprint"])
}
