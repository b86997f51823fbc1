package errsight

import (
	"sync/atomic"
	"time"
)

// maxBreadcrumbs is how many breadcrumbs the server keeps per event; a scope
// keeps the most recent ones.
const maxBreadcrumbs = 50

// crumbCompactAt is how many times maxBreadcrumbs a list grows to before it
// is compacted: a compaction copies maxBreadcrumbs nodes, so at 4 it costs
// a third of a node per push (at 2 it cost a whole node, the push itself
// again), for at most 200 nodes (about 19 KB) per list.
const crumbCompactAt = 4

// Breadcrumb is one step that led to an event: a log line, an HTTP call, a
// user action. Zero Level means LevelInfo, zero Timestamp means the time it
// was added.
//
// Data belongs to the SDK once the breadcrumb is added: don't modify the map
// afterwards.
type Breadcrumb struct {
	// Category groups breadcrumbs of one kind ("http", "log", "db",
	// "navigation"); at most 60 characters are sent.
	Category string
	// Message says what happened, at most 500 characters.
	Message string
	// Level is the breadcrumb's severity; zero means LevelInfo.
	Level Level
	// Data holds details as key-value pairs (an HTTP call's method, URL
	// and status); at most 20 keys are sent.
	Data map[string]any
	// Timestamp is when it happened; zero means the time it was added.
	Timestamp time.Time
}

// crumbNode is an immutable, persistent list of breadcrumbs, newest first.
// Scopes share nodes freely: forking a scope copies one pointer, adding a
// breadcrumb allocates one node, and no one ever writes to a node after it
// is published. n is the list's length from this node down.
type crumbNode struct {
	b    Breadcrumb
	next *crumbNode
	n    int
}

// push returns the list with b in front. Once the list holds
// crumbCompactAt times the maximum, the newest maxBreadcrumbs are copied into
// a fresh list so older nodes can be collected: amortised O(1) per push, and
// memory stays bounded.
func (l *crumbNode) push(b Breadcrumb) *crumbNode {
	return l.pushNode(&crumbNode{b: b})
}

// pushNode is push with the new node made by the caller (who may fill it
// before taking a lock); it links head in front of l, before anyone else
// can see head.
func (l *crumbNode) pushNode(head *crumbNode) *crumbNode {
	head.next, head.n = l, 1
	if l != nil {
		head.n = l.n + 1
	}
	if head.n >= crumbCompactAt*maxBreadcrumbs {
		head = head.compact(maxBreadcrumbs)
	}
	return head
}

func (l *crumbNode) compact(keep int) *crumbNode {
	keep = min(keep, l.n)
	// One slab for all the kept nodes: a compaction costs one allocation,
	// and the nodes die together anyway.
	slab := make([]crumbNode, keep)
	node := l
	for i := keep - 1; i >= 0; i-- {
		slab[i] = crumbNode{b: node.b, n: i + 1}
		if i > 0 {
			slab[i].next = &slab[i-1]
		}
		node = node.next
	}
	return &slab[keep-1]
}

// slice returns the newest max breadcrumbs, oldest first; nil for none.
func (l *crumbNode) slice(max int) []Breadcrumb {
	if l == nil {
		return nil
	}
	n := min(l.n, max)
	out := make([]Breadcrumb, n)
	for i, node := n-1, l; i >= 0; i, node = i-1, node.next {
		out[i] = node.b
	}
	return out
}

// normalise fills a breadcrumb's defaults at the moment it is added.
func (b *Breadcrumb) normalise() {
	if b.Timestamp.IsZero() {
		b.Timestamp = crumbNow()
	}
	if b.Level == 0 {
		b.Level = LevelInfo
	}
	// What the server never keeps is not kept here either: a scope holds
	// up to 100 breadcrumbs, shared by every event queued from it.
	b.Message = trimmed(b.Message, maxCrumbMessage)
	b.Category = trimmed(b.Category, maxCrumbCategory)
	if len(b.Data) > 0 {
		b.Data = trimCrumbData(b.Data)
	}
}

// crumbAnchor pairs a time.Now reading with its monotonic offset from
// clockBase.
type crumbAnchor struct {
	now  time.Time
	mono time.Duration
}

// crumbClock is the latest anchor of crumbNow, at most crumbAnchorAge old.
var crumbClock atomic.Pointer[crumbAnchor]

// crumbAnchorAge is how long an anchor serves.
const crumbAnchorAge = time.Second

// crumbNow is time.Now for a breadcrumb's timestamp at one clock read
// instead of two (time.Now reads the wall and the monotonic clock): the
// monotonic time elapsed since an anchor, added to the anchor's time.Now.
// Both clocks advance alike, so it is time.Now's value unless the wall
// clock was stepped since the anchor, at most a second ago; past that age,
// or when the readings disagree (another clock, such as a testing/synctest
// bubble's), it reads time.Now and anchors again.
func crumbNow() time.Time {
	m := monoNow()
	if a := crumbClock.Load(); a != nil && m >= a.mono && m-a.mono < crumbAnchorAge {
		return a.now.Add(m - a.mono)
	}
	now := time.Now()
	crumbClock.Store(&crumbAnchor{now: now, mono: now.Sub(clockBase)})
	return now
}
