package errsight

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Scope is the context attached to every event captured through its hub: a
// user, tags, metadata, a fingerprint and a trail of breadcrumbs.
//
// A Scope is safe for concurrent use. Forking one ([Scope.Clone],
// [WithScope]) is cheap: the two scopes share their data until one of them
// changes it (copy on write), and breadcrumbs live in a persistent list that
// is never copied. A capture takes a snapshot of the scope, so changes made
// after the capture never reach that event.
//
// The zero Scope is empty and ready to use; so is [NewScope]'s.
type Scope struct {
	mu sync.Mutex
	// d is the scope's content, nil when empty. Snapshots and clones share
	// the pointer; shared says so, and the next write copies the struct
	// first. That makes a snapshot (every capture) and a fork (every
	// request) one pointer copy, and keeps events small.
	d      *scopeData
	shared bool
	// own says which maps of *d this scope may write in place: a map is
	// still shared with older copies of the struct until it is copied too.
	own ownBits
	// pending holds the first tags set while the tag map is shared, to be
	// merged into the data on the next snapshot or other tag operation: a
	// per-request fork followed by a SetTag or two then copies neither the
	// data nor the tag map (the fork is one allocation, the tags none),
	// and the copy is paid only by a request that captures.
	pending  [pendingTags]tagKV
	npending uint8
	// snap is d while d is shared and no tag is pending, else nil: what
	// snapshot would return, published so that a capture from a scope that
	// has not changed since the previous one takes no lock. Every write
	// clears it (under mu) before it changes what snapshot would return.
	snap atomic.Pointer[scopeData]
}

// pendingTags is how many SetTag calls a scope holds before merging them.
const pendingTags = 2

// tagKV is a tag set but not yet merged into the scope's data.
type tagKV struct{ key, value string }

// ownBits marks the maps of a scope's data that only this scope refers to.
type ownBits uint8

const (
	ownTags ownBits = 1 << iota
	ownMetadata
)

// scopeData is a scope's content. Once a snapshot or clone refers to it,
// nothing writes to it or to its maps and slices again.
type scopeData struct {
	user        User
	tags        map[string]string
	metadata    map[string]any
	fingerprint []string
	crumbs      *crumbNode
}

// emptyScope stands in for a nil *scopeData when reading.
var emptyScope scopeData

// NewScope returns an empty scope.
func NewScope() *Scope { return &Scope{} }

// Clone returns a new scope with the same content. Later changes to either
// scope do not affect the other.
func (s *Scope) Clone() *Scope {
	c := &Scope{}
	s.cloneInto(c)
	return c
}

func (s *Scope) cloneInto(c *Scope) {
	c.d = s.snapshot()
	c.shared = c.d != nil
}

// snapshot returns the scope's data for an event or a clone, nil when
// empty, and marks it shared: it is never written again.
func (s *Scope) snapshot() *scopeData {
	if d := s.snap.Load(); d != nil {
		return d // shared already: nothing writes to it
	}
	s.mu.Lock()
	s.mergePendingLocked(0)
	d := s.d
	s.shared = d != nil
	if d != nil {
		s.snap.Store(d)
	}
	s.mu.Unlock()
	return d
}

// unpublishLocked withdraws the published snapshot before a write.
func (s *Scope) unpublishLocked() {
	if s.snap.Load() != nil {
		s.snap.Store(nil)
	}
}

// writableLocked returns the data this scope may write, copying it first
// if a snapshot or clone refers to it.
func (s *Scope) writableLocked() *scopeData {
	s.unpublishLocked()
	switch {
	case s.d == nil:
		s.d, s.own = &scopeData{}, 0
	case s.shared:
		c := *s.d
		s.d, s.own = &c, 0
	}
	s.shared = false
	return s.d
}

// read returns the data for reading; the caller holds s.mu.
func (s *Scope) readLocked() *scopeData {
	if s.d == nil {
		return &emptyScope
	}
	return s.d
}

// SetUser sets the user of every later event.
func (s *Scope) SetUser(u User) {
	s.mu.Lock()
	s.writableLocked().user = trimUser(u)
	s.mu.Unlock()
}

// SetTag sets one tag. Tags are short indexed strings (the server keeps 30
// per event, keys up to 60 and values up to 200 characters).
func (s *Scope) SetTag(key, value string) {
	value = trimmed(value, maxTagValueChars)
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.d; d != nil && !s.shared && s.own&ownTags != 0 && d.tags != nil {
		d.tags[key] = value // the map is this scope's alone
		return
	}
	for i := range s.npending {
		if s.pending[i].key == key {
			s.pending[i].value = value
			return
		}
	}
	if int(s.npending) < len(s.pending) {
		s.unpublishLocked()
		s.pending[s.npending] = tagKV{key, value}
		s.npending++
		return
	}
	s.mergePendingLocked(1)[key] = value
}

// mergePendingLocked merges the pending tags into the scope's own tag map
// and returns that map, or returns nil when nothing is pending.
func (s *Scope) mergePendingLocked(extra int) map[string]string {
	if s.npending == 0 {
		return nil
	}
	m := s.ownTagsLocked(int(s.npending) + extra)
	for _, kv := range s.pending[:s.npending] {
		m[kv.key] = kv.value
	}
	s.pending, s.npending = [pendingTags]tagKV{}, 0
	return m
}

// SetTags sets several tags at once; tags not in m are kept.
func (s *Scope) SetTags(m map[string]string) {
	s.mu.Lock()
	s.mergePendingLocked(len(m))
	tags := s.ownTagsLocked(len(m))
	for k, v := range m {
		tags[k] = trimmed(v, maxTagValueChars)
	}
	s.mu.Unlock()
}

// RemoveTag removes one tag.
func (s *Scope) RemoveTag(key string) {
	s.mu.Lock()
	s.mergePendingLocked(0)
	if _, ok := s.readLocked().tags[key]; ok {
		delete(s.ownTagsLocked(0), key)
	}
	s.mu.Unlock()
}

// ownTagsLocked returns the tags map, copied first unless only this scope
// refers to it.
func (s *Scope) ownTagsLocked(extra int) map[string]string {
	d := s.writableLocked()
	if s.own&ownTags == 0 || d.tags == nil {
		m := make(map[string]string, len(d.tags)+extra)
		maps.Copy(m, d.tags)
		d.tags = m
		s.own |= ownTags
	}
	return d.tags
}

// SetMetadata sets one metadata value, sent in the event's metadata object.
// The value is encoded to JSON on the worker goroutine, so it must not be
// modified after the call; a value JSON cannot encode is sent as a readable
// placeholder. A nil value removes the key.
func (s *Scope) SetMetadata(key string, value any) {
	s.mu.Lock()
	d := s.writableLocked()
	if s.own&ownMetadata == 0 || d.metadata == nil {
		m := make(map[string]any, len(d.metadata)+1)
		maps.Copy(m, d.metadata)
		d.metadata = m
		s.own |= ownMetadata
	}
	if value == nil {
		delete(d.metadata, key)
	} else {
		d.metadata[key] = trimValue(value)
	}
	s.mu.Unlock()
}

// SetFingerprint overrides the SDK's grouping (see [Event.DefaultFingerprint])
// for every later event: events with the same fingerprint form one issue.
// nil restores the default.
func (s *Scope) SetFingerprint(fp []string) {
	fp = append([]string(nil), fp...) // the caller keeps its slice
	if len(fp) == 0 {
		fp = nil
	}
	s.mu.Lock()
	s.writableLocked().fingerprint = fp
	s.mu.Unlock()
}

// AddBreadcrumb records a breadcrumb; the scope keeps the 50 most recent.
// A zero Timestamp becomes now and a zero Level LevelInfo.
func (s *Scope) AddBreadcrumb(b Breadcrumb) {
	// The node is made and filled before the lock: the critical section
	// only links it.
	node := &crumbNode{b: b}
	node.b.normalise()
	s.mu.Lock()
	d := s.writableLocked()
	d.crumbs = d.crumbs.pushNode(node)
	s.mu.Unlock()
}

// ClearBreadcrumbs removes every breadcrumb.
func (s *Scope) ClearBreadcrumbs() {
	s.mu.Lock()
	if s.d != nil {
		s.writableLocked().crumbs = nil
	}
	s.mu.Unlock()
}

// Clear empties the scope.
func (s *Scope) Clear() {
	s.mu.Lock()
	s.unpublishLocked()
	s.d, s.shared, s.own = nil, false, 0
	s.pending, s.npending = [pendingTags]tagKV{}, 0
	s.mu.Unlock()
}

// User returns the scope's user.
func (s *Scope) User() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readLocked().user
}

// Tags returns a copy of the scope's tags.
func (s *Scope) Tags() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mergePendingLocked(0)
	return maps.Clone(s.readLocked().tags)
}

// Metadata returns a copy of the scope's metadata map (the values themselves
// are shared).
func (s *Scope) Metadata() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.readLocked().metadata)
}

// Breadcrumbs returns the scope's breadcrumbs, oldest first.
func (s *Scope) Breadcrumbs() []Breadcrumb {
	s.mu.Lock()
	l := s.readLocked().crumbs
	s.mu.Unlock()
	return l.slice(maxBreadcrumbs)
}

// Fingerprint returns a copy of the scope's fingerprint.
func (s *Scope) Fingerprint() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.readLocked().fingerprint...)
}
