package errsight

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEncodeCacheSplicesOnlyWhatIsUnchanged: the worker splices the
// encoding of a stack, the scope's tags and breadcrumbs and the client's
// contexts only while the event still holds what they were made from. An
// event whose BeforeSend changed any of them, after identical events
// warmed the caches, is sent as changed: byte for byte what the uncached
// encoder writes.
func TestEncodeCacheSplicesOnlyWhatIsUnchanged(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(ev *Event)
		expect func(t *testing.T, wire string)
	}{
		{"frame function", func(ev *Event) { ev.Exception.Frames[0].Function = "Edited" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"function":"Edited"`)
		}},
		{"frame source line", func(ev *Event) { ev.Exception.Frames[0].ContextLine = "edited line" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"context_line":"edited line"`)
		}},
		{"frames dropped", func(ev *Event) { ev.Exception.Frames = ev.Exception.Frames[:1] }, func(t *testing.T, wire string) {
			assert.Equal(t, 1, strings.Count(wire, `"filename"`))
		}},
		{"tag added", func(ev *Event) { ev.Tags["edited"] = "yes" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"edited":"yes"`)
		}},
		{"tag deleted", func(ev *Event) { delete(ev.Tags, "tag0") }, func(t *testing.T, wire string) {
			assert.NotContains(t, wire, `"tag0"`)
		}},
		{"breadcrumb edited", func(ev *Event) { ev.Breadcrumbs[0].Message = "edited crumb" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"edited crumb"`)
		}},
		{"breadcrumbs dropped", func(ev *Event) { ev.Breadcrumbs = nil }, func(t *testing.T, wire string) {
			assert.NotContains(t, wire, `"breadcrumbs"`)
		}},
		{"message edited", func(ev *Event) { ev.Message = "another failure" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"another failure"]`, "the fingerprint's template follows the message")
		}},
		{"class edited", func(ev *Event) { ev.Exception.Class = "EditedClass" }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"fingerprint":["EditedClass"`)
		}},
		{"fingerprint set", func(ev *Event) { ev.Fingerprint = []string{"mine"} }, func(t *testing.T, wire string) {
			assert.Contains(t, wire, `"fingerprint":["mine"]`)
		}},
		{"context deleted", func(ev *Event) { delete(ev.Contexts, ContextServerName) }, func(t *testing.T, wire string) {
			assert.NotContains(t, wire, `"`+ContextServerName+`"`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edit bool
			c, _ := newTestClient(t, Options{SpikeLimit: -1, BeforeSend: func(ev *Event) *Event {
				if edit {
					tt.edit(ev)
				}
				return ev
			}})
			h := populatedHub(c)
			newEvent := func() *Event {
				var ev *Event
				atDepth(3, func() {
					ev = &Event{Level: LevelError, err: wrappedTwice(), Message: "load user", pcs: callers(0), ID: newEventID(), Timestamp: time.Now()}
				})
				ev.scope = h.scope.snapshot()
				return ev
			}
			// Two identical events of one stack, the second from warm caches.
			for range 2 {
				ev := newEvent()
				got, err := c.encode(&capture{ev: ev}, shrinkNone)
				require.NoError(t, err)
				require.Equal(t, string(appendEvent(nil, ev, shrinkNone)), string(got))
			}
			edit = true
			ev := newEvent()
			got, err := c.encode(&capture{ev: ev}, shrinkNone)
			require.NoError(t, err)
			require.Equal(t, string(appendEvent(nil, ev, shrinkNone)), string(got), "the edited event is sent as edited")
			tt.expect(t, string(got))
		})
	}
}

// TestSharedMapsNeverWrittenByHooks: events share the scope's tag and
// metadata maps and the client's contexts (no copy per event); a
// ContextHook that sets keys must change its own event only: not the
// scope, not the client, not the next event.
func TestSharedMapsNeverWrittenByHooks(t *testing.T) {
	hook := &tenantHook{}
	c, rec := newTestClient(t, Options{ContextHooks: []ContextHook{&contextsHook{}, hook}})
	h := NewHub(c, nil)
	h.Scope().SetTag("shared", "1")
	h.Scope().SetMetadata("shared", "1")
	ctx := ContextWithHub(context.Background(), h)

	tenant := "acme"
	CaptureMessage(context.WithValue(ctx, tenantKey{}, &tenant), "with hook values", LevelError)
	CaptureMessage(ctx, "without", LevelError)
	evs := flushed(t, c, rec)
	require.Len(t, evs, 2)

	assert.Equal(t, "acme", tagsOf(evs[0])["tenant"])
	assert.Equal(t, "hooked", eventContexts(evs[0])["hook"])
	assert.NotContains(t, tagsOf(evs[1]), "tenant", "a hook's tag leaked into the next event")
	assert.NotContains(t, eventContexts(evs[1]), "hook", "a hook's context leaked into the next event")
	assert.Equal(t, map[string]string{"shared": "1"}, h.Scope().Tags(), "a hook wrote into the scope")
	assert.NotContains(t, c.contexts, "hook", "a hook wrote into the client's contexts")
}

// contextsHook sets a context key and a metadata key on events captured
// with a tenant.
type contextsHook struct{}

func (contextsHook) FromContext(ctx context.Context, _ CaptureInfo) any {
	return ctx.Value(tenantKey{})
}

func (contextsHook) Enrich(ev *Event, _ any) {
	ev.Contexts["hook"] = "hooked"
	ev.Metadata["hook"] = "hooked"
}

func eventContexts(ev map[string]any) map[string]any {
	m, _ := metadataOf(ev)[keyContext].(map[string]any)
	return m
}

// TestFrameEqualComparesEveryField: frameEqual decides whether a cached
// stack's encoding is spliced, so it must see a change to any field of
// Frame, including fields added later.
func TestFrameEqualComparesEveryField(t *testing.T) {
	base := Frame{Filename: "a.go", AbsPath: "/a.go", Lineno: 1, Function: "f", Module: "m", InApp: true,
		PreContext: []string{"p"}, ContextLine: "c", PostContext: []string{"q"}}
	require.True(t, frameEqual(&base, &base))
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		changed := base
		changed.PreContext, changed.PostContext = []string{"p"}, []string{"q"}
		f := reflect.ValueOf(&changed).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"changed"}))
		default:
			t.Fatalf("Frame.%s is of kind %s: teach frameEqual and this test about it", typ.Field(i).Name, f.Kind())
		}
		assert.False(t, frameEqual(&base, &changed), "frameEqual misses a change of Frame.%s", typ.Field(i).Name)
	}
}

// TestWorkerCachesBounded: however many distinct stacks, tag maps,
// breadcrumb lists and messages the worker sees, its caches stay within
// their bounds.
func TestWorkerCachesBounded(t *testing.T) {
	c, _ := newTestClient(t, Options{SpikeLimit: -1})
	pcs := callers(0)
	for i := range 3 * maxStackEntries {
		stack := append([]uintptr{uintptr(i + 1)}, pcs...)
		c.cache.stacks.frames(c.sym, stack)
		require.LessOrEqual(t, len(c.cache.stacks.m), maxStackEntries)
	}
	var crumbs *crumbNode
	for i := range 3 * maxPartEntries {
		crumbs = crumbs.push(Breadcrumb{Message: "m", Timestamp: time.Unix(int64(i), 0)})
		c.cache.parts.crumbsJSON(crumbs)
		c.cache.parts.tagMembers(map[string]string{"k": "v"})
		require.LessOrEqual(t, len(c.cache.parts.crumbs)+len(c.cache.parts.tags), maxPartEntries)
	}
	for i := range 3 * maxTemplates {
		c.cache.templates.template("message " + string(rune('a'+i%26)) + time.Unix(int64(i), 0).String())
		require.LessOrEqual(t, len(c.cache.templates.m), maxTemplates)
	}
}

// TestStackCacheFollowsSymbolizerGeneration: frames cached before the
// symboliser learned something that changes them are made again.
func TestStackCacheFollowsSymbolizerGeneration(t *testing.T) {
	c, _ := newTestClient(t, Options{SpikeLimit: -1})
	pcs := callers(0)
	first := c.cache.stacks.frames(c.sym, pcs)
	require.Same(t, first, c.cache.stacks.frames(c.sym, pcs), "a second lookup hits")
	first.gen-- // as if made under an earlier generation
	again := c.cache.stacks.frames(c.sym, pcs)
	assert.NotSame(t, first, again)
	assert.Equal(t, first.frames, again.frames)
}
