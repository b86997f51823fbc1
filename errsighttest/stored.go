package errsighttest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// Server-side limits applied when an event is stored.
const (
	maxMessageChars          = 10_000
	maxMetadataKeys          = 50
	maxTags                  = 30
	maxTagKeyChars           = 60
	maxTagValueChars         = 200
	maxReleaseChars          = 120
	maxBreadcrumbs           = 50
	maxBreadcrumbCategory    = 60
	maxBreadcrumbMessage     = 500
	maxBreadcrumbDataKeys    = 20
	maxUserIDChars           = 120
	maxUserEmailChars        = 200
	maxUserUsernameChars     = 120
	maxUserIPChars           = 64
	occurredAtPastBound      = 7 * 24 * time.Hour
	occurredAtFutureBound    = time.Hour
	groupingKeyHexCharacters = 32
)

// ansiEscape is the server's pattern for "ANSI escapes". Note the second
// alternative: it also strips an SGR sequence whose ESC byte is missing, so
// "[31m" and even "[m" vanish from messages and backtraces.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*[a-zA-Z]|\[[0-9;]*m`)

// digitRun is the legacy grouping's number pattern (Ruby's /\d+/, ASCII).
var digitRun = regexp.MustCompile(`[0-9]+`)

// validLevels are the server's event levels.
var validLevels = map[string]bool{"debug": true, "info": true, "warning": true, "error": true, "fatal": true}

// How a [StoredEvent] was grouped.
const (
	GroupedByFingerprint = "fingerprint" // the event's own fingerprint
	GroupedByFrames      = "frames"      // exception_class and the first in-app frame
	GroupedByLegacy      = "legacy"      // message digits and first backtrace line
)

// StoredEvent is what the real ErrSight server would store for an event: the
// event after the ingestion controller's sanitising and the model's grouping.
// It is a plain value; build one with [Event.Stored].
type StoredEvent struct {
	// Level is one of debug, info, warning, error, fatal: the level sent,
	// lower-cased, or info when it is not one of those.
	Level string
	// Message has ANSI escapes removed and is cut at 10,000 characters
	// (code points), the last three of which are then "...".
	Message string
	// Backtrace is the legacy backtrace as one string: an array is joined
	// with "\n"; ANSI escapes are removed.
	Backtrace string
	// Environment is the environment sent, or "production" when blank.
	Environment string
	// Release is trimmed and cut at 120 characters; "" when blank.
	Release string
	// OccurredAt is "timestamp", else "occurred_at", in UTC; it is the
	// receive time when absent, unparseable, more than 7 days before the
	// receive time or more than 1 hour after it.
	OccurredAt time.Time
	// Metadata holds only the first 50 metadata keys; MetadataKeys lists
	// them in order.
	Metadata     map[string]any
	MetadataKeys []string
	// Tags holds the first 30 pairs, keys cut at 60 characters and values
	// converted to strings and cut at 200; TagKeys lists the keys in order.
	Tags    map[string]string
	TagKeys []string
	// User has each field trimmed and cut (id 120, email 200, username 120,
	// ip_address 64).
	User User
	// UserIdentifier is the first non-blank of User.ID, User.Email and
	// User.Username.
	UserIdentifier string
	// Breadcrumbs holds the objects among the first 50 elements, each with
	// category trimmed and cut at 60, level normalised like Level, message
	// cut at 500 and data cut to its first 20 keys.
	Breadcrumbs []Breadcrumb
	// Fingerprint is the issue key the event is grouped under: 32 lower-case
	// hex digits (the first half of a SHA-256), computed as Grouping says.
	Fingerprint string
	// Grouping says how Fingerprint was computed: GroupedByFingerprint,
	// GroupedByFrames or GroupedByLegacy.
	Grouping string
	// Rejection is empty when the server would save the event. Otherwise it
	// says why the event would be silently discarded after the 202: a blank
	// message, or a NUL character in any string, which the database cannot
	// store (the server then also loses the events after this one in the
	// same request; see the package documentation).
	Rejection string
}

// Stored returns what the real server would store for e, computed from e.Raw
// and e.Received. The server also gives each event a fresh UUID, ignoring
// "ingestion_id", so StoredEvent has no id.
//
// Where the server relies on Ruby or Rails behaviour, Stored follows it:
// values are converted with to_s, lengths are counted in code points, a cut
// string ends in "...", and a repeated JSON key keeps its first position and
// its last value. Timestamps are parsed as RFC 3339 (with or without
// fraction and zone; no zone means UTC) or as a plain date; the server's
// Time.zone.parse accepts more formats, so a time Stored rejects may still
// be kept by the server.
func (e Event) Stored() StoredEvent {
	top, _ := objectMembers(e.Raw)
	get := func(key string) json.RawMessage {
		v, _ := lookup(top, key)
		return v
	}
	st := StoredEvent{
		Level:       normaliseLevel(get("level")),
		Message:     railsTruncate(ansiEscape.ReplaceAllString(rubyToS(get("message")), ""), maxMessageChars),
		Backtrace:   ansiEscape.ReplaceAllString(joinBacktrace(get("backtrace")), ""),
		Environment: rubyToS(get("environment")),
		Release:     presentTruncated(rubyStrip(rubyToS(get("release"))), maxReleaseChars),
	}
	if isBlank(st.Environment) {
		st.Environment = "production"
	}
	ts := get("timestamp")
	if !truthy(ts) {
		ts = get("occurred_at")
	}
	st.OccurredAt = storedTime(ts, e.Received)

	meta, _ := objectMembers(get("metadata"))
	meta = meta[:min(len(meta), maxMetadataKeys)]
	st.Metadata, st.MetadataKeys = decodeObject(meta)

	st.Tags, st.TagKeys = storedTags(get("tags"))
	st.User = storedUser(get("user"))
	st.UserIdentifier = firstPresent(st.User.ID, st.User.Email, st.User.Username)
	st.Breadcrumbs = storedBreadcrumbs(get("breadcrumbs"))

	st.Fingerprint, st.Grouping = groupingKey(get("fingerprint"), meta, st.Message, st.Backtrace)
	if isBlank(st.Message) {
		st.Rejection = "message is blank"
	}
	if nul := scanJSON(e.Raw).nul; len(nul) > 0 {
		st.Rejection = "a NUL character at " + nul[0] + " cannot be stored"
	}
	return st
}

// GroupingKey returns the key the real server would group e under: the same
// as e.Stored().Fingerprint. Compare keys between events ("these two land in
// one issue") rather than against literals.
func (e Event) GroupingKey() string {
	return e.Stored().Fingerprint
}

// groupingKey applies the server's grouping, in order:
//
//  1. fingerprint sent: its parts (a string is one part) converted to
//     strings and trimmed, blanks dropped, joined with "|";
//  2. the first element of the KEPT metadata.exception_frames that is an
//     object with a truthy in_app (Ruby truthiness: anything but null and
//     false): "v2|" + exception_class (or "Unknown") + "|" + its filename +
//     "|" + its function;
//  3. legacy: the stored message with every run of digits replaced by "N",
//     then "|", then the first line of the stored backtrace, trimmed.
//
// The key is the first 32 hex digits of the SHA-256 of that text.
func groupingKey(fp json.RawMessage, meta []member, message, backtrace string) (key, how string) {
	parts := []json.RawMessage{fp}
	if elems, ok := arrayElements(fp); ok {
		parts = elems
	}
	var kept []string
	for _, p := range parts {
		if s := rubyStrip(rubyToS(p)); !isBlank(s) {
			kept = append(kept, s)
		}
	}
	if len(kept) > 0 {
		return shortHash(strings.Join(kept, "|")), GroupedByFingerprint
	}
	frames, _ := lookup(meta, "exception_frames")
	elems, _ := arrayElements(frames)
	for _, f := range elems {
		ms, ok := objectMembers(f)
		if !ok {
			continue
		}
		if inApp, _ := lookup(ms, "in_app"); !truthy(inApp) {
			continue
		}
		class := "Unknown"
		if c, _ := lookup(meta, "exception_class"); truthy(c) {
			class = rubyToS(c)
		}
		file, _ := lookup(ms, "filename")
		fn, _ := lookup(ms, "function")
		return shortHash("v2|" + class + "|" + rubyToS(file) + "|" + rubyToS(fn)), GroupedByFrames
	}
	first, _, _ := strings.Cut(backtrace, "\n")
	return shortHash(digitRun.ReplaceAllString(message, "N") + "|" + rubyStrip(first)), GroupedByLegacy
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:groupingKeyHexCharacters]
}

// normaliseLevel is the server's level rule: to_s, lower-cased, kept when it
// is a known level, else "info".
func normaliseLevel(raw json.RawMessage) string {
	l := strings.ToLower(rubyToS(raw))
	if validLevels[l] {
		return l
	}
	return "info"
}

func joinBacktrace(raw json.RawMessage) string {
	if elems, ok := arrayElements(raw); ok {
		lines := make([]string, len(elems))
		for i, el := range elems {
			lines[i] = rubyToS(el)
		}
		return strings.Join(lines, "\n")
	}
	return rubyToS(raw)
}

// presentTruncated is Rails' s.presence&.truncate(n), with nil as "".
func presentTruncated(s string, n int) string {
	if isBlank(s) {
		return ""
	}
	return railsTruncate(s, n)
}

func firstPresent(ss ...string) string {
	for _, s := range ss {
		if !isBlank(s) {
			return s
		}
	}
	return ""
}

// timeLayouts are the layouts storedTime accepts, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseEventTime parses an event time the way storedTime does.
func parseEventTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// inTimeWindow reports whether t is inside the server's window around
// received: at most 7 days before it and at most 1 hour after it.
func inTimeWindow(t, received time.Time) bool {
	return !t.Before(received.Add(-occurredAtPastBound)) && !t.After(received.Add(occurredAtFutureBound))
}

// storedTime parses the event time raw and clamps it to the server's window
// around received.
func storedTime(raw json.RawMessage, received time.Time) time.Time {
	s := rubyToS(raw)
	if isBlank(s) {
		return received.UTC()
	}
	if t, ok := parseEventTime(s); ok && inTimeWindow(t, received) {
		return t.UTC()
	}
	return received.UTC()
}

func storedTags(raw json.RawMessage) (map[string]string, []string) {
	ms, _ := objectMembers(raw)
	ms = ms[:min(len(ms), maxTags)]
	tags := make(map[string]string, len(ms))
	var keys []string
	for _, m := range ms {
		k := railsTruncate(m.key, maxTagKeyChars)
		if _, dup := tags[k]; !dup {
			keys = append(keys, k)
		}
		tags[k] = railsTruncate(rubyToS(m.value), maxTagValueChars)
	}
	return tags, keys
}

func storedUser(raw json.RawMessage) User {
	ms, ok := objectMembers(raw)
	if !ok {
		return User{}
	}
	field := func(key string, n int) string {
		v, _ := lookup(ms, key)
		return presentTruncated(rubyStrip(rubyToS(v)), n)
	}
	return User{
		ID:        field("id", maxUserIDChars),
		Email:     field("email", maxUserEmailChars),
		Username:  field("username", maxUserUsernameChars),
		IPAddress: field("ip_address", maxUserIPChars),
	}
}

func storedBreadcrumbs(raw json.RawMessage) []Breadcrumb {
	elems, _ := arrayElements(raw)
	elems = elems[:min(len(elems), maxBreadcrumbs)]
	out := []Breadcrumb{}
	for _, el := range elems {
		ms, ok := objectMembers(el)
		if !ok {
			continue
		}
		get := func(key string) json.RawMessage {
			v, _ := lookup(ms, key)
			return v
		}
		b := Breadcrumb{
			Category: presentTruncated(rubyStrip(rubyToS(get("category"))), maxBreadcrumbCategory),
			Level:    normaliseLevel(get("level")),
			Message:  railsTruncate(rubyToS(get("message")), maxBreadcrumbMessage),
		}
		if ts := rubyToS(get("timestamp")); !isBlank(ts) {
			b.Timestamp = ts
		}
		data, _ := objectMembers(get("data"))
		b.Data, b.DataKeys = decodeObject(data[:min(len(data), maxBreadcrumbDataKeys)])
		out = append(out, b)
	}
	return out
}
