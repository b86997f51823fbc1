package errsighttest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// SDK-side limits from PROTOCOL.md that the server does not enforce but the
// official SDKs keep.
const (
	maxFrames = 50 // frames per stack
	maxCauses = 5  // levels of exception_causes
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Problems lists, in a stable order, every way e departs from the protocol a
// well-behaved SDK speaks: a field of the wrong JSON type, a value the server
// would change or cut (level, message, tags, user, release, breadcrumbs,
// metadata beyond 50 keys, occurred_at outside its window), a blank message
// (the event is discarded after the 202), malformed exception data (a frame
// without filename, a non-integer lineno, more than 50 frames, more than 5
// causes), an ingestion_id that is not a UUID, a U+0000 character in any
// string at any depth (the server's database cannot store it: its
// processing job fails after the 202 and the rest of the request is lost),
// and a key repeated in any object (the server keeps one of the values).
// Each problem is one
// human-readable line naming the field. An event an SDK built correctly has
// none, so a test can assert len(ev.Problems()) == 0.
//
// Problems is stricter than the server on levels: the server lower-cases
// "ERROR" to "error", but the protocol says levels are sent in lower case.
func (e Event) Problems() []string {
	var p problems
	top, ok := objectMembers(e.Raw)
	if !ok {
		p.add("event is not a JSON object")
		return p.list
	}
	get := func(key string) (json.RawMessage, bool) { return lookup(top, key) }

	for _, key := range []string{"level", "message", "environment", "occurred_at", "timestamp", "release", "ingestion_id"} {
		if v, ok := get(key); ok {
			p.wantKind(key, v, "a string", '"')
		}
	}
	for _, key := range []string{"metadata", "tags", "user"} {
		if v, ok := get(key); ok {
			p.wantKind(key, v, "an object", '{')
		}
	}
	if v, ok := get("breadcrumbs"); ok {
		p.wantKind("breadcrumbs", v, "an array", '[')
	}
	for _, key := range []string{"backtrace", "fingerprint"} {
		if v, ok := get(key); ok {
			p.stringOrStrings(key, v)
		}
	}

	if lvl, ok := get("level"); !ok {
		p.add("level is missing: the server stores info")
	} else if !validLevels[rubyToS(lvl)] {
		p.add("level %q is not one of debug, info, warning, error, fatal", rubyToS(lvl))
	}
	msg, _ := get("message")
	if isBlank(rubyToS(msg)) {
		p.add("message is blank: the server discards the event")
	} else if n := runeLen(rubyToS(msg)); n > maxMessageChars {
		p.add("message has %d characters: the server cuts it at %d", n, maxMessageChars)
	}
	p.eventTime(e, get)
	if rel, _ := get("release"); runeLen(rubyStrip(rubyToS(rel))) > maxReleaseChars {
		p.add("release is longer than %d characters: the server cuts it", maxReleaseChars)
	}
	if id, ok := get("ingestion_id"); ok && !uuidPattern.MatchString(rubyToS(id)) {
		p.add("ingestion_id %q is not a UUID", rubyToS(id))
	}
	if fp, ok := get("fingerprint"); ok && len(stringList(fp, false)) > 0 && !slices.ContainsFunc(stringList(fp, false), func(s string) bool { return !isBlank(s) }) {
		p.add("fingerprint has only blank parts: the server ignores it")
	}
	if user, _ := get("user"); jsonKind(user) == '{' {
		p.user(user)
	}
	if tags, _ := get("tags"); jsonKind(tags) == '{' {
		p.tags(tags)
	}
	if crumbs, _ := get("breadcrumbs"); jsonKind(crumbs) == '[' {
		p.breadcrumbs(crumbs)
	}
	if meta, _ := get("metadata"); jsonKind(meta) == '{' {
		p.metadata(meta)
	}
	flaws := scanJSON(e.Raw)
	for _, at := range flaws.nul {
		p.add("%s holds a NUL character: the server cannot store the event and loses the rest of its request", at)
	}
	for _, at := range flaws.dupKeys {
		p.add("%s is a repeated key: the server keeps only one of its values", at)
	}
	return p.list
}

// problems accumulates problem lines.
type problems struct{ list []string }

func (p *problems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// wantKind reports v when it is not of the JSON kind want (null included)
// and says whether it is.
func (p *problems) wantKind(field string, v json.RawMessage, what string, want byte) bool {
	if k := jsonKind(v); k != want {
		p.add("%s is %s, not %s", field, kindName(k), what)
		return false
	}
	return true
}

func (p *problems) stringOrStrings(field string, v json.RawMessage) {
	switch jsonKind(v) {
	case '"':
	case '[':
		elems, _ := arrayElements(v)
		for i, el := range elems {
			if jsonKind(el) != '"' {
				p.add("%s[%d] is %s, not a string", field, i, kindName(jsonKind(el)))
			}
		}
	default:
		p.add("%s is %s, not a string or an array of strings", field, kindName(jsonKind(v)))
	}
}

func kindName(k byte) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 0:
		return "missing"
	default:
		return "a number"
	}
}

func (p *problems) eventTime(e Event, get func(string) (json.RawMessage, bool)) {
	key := "timestamp"
	v, ok := get(key)
	if !ok || !truthy(v) {
		key = "occurred_at"
		if v, ok = get(key); !ok {
			return
		}
	}
	s := rubyToS(v)
	if isBlank(s) {
		return
	}
	t, ok := parseEventTime(s)
	switch {
	case !ok:
		p.add("%s %q is not an RFC 3339 time: the server replaces it with the receive time", key, s)
	case !inTimeWindow(t, e.Received):
		p.add("%s %q is more than 7 days before or 1 hour after the receive time: the server replaces it", key, s)
	}
}

func (p *problems) user(raw json.RawMessage) {
	ms, _ := objectMembers(raw)
	limits := []struct {
		key string
		n   int
	}{{"id", maxUserIDChars}, {"email", maxUserEmailChars}, {"username", maxUserUsernameChars}, {"ip_address", maxUserIPChars}}
	for _, l := range limits {
		if v, ok := lookup(ms, l.key); ok && runeLen(rubyStrip(rubyToS(v))) > l.n {
			p.add("user.%s is longer than %d characters: the server cuts it", l.key, l.n)
		}
	}
}

func (p *problems) tags(raw json.RawMessage) {
	ms, _ := objectMembers(raw)
	if len(ms) > maxTags {
		p.add("tags has %d pairs: the server keeps the first %d", len(ms), maxTags)
	}
	for _, m := range ms {
		if runeLen(m.key) > maxTagKeyChars {
			p.add("tag key %q is longer than %d characters: the server cuts it", m.key, maxTagKeyChars)
		}
		if k := jsonKind(m.value); k != '"' {
			p.add("tags[%q] is %s, not a string", m.key, kindName(k))
		} else if runeLen(rubyToS(m.value)) > maxTagValueChars {
			p.add("tags[%q] is longer than %d characters: the server cuts it", m.key, maxTagValueChars)
		}
	}
}

func (p *problems) breadcrumbs(raw json.RawMessage) {
	elems, _ := arrayElements(raw)
	if len(elems) > maxBreadcrumbs {
		p.add("breadcrumbs has %d elements: the server keeps the first %d", len(elems), maxBreadcrumbs)
	}
	for i, el := range elems {
		ms, ok := objectMembers(el)
		if !ok {
			p.add("breadcrumbs[%d] is %s, not an object", i, kindName(jsonKind(el)))
			continue
		}
		get := func(key string) json.RawMessage { v, _ := lookup(ms, key); return v }
		if lvl := rubyToS(get("level")); !validLevels[lvl] {
			p.add("breadcrumbs[%d].level %q is not a valid level", i, lvl)
		}
		if runeLen(rubyStrip(rubyToS(get("category")))) > maxBreadcrumbCategory {
			p.add("breadcrumbs[%d].category is longer than %d characters", i, maxBreadcrumbCategory)
		}
		if runeLen(rubyToS(get("message"))) > maxBreadcrumbMessage {
			p.add("breadcrumbs[%d].message is longer than %d characters", i, maxBreadcrumbMessage)
		}
		if data := get("data"); data != nil && p.wantKind(fmt.Sprintf("breadcrumbs[%d].data", i), data, "an object", '{') {
			if dm, _ := objectMembers(data); len(dm) > maxBreadcrumbDataKeys {
				p.add("breadcrumbs[%d].data has %d keys: the server keeps the first %d", i, len(dm), maxBreadcrumbDataKeys)
			}
		}
	}
}

func (p *problems) metadata(raw json.RawMessage) {
	ms, _ := objectMembers(raw)
	if len(ms) > maxMetadataKeys {
		p.add("metadata has %d keys: the server keeps the first %d", len(ms), maxMetadataKeys)
	}
	for i, m := range ms {
		switch m.key {
		case "exception_class", "exception_frames", "exception_causes":
			if i >= maxMetadataKeys {
				p.add("metadata.%s is key number %d: the server drops it", m.key, i+1)
			}
		}
	}
	if v, ok := lookup(ms, "exception_class"); ok {
		if s, isStr := asString(v); !isStr || isBlank(s) {
			p.add("metadata.exception_class is not a non-empty string")
		}
	}
	if v, ok := lookup(ms, "exception_frames"); ok && p.wantKind("metadata.exception_frames", v, "an array", '[') {
		p.frames(v)
	}
	if v, ok := lookup(ms, "exception_causes"); ok && p.wantKind("metadata.exception_causes", v, "an array", '[') {
		p.causes(v)
	}
}

func (p *problems) frames(raw json.RawMessage) {
	elems, _ := arrayElements(raw)
	if len(elems) > maxFrames {
		p.add("metadata.exception_frames has %d frames: the SDKs keep at most %d", len(elems), maxFrames)
	}
	for i, el := range elems {
		name := fmt.Sprintf("metadata.exception_frames[%d]", i)
		ms, ok := objectMembers(el)
		if !ok {
			p.add("%s is %s, not an object", name, kindName(jsonKind(el)))
			continue
		}
		if s, ok := asString(mustLookup(ms, "filename")); !ok || s == "" {
			p.add("%s.filename is missing or empty", name)
		}
		for _, key := range []string{"abs_path", "function", "context_line"} {
			if v, ok := lookup(ms, key); ok {
				p.wantKind(name+"."+key, v, "a string", '"')
			}
		}
		if v, ok := lookup(ms, "lineno"); ok {
			var n int
			if json.Unmarshal(v, &n) != nil {
				p.add("%s.lineno is not an integer", name)
			}
		}
		if v, ok := lookup(ms, "in_app"); ok {
			if k := jsonKind(v); k != 't' && k != 'f' {
				p.add("%s.in_app is %s, not a boolean", name, kindName(k))
			}
		}
		for _, key := range []string{"pre_context", "post_context"} {
			if v, ok := lookup(ms, key); ok && p.wantKind(name+"."+key, v, "an array", '[') {
				p.stringOrStrings(name+"."+key, v)
			}
		}
	}
}

func (p *problems) causes(raw json.RawMessage) {
	elems, _ := arrayElements(raw)
	if len(elems) > maxCauses {
		p.add("metadata.exception_causes has %d levels: the SDKs keep at most %d", len(elems), maxCauses)
	}
	for i, el := range elems {
		name := fmt.Sprintf("metadata.exception_causes[%d]", i)
		ms, ok := objectMembers(el)
		if !ok {
			p.add("%s is %s, not an object", name, kindName(jsonKind(el)))
			continue
		}
		for _, key := range []string{"class", "message"} {
			if v, ok := lookup(ms, key); ok {
				p.wantKind(name+"."+key, v, "a string", '"')
			}
		}
		if v, ok := lookup(ms, "backtrace"); ok {
			p.stringOrStrings(name+".backtrace", v)
		}
	}
}

func mustLookup(ms []member, key string) json.RawMessage {
	v, _ := lookup(ms, key)
	return v
}
