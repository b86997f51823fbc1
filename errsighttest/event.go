package errsighttest

import (
	"encoding/json"
	"time"
)

// Event is one event the [Server] accepted, as the client sent it.
//
// Raw is the event object exactly as it appeared in the request body (key
// order, spacing and duplicate keys included); every other field is a
// convenience decoded from it when the Event was returned. Nothing is trimmed,
// truncated or normalised here: use [Event.Stored] to see what the real
// server would keep, and [Event.Problems] to list what it would change or
// drop.
//
// Text fields hold the value converted the way the server converts it (Ruby's
// to_s): a JSON string as is, a number as its text, true and false as words,
// null or an absent field as "", an object or array as its compact JSON. So
// `"user":{"id":42}` gives User.ID "42". Whether the client sent the right
// JSON types is a question for [Event.Problems].
//
// An Event is a value owned by its receiver: [Server.Events] returns fresh
// copies, and changing one changes nothing in the server. The methods read
// Raw (and Received), not the convenience fields.
type Event struct {
	// Raw is the event's JSON object as sent.
	Raw json.RawMessage
	// Received is when the request carrying the event arrived. The server
	// measures the occurred_at window against it.
	Received time.Time

	Level       string // "level"
	Message     string // "message"
	Environment string // "environment"
	Release     string // "release"
	OccurredAt  string // "occurred_at"
	Timestamp   string // "timestamp" (the server prefers it to occurred_at)
	IngestionID string // "ingestion_id"

	// Backtrace is the legacy "backtrace": a string split at "\n", or an
	// array's elements.
	Backtrace []string
	// Fingerprint is "fingerprint": a string as one part, or an array's
	// elements; nil when absent.
	Fingerprint []string
	// Tags holds every pair of "tags"; TagKeys lists the keys in the order
	// sent.
	Tags    map[string]string
	TagKeys []string
	// User is "user".
	User User
	// Breadcrumbs holds every element of "breadcrumbs" that is an object.
	Breadcrumbs []Breadcrumb
	// Metadata is "metadata" decoded with numbers as json.Number;
	// MetadataKeys lists its keys in the order sent (a repeated key counts
	// once, at its first position, as in the server's Ruby Hash).
	Metadata     map[string]any
	MetadataKeys []string
}

// User is the "user" object of an event.
type User struct {
	ID        string // "id"
	Email     string // "email"
	Username  string // "username"
	IPAddress string // "ip_address"
}

// Breadcrumb is one element of an event's "breadcrumbs" array.
type Breadcrumb struct {
	Timestamp string // "timestamp"
	Category  string // "category"
	Level     string // "level"
	Message   string // "message"
	// Data is "data" decoded with numbers as json.Number; DataKeys lists its
	// keys in the order sent.
	Data     map[string]any
	DataKeys []string
}

// Frame is one element of metadata.exception_frames, innermost call first.
// Fields whose JSON type does not fit (a string "lineno", say) stay at their
// zero value; [Event.Problems] reports them.
type Frame struct {
	Filename    string   `json:"filename"`
	AbsPath     string   `json:"abs_path"`
	Lineno      int      `json:"lineno"`
	Function    string   `json:"function"`
	InApp       bool     `json:"in_app"`
	PreContext  []string `json:"pre_context"`
	ContextLine string   `json:"context_line"`
	PostContext []string `json:"post_context"`
}

// Cause is one element of metadata.exception_causes.
type Cause struct {
	Class   string // "class"
	Message string // "message"
	// Backtrace is "backtrace": a string split at "\n", or an array's
	// elements.
	Backtrace []string
}

// decodeEvent builds the Event for the accepted event object raw.
func decodeEvent(raw json.RawMessage, received time.Time) Event {
	ev := Event{Raw: raw, Received: received}
	ms, _ := objectMembers(raw)
	get := func(key string) json.RawMessage {
		v, _ := lookup(ms, key)
		return v
	}
	ev.Level = rubyToS(get("level"))
	ev.Message = rubyToS(get("message"))
	ev.Environment = rubyToS(get("environment"))
	ev.Release = rubyToS(get("release"))
	ev.OccurredAt = rubyToS(get("occurred_at"))
	ev.Timestamp = rubyToS(get("timestamp"))
	ev.IngestionID = rubyToS(get("ingestion_id"))
	ev.Backtrace = stringList(get("backtrace"), true)
	ev.Fingerprint = stringList(get("fingerprint"), false)
	if tags, ok := objectMembers(get("tags")); ok {
		ev.Tags = make(map[string]string, len(tags))
		for _, t := range tags {
			ev.Tags[t.key] = rubyToS(t.value)
			ev.TagKeys = append(ev.TagKeys, t.key)
		}
	}
	ev.User = decodeUser(get("user"))
	if crumbs, ok := arrayElements(get("breadcrumbs")); ok {
		for _, c := range crumbs {
			if b, ok := decodeBreadcrumb(c); ok {
				ev.Breadcrumbs = append(ev.Breadcrumbs, b)
			}
		}
	}
	if meta, ok := objectMembers(get("metadata")); ok {
		ev.Metadata, ev.MetadataKeys = decodeObject(meta)
	}
	return ev
}

func decodeUser(raw json.RawMessage) User {
	ms, ok := objectMembers(raw)
	if !ok {
		return User{}
	}
	get := func(key string) string {
		v, _ := lookup(ms, key)
		return rubyToS(v)
	}
	return User{ID: get("id"), Email: get("email"), Username: get("username"), IPAddress: get("ip_address")}
}

func decodeBreadcrumb(raw json.RawMessage) (Breadcrumb, bool) {
	ms, ok := objectMembers(raw)
	if !ok {
		return Breadcrumb{}, false
	}
	get := func(key string) json.RawMessage {
		v, _ := lookup(ms, key)
		return v
	}
	b := Breadcrumb{
		Timestamp: rubyToS(get("timestamp")),
		Category:  rubyToS(get("category")),
		Level:     rubyToS(get("level")),
		Message:   rubyToS(get("message")),
	}
	if data, ok := objectMembers(get("data")); ok {
		b.Data, b.DataKeys = decodeObject(data)
	}
	return b, true
}

// metadataMember returns the raw value of metadata[key] as sent (from all
// keys, not only the first 50 the server keeps).
func (e Event) metadataMember(key string) (json.RawMessage, bool) {
	top, _ := objectMembers(e.Raw)
	meta, _ := lookup(top, "metadata")
	ms, _ := objectMembers(meta)
	return lookup(ms, key)
}

// ExceptionClass returns metadata.exception_class as sent, or "".
func (e Event) ExceptionClass() string {
	v, _ := e.metadataMember("exception_class")
	return rubyToS(v)
}

// ExceptionFrames returns metadata.exception_frames as sent, innermost call
// first; nil when absent or not an array. An element that is not an object
// gives a zero Frame, so indexes match the JSON array.
func (e Event) ExceptionFrames() []Frame {
	v, _ := e.metadataMember("exception_frames")
	return decodeFrames(v)
}

func decodeFrames(raw json.RawMessage) []Frame {
	elems, ok := arrayElements(raw)
	if !ok {
		return nil
	}
	frames := make([]Frame, len(elems))
	for i, el := range elems {
		if jsonKind(el) == '{' {
			// Best effort: Unmarshal fills every field it can and skips the
			// ones whose JSON type does not fit.
			_ = json.Unmarshal(el, &frames[i])
		}
	}
	return frames
}

// ExceptionCauses returns metadata.exception_causes as sent; nil when absent
// or not an array. An element that is not an object gives a zero Cause.
func (e Event) ExceptionCauses() []Cause {
	v, _ := e.metadataMember("exception_causes")
	elems, ok := arrayElements(v)
	if !ok {
		return nil
	}
	causes := make([]Cause, len(elems))
	for i, el := range elems {
		ms, ok := objectMembers(el)
		if !ok {
			continue
		}
		class, _ := lookup(ms, "class")
		msg, _ := lookup(ms, "message")
		bt, _ := lookup(ms, "backtrace")
		causes[i] = Cause{Class: rubyToS(class), Message: rubyToS(msg), Backtrace: stringList(bt, true)}
	}
	return causes
}
