package errsight

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stretchr/testify/assert"
)

func TestScopeCopyOnWrite(t *testing.T) {
	parent := NewScope()
	parent.SetTag("a", "1")
	parent.SetMetadata("m", 1)
	parent.AddBreadcrumb(Breadcrumb{Message: "p1"})
	child := parent.Clone()

	child.SetTag("b", "2")
	child.SetMetadata("n", 2)
	child.AddBreadcrumb(Breadcrumb{Message: "c1"})
	child.SetUser(User{ID: "child"})
	parent.SetTag("a", "changed")
	parent.AddBreadcrumb(Breadcrumb{Message: "p2"})

	got := parent.Tags()
	assert.True(t, maps.Equal(got, map[string]string{"a": "changed"}), "parent tags = %v", got)
	assert.Equal(t, map[string]string{"a": "1", "b": "2"}, child.Tags(), "child tags")
	_, ok := parent.Metadata()["n"]
	assert.False(t, ok, "child metadata leaked into parent")
	assert.Equal(t, []string{"p1", "p2"}, messages(parent.Breadcrumbs()), "parent breadcrumbs")
	assert.Equal(t, []string{"p1", "c1"}, messages(child.Breadcrumbs()), "child breadcrumbs")
	assert.Equal(t, (User{}), parent.User(), "parent user = %+v", parent.User())
}

func TestScopeSnapshotIsolation(t *testing.T) {
	s := NewScope()
	s.SetTag("k", "before")
	snap := s.snapshot()
	s.SetTag("k", "after")
	s.RemoveTag("k")
	assert.EqualValues(t, "before", snap.tags["k"], "snapshot changed: %v", snap.tags)
}

func TestScopeMutators(t *testing.T) {
	s := NewScope()
	s.SetTags(map[string]string{"a": "1", "b": "2"})
	s.RemoveTag("a")
	s.RemoveTag("missing")
	s.SetMetadata("x", 1)
	s.SetMetadata("x", nil)
	fp := []string{"one", "two"}
	s.SetFingerprint(fp)
	fp[0] = "mutated"
	got := s.Tags()
	assert.True(t, maps.Equal(got, map[string]string{"b": "2"}), "tags = %v", got)
	assert.Zero(t, len(s.Metadata()), "SetMetadata(nil) did not remove: %v", s.Metadata())
	assert.Equal(t, []string{"one", "two"}, s.Fingerprint(), "fingerprint (the caller's slice must be copied)")
	s.AddBreadcrumb(Breadcrumb{Message: "x"})
	s.ClearBreadcrumbs()
	assert.Zero(t, len(s.Breadcrumbs()), "ClearBreadcrumbs left some")
	s.SetUser(User{ID: "u"})
	s.Clear()
	require.Equal(t, (User{}), s.User(), "Clear left data")
	require.Zero(t, len(s.Tags()), "Clear left data")
	assert.Zero(t, len(s.Fingerprint()), "Clear left data")
	var zero Scope
	zero.SetTag("works", "yes")
	assert.EqualValues(t, "yes", zero.Tags()["works"], "the zero Scope is not usable")
}

func TestBreadcrumbRingKeepsNewest(t *testing.T) {
	s := NewScope()
	for i := range 1000 {
		s.AddBreadcrumb(Breadcrumb{Message: fmt.Sprint(i)})
	}
	got := messages(s.Breadcrumbs())
	require.Len(t, got, maxBreadcrumbs, "breadcrumbs = %d, first %q last %q; want the newest 50", len(got), got[0], got[len(got)-1])
	require.EqualValues(t, "950", got[0], "breadcrumbs = %d, first %q last %q; want the newest 50", len(got), got[0], got[len(got)-1])
	require.EqualValues(t, "999", got[49], "breadcrumbs = %d, first %q last %q; want the newest 50", len(got), got[0], got[len(got)-1])
	n := s.d.crumbs.n
	assert.Less(t, n, crumbCompactAt*maxBreadcrumbs, "list length %d: compaction did not bound memory", n)
	crumb := s.Breadcrumbs()[0]
	require.Equal(t, LevelInfo, crumb.Level, "defaults not applied: %+v", crumb)
	assert.False(t, crumb.Timestamp.IsZero(), "defaults not applied: %+v", crumb)
}

func TestContextHelpers(t *testing.T) {
	assert.Same(t, CurrentHub(), HubFromContext(context.Background()), "no hub in ctx must give the global hub")
	//lint:ignore SA1012 a nil context must be tolerated
	assert.Same(t, CurrentHub(), HubFromContext(nil), "nil ctx must give the global hub")
	h := NewHub(nil, nil)
	ctx := ContextWithHub(context.Background(), h)
	assert.Same(t, h, HubFromContext(ctx), "ContextWithHub/HubFromContext round trip failed")
	assert.Equal(t, ctx, ContextWithHub(ctx, nil), "ContextWithHub(ctx, nil) must return ctx")
	forked := WithScope(ctx)
	assert.NotSame(t, h, HubFromContext(forked), "WithScope did not fork the hub")
	ConfigureScope(forked, func(s *Scope) { s.SetTag("only", "forked") })
	_, ok := h.Scope().Tags()["only"]
	assert.False(t, ok, "forked scope change reached the parent")
	s := NewScope()
	assert.Same(t, s, NewHub(nil, s).Scope(), "NewHub must use the given scope")
}

// TestConcurrentScopesDoNotLeak: 1,000 goroutines, each with its own forked
// context, capture concurrently; every event carries exactly its own user,
// tags and breadcrumbs, and the parent scope is unchanged.
func TestConcurrentScopesDoNotLeak(t *testing.T) {
	// The messages differ only in a number: one issue, which the spike
	// guard would cut to 60 a minute.
	c, rec := newTestClient(t, Options{MaxQueueSize: 2000, BatchSize: 100, SpikeLimit: -1})
	root := NewHub(c, nil)
	root.Scope().SetTag("global", "yes")
	rootCtx := ContextWithHub(context.Background(), root)

	const n = 1000
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := WithScope(rootCtx)
			id := fmt.Sprint(i)
			ConfigureScope(ctx, func(s *Scope) {
				s.SetUser(User{ID: id})
				s.SetTag("worker", id)
			})
			AddBreadcrumb(ctx, Breadcrumb{Message: "crumb-" + id})
			CaptureMessage(ctx, "msg-"+id, LevelError)
		}()
	}
	wg.Wait()
	events := flushed(t, c, rec)
	require.Len(t, events, n, "got %d events, want %d", len(events), n)
	for _, ev := range events {
		id := ev["message"].(string)[len("msg-"):]
		user := ev["user"].(map[string]any)
		require.Equal(t, id, user["id"], "event %s has user %v", id, user["id"])
		tags := tagsOf(ev)
		require.Equal(t, id, tags["worker"], "event %s has tags %v", id, tags)
		require.EqualValues(t, "yes", tags["global"], "event %s has tags %v", id, tags)
		require.Len(t, tags, 2, "event %s has tags %v", id, tags)
		crumbs := ev["breadcrumbs"].([]any)
		require.Len(t, crumbs, 1, "event %s has breadcrumbs %v", id, crumbs)
		require.Equal(t, "crumb-"+id, crumbs[0].(map[string]any)["message"], "event %s has breadcrumbs %v", id, crumbs)
	}
	got := root.Scope().Tags()
	assert.True(t, maps.Equal(got, map[string]string{"global": "yes"}), "root scope changed: %v", got)
	require.Zero(t, len(root.Scope().Breadcrumbs()), "root scope gained a user or breadcrumbs")
	assert.Equal(t, (User{}), root.Scope().User(), "root scope gained a user or breadcrumbs")
}

func messages(bs []Breadcrumb) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Message
	}
	return out
}

// TestPendingTags checks the tags a fork holds before merging them: they
// are seen by Tags and by the next snapshot, reach neither the parent nor
// an earlier snapshot, and mix with RemoveTag, SetTags and Clear.
func TestPendingTags(t *testing.T) {
	tests := []struct {
		name string
		do   func(s *Scope)
		want map[string]string
	}{
		{"one tag", func(s *Scope) { s.SetTag("route", "/cart") }, map[string]string{"base": "1", "route": "/cart"}},
		{"same key twice", func(s *Scope) { s.SetTag("k", "a"); s.SetTag("k", "b") }, map[string]string{"base": "1", "k": "b"}},
		{"overrides the parent", func(s *Scope) { s.SetTag("base", "2") }, map[string]string{"base": "2"}},
		{"more than pending holds", func(s *Scope) {
			for i := range pendingTags + 2 {
				s.SetTag(fmt.Sprint("k", i), fmt.Sprint(i))
			}
		}, map[string]string{"base": "1", "k0": "0", "k1": "1", "k2": "2", "k3": "3"}},
		{"removed", func(s *Scope) { s.SetTag("k", "a"); s.RemoveTag("k") }, map[string]string{"base": "1"}},
		{"then SetTags", func(s *Scope) { s.SetTag("k", "a"); s.SetTags(map[string]string{"k": "b", "j": "c"}) }, map[string]string{"base": "1", "k": "b", "j": "c"}},
		{"cleared", func(s *Scope) { s.SetTag("k", "a"); s.Clear() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := NewScope()
			parent.SetTag("base", "1")
			_ = parent.snapshot() // the parent's map is shared from here
			fork := parent.Clone()
			before := fork.snapshot()
			tt.do(fork)
			assert.Equal(t, tt.want, nilIfEmpty(fork.Tags()))
			assert.Equal(t, tt.want, nilIfEmpty(fork.snapshot().tagsOrNil()), "the next snapshot")
			assert.Equal(t, map[string]string{"base": "1"}, parent.Tags(), "the parent")
			assert.Equal(t, map[string]string{"base": "1"}, before.tags, "an earlier snapshot")
		})
	}
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func (d *scopeData) tagsOrNil() map[string]string {
	if d == nil {
		return nil
	}
	return d.tags
}
