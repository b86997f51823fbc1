package errsight

import (
	"maps"
	"sync"
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
	mu  sync.Mutex
	d   scopeData
	own ownBits
}

// ownBits says which maps of a Scope's data are its own to mutate in place.
// A map that was shared with a clone or a snapshot is copied before the
// first write after that.
type ownBits uint8

const (
	ownTags ownBits = 1 << iota
	ownMetadata
)

// scopeData is a scope's content. Its maps and slices are never written once
// shared; see ownBits.
type scopeData struct {
	user        User
	tags        map[string]string
	metadata    map[string]any
	fingerprint []string
	crumbs      *crumbNode
}

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
}

// snapshot returns the scope's data for an event or a clone and marks every
// map as shared.
func (s *Scope) snapshot() scopeData {
	s.mu.Lock()
	d := s.d
	s.own = 0
	s.mu.Unlock()
	return d
}

// SetUser sets the user of every later event.
func (s *Scope) SetUser(u User) {
	s.mu.Lock()
	s.d.user = u
	s.mu.Unlock()
}

// SetTag sets one tag. Tags are short indexed strings (the server keeps 30
// per event, keys up to 60 and values up to 200 characters).
func (s *Scope) SetTag(key, value string) {
	s.mu.Lock()
	s.ownTagsLocked(1)
	s.d.tags[key] = value
	s.mu.Unlock()
}

// SetTags sets several tags at once; tags not in m are kept.
func (s *Scope) SetTags(m map[string]string) {
	s.mu.Lock()
	s.ownTagsLocked(len(m))
	maps.Copy(s.d.tags, m)
	s.mu.Unlock()
}

// RemoveTag removes one tag.
func (s *Scope) RemoveTag(key string) {
	s.mu.Lock()
	if _, ok := s.d.tags[key]; ok {
		s.ownTagsLocked(0)
		delete(s.d.tags, key)
	}
	s.mu.Unlock()
}

func (s *Scope) ownTagsLocked(extra int) {
	if s.own&ownTags != 0 && s.d.tags != nil {
		return
	}
	m := make(map[string]string, len(s.d.tags)+extra)
	maps.Copy(m, s.d.tags)
	s.d.tags = m
	s.own |= ownTags
}

// SetMetadata sets one metadata value, sent in the event's metadata object.
// The value is encoded to JSON on the worker goroutine, so it must not be
// modified after the call; a value JSON cannot encode is sent as a readable
// placeholder. A nil value removes the key.
func (s *Scope) SetMetadata(key string, value any) {
	s.mu.Lock()
	if s.own&ownMetadata == 0 || s.d.metadata == nil {
		m := make(map[string]any, len(s.d.metadata)+1)
		maps.Copy(m, s.d.metadata)
		s.d.metadata = m
		s.own |= ownMetadata
	}
	if value == nil {
		delete(s.d.metadata, key)
	} else {
		s.d.metadata[key] = value
	}
	s.mu.Unlock()
}

// SetFingerprint overrides the server's grouping for every later event:
// events with the same fingerprint form one issue. nil restores the default.
func (s *Scope) SetFingerprint(fp []string) {
	fp = append([]string(nil), fp...) // the caller keeps its slice
	if len(fp) == 0 {
		fp = nil
	}
	s.mu.Lock()
	s.d.fingerprint = fp
	s.mu.Unlock()
}

// AddBreadcrumb records a breadcrumb; the scope keeps the 50 most recent.
// A zero Timestamp becomes now and a zero Level LevelInfo.
func (s *Scope) AddBreadcrumb(b Breadcrumb) {
	b = b.normalised()
	s.mu.Lock()
	s.d.crumbs = s.d.crumbs.push(b)
	s.mu.Unlock()
}

// ClearBreadcrumbs removes every breadcrumb.
func (s *Scope) ClearBreadcrumbs() {
	s.mu.Lock()
	s.d.crumbs = nil
	s.mu.Unlock()
}

// Clear empties the scope.
func (s *Scope) Clear() {
	s.mu.Lock()
	s.d = scopeData{}
	s.own = 0
	s.mu.Unlock()
}

// User returns the scope's user.
func (s *Scope) User() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.d.user
}

// Tags returns a copy of the scope's tags.
func (s *Scope) Tags() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.d.tags)
}

// Metadata returns a copy of the scope's metadata map (the values themselves
// are shared).
func (s *Scope) Metadata() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.d.metadata)
}

// Breadcrumbs returns the scope's breadcrumbs, oldest first.
func (s *Scope) Breadcrumbs() []Breadcrumb {
	s.mu.Lock()
	l := s.d.crumbs
	s.mu.Unlock()
	return l.slice(maxBreadcrumbs)
}

// Fingerprint returns a copy of the scope's fingerprint.
func (s *Scope) Fingerprint() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.d.fingerprint...)
}
