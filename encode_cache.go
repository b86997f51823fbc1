package errsight

import (
	"slices"
	"unsafe"
)

// encodeCache is what the worker remembers between events so that what does
// not change from one event to the next is encoded once and spliced: the
// frames of a stack (stackCache), source context by call site
// (sourceCache), and the parts of an event that come unchanged from a scope
// snapshot or the client (partCache). It belongs to the worker goroutine:
// no locks. Each part is spliced only when the event still holds the very
// value it was made from, so BeforeSend's edits (made on the event's own
// copies, see Event.isolate) are always encoded afresh.
type encodeCache struct {
	sources   sourceCache
	stacks    stackCache
	parts     partCache
	templates templateCache
	// contexts is the client's own Contexts map (never written after
	// NewClient), which most events hold unchanged.
	contexts map[string]string
}

// partCache holds the encodings of scope parts by identity. A scope's maps
// and breadcrumb lists are never written once a snapshot refers to them
// (see scopeData), and each entry holds the value it encodes, so its
// address cannot be reused by another value while the entry exists: the
// identity names the content.
type partCache struct {
	// tags maps a scope tag map to the encoding of its members as written
	// after the event id tag.
	tags map[unsafe.Pointer]*mapPart
	// crumbs maps a breadcrumb list to its encoded array.
	crumbs map[*crumbNode][]byte
	// contexts is the encoding of encodeCache.contexts, made on first use.
	contexts []byte
	bytes    int
}

type mapPart struct {
	m   map[string]string // keeps the map, and so its address, alive
	enc []byte
}

// Bounds of the part cache, like the stack cache's: started again when
// reached.
const (
	maxPartEntries = 512
	maxPartBytes   = 2 << 20
)

// mapID is a map's identity: the address of its header.
func mapID[V any](m map[string]V) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&m))
}

// roomFor starts the cache again when it is at its bounds.
func (pc *partCache) roomFor() {
	if len(pc.tags)+len(pc.crumbs) >= maxPartEntries || pc.bytes >= maxPartBytes {
		pc.tags, pc.crumbs, pc.bytes = nil, nil, 0
	}
}

// tagMembers returns the encoding of the scope tag map m as appendTags
// writes it after the event id tag (a leading comma per member).
func (pc *partCache) tagMembers(m map[string]string) []byte {
	id := mapID(m)
	if p, ok := pc.tags[id]; ok {
		return p.enc
	}
	pc.roomFor()
	if pc.tags == nil {
		pc.tags = make(map[unsafe.Pointer]*mapPart)
	}
	enc := slices.Clip(appendTagMembers(nil, m, 1))
	pc.tags[id] = &mapPart{m: m, enc: enc}
	pc.bytes += len(enc) + 64
	return enc
}

// crumbsJSON returns the encoded array of the newest maxBreadcrumbs of the
// list l.
func (pc *partCache) crumbsJSON(l *crumbNode) []byte {
	if enc, ok := pc.crumbs[l]; ok {
		return enc
	}
	pc.roomFor()
	if pc.crumbs == nil {
		pc.crumbs = make(map[*crumbNode][]byte)
	}
	enc := slices.Clip(appendBreadcrumbs(nil, l.slice(maxBreadcrumbs)))
	pc.crumbs[l] = enc
	pc.bytes += len(enc) + 64
	return enc
}

// contextsJSON returns the encoding of the client's Contexts map m.
func (pc *partCache) contextsJSON(m map[string]string) []byte {
	if pc.contexts == nil {
		pc.contexts = slices.Clip(appendStringMap(nil, m, maxTagValueChars))
	}
	return pc.contexts
}

// templateCache returns the cache's message templates; nil for a nil cache.
func (ec *encodeCache) templateCache() *templateCache {
	if ec == nil {
		return nil
	}
	return &ec.templates
}

// defaultFingerprintJSON returns the encoded default fingerprint of ev when
// the stack cache can tell it: ev has no fingerprint of its own and still
// holds its stack's frames, whose entry remembers the last class and
// message it was sent with (a short message only: the entry keeps it).
// nil when it cannot tell (the caller encodes
// the fingerprint itself). An error storm repeats one class and message
// from one stack: its fingerprint is cleaned, cut and escaped once.
func (ec *encodeCache) defaultFingerprintJSON(ev *Event) []byte {
	st := ev.stack
	if ec == nil || len(ev.Fingerprint) > 0 || ev.Exception == nil || len(ev.Message) > maxTemplateKey || !st.matches(ev.Exception.Frames) {
		return nil
	}
	if st.fpJSON != nil && st.fpClass == ev.Exception.Class && st.fpMessage == ev.Message {
		return st.fpJSON
	}
	fp := fingerprintParts(ev.defaultFingerprint(&ec.templates))
	if len(fp) == 0 {
		return nil
	}
	ec.stacks.bytes -= len(st.fpJSON)
	st.fpClass, st.fpMessage = ev.Exception.Class, ev.Message
	st.fpJSON = slices.Clip(appendStrings(nil, fp))
	ec.stacks.bytes += len(st.fpJSON)
	return st.fpJSON
}
