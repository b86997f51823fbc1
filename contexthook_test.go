package errsight

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tenantKey carries a tenant name in a context, for tenantHook.
type tenantKey struct{}

// tenantHook tags events with the tenant of their capture context, and
// remembers what FromContext was told.
type tenantHook struct {
	calls atomic.Int32
	last  atomic.Pointer[CaptureInfo]
}

func (h *tenantHook) FromContext(ctx context.Context, info CaptureInfo) any {
	h.calls.Add(1)
	h.last.Store(&info)
	if t, ok := ctx.Value(tenantKey{}).(*string); ok {
		return t
	}
	return nil
}

func (h *tenantHook) Enrich(ev *Event, v any) {
	if ev.Tags == nil {
		ev.Tags = map[string]string{}
	}
	ev.Tags["tenant"] = *v.(*string)
}

// panicHook panics in the step it is told to.
type panicHook struct{ inFromContext bool }

func (h panicHook) FromContext(context.Context, CaptureInfo) any {
	if h.inFromContext {
		panic("hook failed")
	}
	return h
}

func (panicHook) Enrich(*Event, any) { panic("enrich failed") }

func TestContextHook(t *testing.T) {
	hook := &tenantHook{}
	c, rec := newTestClient(t, Options{ContextHooks: []ContextHook{hook}})
	h := NewHub(c, nil)
	tenant := "acme"
	ctx := context.WithValue(ContextWithHub(context.Background(), h), tenantKey{}, &tenant)
	plain := ContextWithHub(context.Background(), h)
	errBoom := errors.New("boom")

	tests := []struct {
		name       string
		capture    func() EventID
		wantTenant bool
		wantErr    error
	}{
		{"CaptureError", func() EventID { return CaptureError(ctx, errBoom) }, true, errBoom},
		{"CaptureMessage", func() EventID { return CaptureMessage(ctx, "m", LevelError) }, true, nil},
		{"CaptureEvent", func() EventID { return CaptureEvent(ctx, &Event{Message: "e"}) }, true, nil},
		{"Recover", func() EventID {
			panicsWith(func() { defer Recover(ctx); panic(errBoom) })
			return hook.last.Load().ID
		}, true, errBoom},
		{"no tenant in ctx", func() EventID { return CaptureError(plain, errBoom) }, false, errBoom},
		{"Hub method: no ctx, no hook", func() EventID { return h.CaptureError(errBoom) }, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Events())
			calls := hook.calls.Load()
			hook.last.Store(nil)
			id := tt.capture()
			evs := flushed(t, c, rec)
			require.NotEmpty(t, id, "id %q, %d new events", id, len(evs)-before)
			require.Len(t, evs, before+1, "id %q, %d new events", id, len(evs)-before)
			ev := evs[len(evs)-1]
			got := tagsOf(ev)["tenant"]
			assert.Equal(t, tt.wantTenant, (got == "acme"), "tenant tag %v, want it: %v", got, tt.wantTenant)
			if tt.name == "Hub method: no ctx, no hook" {
				assert.Equal(t, calls, hook.calls.Load(), "FromContext called without a context")
				return
			}
			info := hook.last.Load()
			require.NotNil(t, info, "FromContext saw %+v for event %q", info, id)
			require.Equal(t, id, info.ID, "FromContext saw %+v for event %q", info, id)
			require.Equal(t, ev["ingestion_id"], string(info.ID), "FromContext saw %+v for event %q", info, id)
			require.ErrorIs(t, info.Err, tt.wantErr, "FromContext saw %+v for event %q", info, id)
			assert.NotEmpty(t, info.Message, "FromContext saw %+v for event %q", info, id)
		})
	}
}

// TestContextHookPanics checks that a hook panicking in either step never
// reaches the capturing goroutine nor loses the event, and says so in the
// debug log.
func TestContextHookPanics(t *testing.T) {
	for _, inFromContext := range []bool{true, false} {
		log := &lockedWriter{w: &bytes.Buffer{}}
		c, rec := newTestClient(t, Options{
			ContextHooks: []ContextHook{panicHook{inFromContext}, &tenantHook{}},
			Debug:        true, DebugWriter: log,
		})
		ctx := ContextWithHub(context.Background(), NewHub(c, nil))
		require.NotEmpty(t, CaptureMessage(ctx, "still sent", LevelError), "event not queued")
		evs := flushed(t, c, rec)
		require.Len(t, evs, 1, "events %v", evs)
		assert.EqualValues(t, "still sent", evs[0]["message"], "events %v", evs)
		step := map[bool]string{true: "FromContext", false: "Enrich"}[inFromContext]
		assert.Contains(t, log.String(), "panicked in "+step, "debug log %q does not name the %s panic", log.String(), step)
	}
}

// keyHook returns what ctx holds under tenantKey, allocating nothing: the
// allocation guard measures the hook machinery, not the hook.
type keyHook struct{}

func (keyHook) FromContext(ctx context.Context, _ CaptureInfo) any { return ctx.Value(tenantKey{}) }
func (keyHook) Enrich(*Event, any)                                 {}

// TestContextHookAllocations pins the cost of an installed hook that finds
// nothing in the context (the usual case, e.g. errsightotel outside a span):
// no allocation beyond those of the capture itself.
func TestContextHookAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	err := wrappedTwice()
	plain := ContextWithHub(context.Background(), populatedHub(stalledClient(t, Options{})))
	hooked := ContextWithHub(context.Background(), populatedHub(stalledClient(t, Options{ContextHooks: []ContextHook{keyHook{}, keyHook{}}})))
	want := testing.AllocsPerRun(200, func() { CaptureError(plain, err) })
	got := testing.AllocsPerRun(200, func() { CaptureError(hooked, err) })
	assert.Equal(t, want, got, "CaptureError with two hooks finding nothing: %.1f allocations, without hooks %.1f", got, want)
}

// TestHubContextMethods checks that the Hub's Context variants run the hooks
// with the context given, reporting on the hub itself (not the hub of ctx).
func TestHubContextMethods(t *testing.T) {
	hook := &tenantHook{}
	c, rec := newTestClient(t, Options{ContextHooks: []ContextHook{hook}})
	h := NewHub(c, nil)
	h.Scope().SetTag("hub", "h")
	tenant := "acme"
	ctx := context.WithValue(context.Background(), tenantKey{}, &tenant) // no hub in ctx
	ids := []EventID{
		h.CaptureErrorContext(ctx, errors.New("e")),
		h.CaptureMessageContext(ctx, "m", LevelError),
		h.CaptureEventContext(ctx, &Event{Message: "ev"}),
		h.RecoverContext(ctx, "boom"),
	}
	evs := flushed(t, c, rec)
	require.Len(t, evs, len(ids), "%d events", len(evs))
	for i, ev := range evs {
		require.NotEmpty(t, ids[i], "event %d (%v): tags %v", i, ev["message"], tagsOf(ev))
		require.EqualValues(t, "acme", tagsOf(ev)["tenant"], "event %d (%v): tags %v", i, ev["message"], tagsOf(ev))
		assert.EqualValues(t, "h", tagsOf(ev)["hub"], "event %d (%v): tags %v", i, ev["message"], tagsOf(ev))
	}
	//lint:ignore SA1012 a nil context on purpose: hooks skipped, no panic
	assert.NotEmpty(t, h.CaptureErrorContext(nil, errors.New("nil ctx")), "nil ctx: nothing queued")
}
