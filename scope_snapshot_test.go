package errsight

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSnapshotAfterWrite checks that a snapshot taken after any write sees
// it, also when the snapshot before was published for lock-free reads.
func TestSnapshotAfterWrite(t *testing.T) {
	tests := []struct {
		name  string
		write func(s *Scope)
		check func(t *testing.T, d *scopeData)
	}{
		{"SetTag (pending)", func(s *Scope) { s.SetTag("k", "v2") }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, "v2", d.tags["k"])
		}},
		{"SetTags", func(s *Scope) { s.SetTags(map[string]string{"k": "v3"}) }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, "v3", d.tags["k"])
		}},
		{"RemoveTag", func(s *Scope) { s.RemoveTag("k") }, func(t *testing.T, d *scopeData) {
			assert.NotContains(t, d.tags, "k")
		}},
		{"SetUser", func(s *Scope) { s.SetUser(User{ID: "u2"}) }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, "u2", d.user.ID)
		}},
		{"SetMetadata", func(s *Scope) { s.SetMetadata("m", 2) }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, 2, d.metadata["m"])
		}},
		{"SetFingerprint", func(s *Scope) { s.SetFingerprint([]string{"f"}) }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, []string{"f"}, d.fingerprint)
		}},
		{"AddBreadcrumb", func(s *Scope) { s.AddBreadcrumb(Breadcrumb{Message: "b2"}) }, func(t *testing.T, d *scopeData) {
			assert.Equal(t, "b2", d.crumbs.b.Message)
		}},
		{"ClearBreadcrumbs", func(s *Scope) { s.ClearBreadcrumbs() }, func(t *testing.T, d *scopeData) {
			assert.Nil(t, d.crumbs)
		}},
		{"Clear", func(s *Scope) { s.Clear() }, func(t *testing.T, d *scopeData) {
			assert.Nil(t, d)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScope()
			s.SetTag("k", "v1")
			s.SetUser(User{ID: "u1"})
			s.SetMetadata("m", 1)
			s.AddBreadcrumb(Breadcrumb{Message: "b1"})
			before := s.snapshot()
			require.Same(t, before, s.snapshot(), "an unchanged scope gives the same snapshot")
			tt.write(s)
			after := s.snapshot()
			tt.check(t, after)
			// The earlier snapshot is untouched.
			assert.Equal(t, "v1", before.tags["k"])
			assert.Equal(t, "u1", before.user.ID)
			assert.Equal(t, 1, before.metadata["m"])
			assert.Equal(t, "b1", before.crumbs.b.Message)
		})
	}
}

// TestSnapshotConcurrentWrites takes snapshots while another goroutine
// sets a counter tag: each snapshot is consistent (tag and user agree) and
// never goes back in time.
func TestSnapshotConcurrentWrites(t *testing.T) {
	s := NewScope()
	const n = 2000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= n; i++ {
			v := strconv.Itoa(i)
			s.SetTag("n", v)
			s.SetUser(User{ID: v})
		}
	}()
	last := 0
	for last < n {
		d := s.snapshot()
		if d == nil || d.tags["n"] == "" {
			continue
		}
		tag, err := strconv.Atoi(d.tags["n"])
		require.NoError(t, err)
		user, _ := strconv.Atoi(d.user.ID)
		require.GreaterOrEqual(t, tag, last, "snapshot went back in time")
		require.True(t, user == tag || user == tag-1, "tag %d with user %d", tag, user)
		last = tag
	}
	wg.Wait()
}
