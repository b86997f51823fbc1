package errsight

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/errsight/errsight-go/batcher"
	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/internal/safeval"
	"github.com/errsight/errsight-go/internal/scrub"
	"github.com/errsight/errsight-go/stacktrace"
)

// Shrink levels, each smaller than the one before, for an event too large
// for a request on its own (see batcher.Config.Encode and ShrinkLevels). At the levels that
// cut values, encode searches for the largest cut that fits, so an event
// loses only what it must.
const (
	shrinkNone          = iota
	shrinkValues        // cut the longest values (metadata, message, causes) just enough
	shrinkSourceContext // and drop source context lines
	shrinkBreadcrumbs   // and breadcrumbs, keep 20 frames
	shrinkMetadata      // and drop the user's metadata, keep 10 frames
	shrinkLevels
)

// The metadata keys the SDK itself writes. They go first in the metadata
// object: the server keeps only the first 50 keys in the order sent.
const (
	keyExceptionClass  = "exception_class"
	keyExceptionFrames = "exception_frames"
	keyExceptionCauses = "exception_causes"
	keyFramesOmitted   = "errsight_frames_omitted"
	keySuppressed      = "errsight_suppressed"
	// keyEventID carries the EventID a capture returned, in metadata and
	// as a tag: the server replaces ingestion_id with its own id, so this
	// is how an event is found from the id an application logged (the
	// server's search filters on tags).
	keyEventID = "errsight_event_id"
	// keyOriginalTimestamp keeps an event's own time when the server would
	// replace it (see outsideServerWindow): the server keeps metadata.
	keyOriginalTimestamp = "errsight_original_timestamp"
	keyContext           = "errsight_context"
)

var sdkMetadataKeys = []string{keyEventID, keyExceptionClass, keyExceptionFrames, keyExceptionCauses, keyFramesOmitted, keySuppressed, keyOriginalTimestamp, keyContext}

// The server silently replaces an occurred_at more than 7 days in the past
// or more than 1 hour in the future with the time it processes the event.
// timestampMargin allows for the time between encoding and processing.
const (
	serverMaxAge    = 7 * 24 * time.Hour
	serverMaxAhead  = time.Hour
	timestampMargin = 5 * time.Minute
)

// outsideServerWindow reports whether the server would replace ts, an
// event's time, when it processes the event around now.
func outsideServerWindow(ts, now time.Time) bool {
	return ts.Before(now.Add(-serverMaxAge+timestampMargin)) || ts.After(now.Add(serverMaxAhead-timestampMargin))
}

// encode is encodeTo into a buffer of its own (tests, benchmarks).
func (c *Client) encode(r *capture, shrink int) ([]byte, error) {
	return c.encodeTo(nil, r, shrink)
}

// encodeTo is the batcher's EncodeTo: it appends the event's JSON object to
// dst, the request body being assembled. It runs on the worker goroutine
// only, which owns c.spike, c.scratch and c.cache.
func (c *Client) encodeTo(dst []byte, r *capture, shrink int) ([]byte, error) {
	if shrink == shrinkNone {
		c.release(r) // out of the queue: its memory is the outbox's now
	}
	ev := r.event()
	if shrink == shrinkNone {
		// The guard decides on the group alone, before the event is built:
		// an event it drops costs no symbolising and no source reading.
		// A ContextHook may set the fingerprint: such an event is built
		// first, so the key is always the one the server will compute.
		now := time.Now()
		if ev.hooked != nil || c.opts.BeforeSend != nil {
			ev.build(c)
		}
		if c.opts.BeforeSend != nil {
			// Before the spike guard, which must group the event as sent.
			if ev = c.beforeSend(ev); ev == nil {
				return nil, nil // dropped on purpose: counted under BeforeSend
			}
			r.ev = ev
		}
		if c.spike != nil && c.spike.suppress(ev, c.groupKey(ev), now) {
			c.spikeDropped.Add(1)
			return nil, nil // dropped on purpose: counted as suppressed
		}
		ev.build(c)
		ev.outside, ev.outsideKnown = outsideServerWindow(ev.Timestamp, now), true
		if ev.outside {
			c.log.printf("event %s: its timestamp %s is more than 7 days old or 1 hour ahead, so the server files it at the time it processes it; the original is kept in metadata %q",
				ev.ID, ev.Timestamp.UTC().Format(time.RFC3339), keyOriginalTimestamp)
		}
	}
	if shrink == shrinkNone {
		// Straight into the request body: written once, where it is sent
		// from.
		return appendEventWith(dst, ev, shrinkNone, fullCut, &c.cache), nil
	}
	// Shrinking encodes several times into the scratch buffer, then
	// appends the encoding that fits.
	b := c.appendLargestFit(ev, shrink)
	if cap(b) <= maxScratchBytes {
		c.scratch = b
	}
	return append(dst, b...), nil
}

// maxScratchBytes bounds the encoding buffer the worker keeps between events.
const maxScratchBytes = 1 << 20

// fitBytes is what one event may take in a request of its own: the
// batcher's limit, less the array's brackets.
const fitBytes = batcher.MaxBatchBytes - 2

// appendLargestFit encodes ev at a shrink level with the largest value cut
// that fits in fitBytes, found by binary search over the cut: a 600 KB event
// loses what it must to fit in 512 KiB, not everything but the first
// characters of each value. When even the smallest cut of the level does
// not fit, it returns that encoding, and the batcher tries the next level.
func (c *Client) appendLargestFit(ev *Event, shrink int) []byte {
	lo, hi := minValueChars(shrink), maxValueChars
	b := appendEventCut(c.scratch[:0], ev, shrink, lo)
	if len(b) > fitBytes {
		return b
	}
	// Invariant: lo fits. Encodings grow with the cut, so the largest
	// fitting cut is found in log2(hi/lo) encodings.
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if b = appendEventCut(b[:0], ev, shrink, mid); len(b) <= fitBytes {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return appendEventCut(b[:0], ev, shrink, lo)
}

// Bounds of the value cut searched at each level: the largest is what a
// value may be at full fidelity; the smallest shrinks as levels drop more.
const maxValueChars = maxValueBytes

func minValueChars(shrink int) int {
	switch shrink {
	case shrinkValues:
		return 1024
	case shrinkSourceContext:
		return 256
	}
	return 64
}

// cut is how much of each value appendEventCut writes: strings of at most
// chars characters (the message, metadata strings at any depth, cause
// messages) and other metadata values of at most bytes bytes encoded.
type cut struct{ chars, bytes, message int }

// fullCut is shrink level 0: a string value is cut only when longer than
// maxValueBytes, and then to a quarter of that in characters.
var fullCut = cut{chars: 0, bytes: maxValueBytes, message: maxMessageChars}

// appendEvent writes the event's JSON object with the server's field names,
// inside the server's limits. It never fails: a value that cannot be encoded
// becomes a placeholder string.
func appendEvent(b []byte, ev *Event, shrink int) []byte {
	if shrink == shrinkNone {
		return appendEventWith(b, ev, shrink, fullCut, nil)
	}
	return appendEventCut(b, ev, shrink, minValueChars(shrink))
}

func appendEventCut(b []byte, ev *Event, shrink, chars int) []byte {
	vc := cut{chars: chars, bytes: min(chars, maxValueBytes), message: min(chars, maxMessageChars)}
	if shrink >= shrinkMetadata {
		vc.message = min(vc.message, shrunkMessageChars)
	}
	return appendEventWith(b, ev, shrink, vc, nil)
}

// appendEventWith writes the event within vc; ec, when not nil, is the
// worker's cache of what it encoded before.
func appendEventWith(b []byte, ev *Event, shrink int, vc cut, ec *encodeCache) []byte {
	msg := ev.Message
	if msg == "" {
		// The server rejects a blank message when it stores the event.
		msg = fallbackMessage(ev)
	}
	b = append(b, `{"ingestion_id":`...)
	b = appendString(b, string(ev.ID))
	b = append(b, `,"level":`...)
	b = appendString(b, ev.Level.wire())
	b = append(b, `,"message":`...)
	// Text is scrubbed here, on the worker, where it is final (BeforeSend
	// has run): URLs quoted in error texts and log lines carry tokens.
	// Before the cut, which could leave "user:pass" without its "@".
	b = appendString(b, truncate(scrub.Text(msg), vc.message))
	b = append(b, `,"environment":`...)
	b = appendString(b, truncate(ev.Environment, maxEnvironmentChars))
	if ev.Release != "" {
		b = append(b, `,"release":`...)
		b = appendString(b, truncate(ev.Release, maxReleaseChars))
	}
	b = append(b, `,"occurred_at":"`...)
	b = appendTimestamp(b, ev.Timestamp)
	b = append(b, '"')
	if !ev.User.IsZero() {
		b = append(b, `,"user":`...)
		b = appendUser(b, ev.User)
	}
	b = append(b, `,"tags":`...)
	if ec != nil && ev.ID != "" && ev.scopeTags != nil && mapID(ev.Tags) == mapID(ev.scopeTags) {
		b = appendTagID(b, ev.ID)
		b = append(b, ec.parts.tagMembers(ev.scopeTags)...)
		b = append(b, '}')
	} else {
		b = appendTags(b, ev.ID, ev.Tags)
	}
	if enc := ec.defaultFingerprintJSON(ev); enc != nil {
		b = append(b, `,"fingerprint":`...)
		b = append(b, enc...)
	} else if fp := ev.wireFingerprint(ec.templateCache()); len(fp) > 0 {
		b = append(b, `,"fingerprint":`...)
		b = appendStrings(b, fp)
	}
	if shrink < shrinkBreadcrumbs {
		switch {
		case len(ev.Breadcrumbs) > 0:
			b = append(b, `,"breadcrumbs":`...)
			b = appendBreadcrumbs(b, ev.Breadcrumbs)
		case ev.crumbs != nil && ec != nil:
			b = append(b, `,"breadcrumbs":`...)
			b = append(b, ec.parts.crumbsJSON(ev.crumbs)...)
		case ev.crumbs != nil:
			b = append(b, `,"breadcrumbs":`...)
			b = appendBreadcrumbs(b, ev.crumbs.slice(maxBreadcrumbs))
		}
	}
	b = appendMetadata(b, ev, shrink, vc, ec)
	if ex := ev.Exception; ex != nil && len(ex.Frames) > 0 {
		b = append(b, `,"backtrace":`...)
		if st := ev.stack; ec != nil && shrink < shrinkBreadcrumbs && st.matches(ex.Frames) {
			// Below shrinkBreadcrumbs every frame is kept.
			b = append(b, ec.stacks.backtraceJSON(st)...)
		} else {
			b = appendStrings(b, stacktrace.Backtrace(framesFor(ex.Frames, shrink)))
		}
	}
	return append(b, '}')
}

func fallbackMessage(ev *Event) string {
	if ev.Exception != nil && ev.Exception.Class != "" {
		return ev.Exception.Class
	}
	return "(no message)"
}

func appendUser(b []byte, u User) []byte {
	first := true
	field := func(name, v string, max int) {
		if v == "" {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, name)
		b = append(b, ':')
		b = appendString(b, truncate(v, max))
	}
	b = append(b, '{')
	field("id", u.ID, maxUserIDChars)
	field("email", u.Email, maxUserEmailChars)
	field("username", u.Username, maxUserNameChars)
	field("ip_address", u.IPAddress, maxUserIPChars)
	return append(b, '}')
}

// appendTags writes the event's id tag, then at most maxTags-1 of tags, in
// key order so that which ones are kept does not depend on map iteration
// (the server keeps the first 30). Keys are cut to the server's length;
// keys that become equal once cleaned or cut are written once.
func appendTags(b []byte, id EventID, tags map[string]string) []byte {
	n := 0
	if id != "" {
		b = appendTagID(b, id)
		n++
	} else {
		b = append(b, '{')
	}
	return append(appendTagMembers(b, tags, n), '}')
}

// appendTagID opens the tags object with the event id tag.
func appendTagID(b []byte, id EventID) []byte {
	b = append(b, `{"`+keyEventID+`":`...)
	return appendString(b, string(id))
}

// appendTagMembers writes the members of tags that follow n members
// already written, each with its leading comma when n > 0.
func appendTagMembers(b []byte, tags map[string]string, n int) []byte {
	for _, k := range objectKeys(tags, maxTagKeyChars, maxTags-n, keyEventID) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, k.out)
		b = append(b, ':')
		b = appendString(b, truncate(scrub.Text(tags[k.raw]), maxTagValueChars))
	}
	return b
}

// appendStringMap writes m as a JSON object in key order, each value cut to
// max characters; keys that collide once cleaned are written once.
func appendStringMap(b []byte, m map[string]string, max int) []byte {
	b = append(b, '{')
	for i, k := range objectKeys(m, 0, len(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k.out)
		b = append(b, ':')
		b = appendString(b, truncate(scrub.Text(m[k.raw]), max))
	}
	return append(b, '}')
}

// wireFingerprint is the fingerprint as sent: the event's own, else the
// SDK's default grouping (see grouping.go), normalised as the server does
// (parts trimmed, blanks dropped) and bounded.
func (ev *Event) wireFingerprint(tc *templateCache) []string {
	fp := ev.Fingerprint
	if len(fp) == 0 {
		fp = ev.defaultFingerprint(tc)
	}
	return fingerprintParts(fp)
}

// fingerprintParts mirrors the server's normalisation, bounded: each part
// is cleaned, trimmed and cut; blank parts are dropped.
func fingerprintParts(fp []string) []string {
	var out []string
	for _, p := range fp {
		if len(out) == maxFingerprintParts {
			break
		}
		if p = strings.TrimSpace(truncate(cleanString(p), maxFingerprintChars)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func appendBreadcrumbs(b []byte, crumbs []Breadcrumb) []byte {
	if len(crumbs) > maxBreadcrumbs {
		crumbs = crumbs[len(crumbs)-maxBreadcrumbs:]
	}
	b = append(b, '[')
	for i, c := range crumbs {
		if i > 0 {
			b = append(b, ',')
		}
		ts := c.Timestamp
		if ts.IsZero() {
			ts = time.Now()
		}
		level := c.Level
		if level == 0 {
			level = LevelInfo
		}
		b = append(b, `{"timestamp":"`...)
		b = appendTimestamp(b, ts)
		b = append(b, `","level":`...)
		b = appendString(b, level.wire())
		if c.Category != "" {
			b = append(b, `,"category":`...)
			b = appendString(b, truncate(c.Category, maxCrumbCategory))
		}
		b = append(b, `,"message":`...)
		b = appendString(b, truncate(scrub.Text(c.Message), maxCrumbMessage))
		if len(c.Data) > 0 {
			b = append(b, `,"data":{`...)
			for j, k := range objectKeys(c.Data, 0, maxCrumbDataKeys) {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendString(b, k.out)
				b = append(b, ':')
				b = appendValue(b, c.Data[k.raw], crumbCut)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// crumbCut bounds one breadcrumb data value.
var crumbCut = cut{chars: shrunkValueBytes, bytes: shrunkValueBytes}

// appendMetadata writes the SDK's keys first, then the user's in key order,
// at most maxMetadataKeys in all: the server keeps only the first 50 keys in
// the order sent, and the event id and exception data must survive a large
// user map.
func appendMetadata(b []byte, ev *Event, shrink int, vc cut, ec *encodeCache) []byte {
	n := 0
	field := func(key string) {
		if n == 0 {
			b = append(b, `,"metadata":{`...)
		} else {
			b = append(b, ',')
		}
		n++
		b = appendString(b, key)
		b = append(b, ':')
	}
	if ev.ID != "" {
		field(keyEventID)
		b = appendString(b, string(ev.ID))
	}
	if ex := ev.Exception; ex != nil {
		if ex.Class != "" {
			field(keyExceptionClass)
			b = appendString(b, ex.Class)
		}
		if frames := framesFor(ex.Frames, shrink); len(frames) > 0 {
			field(keyExceptionFrames)
			switch st := ev.stack; {
			case ec == nil:
				b = appendFrames(b, frames)
			case shrink < shrinkSourceContext && st.matches(frames):
				b = append(b, ec.stacks.framesJSON(st, &ec.sources)...)
			default:
				b = appendFramesCached(b, frames, &ec.sources)
			}
		}
		if len(ex.Causes) > 0 {
			field(keyExceptionCauses)
			b = appendCauses(b, causesFor(ex.Causes, shrink, vc))
		}
		if ex.FramesOmitted > 0 {
			field(keyFramesOmitted)
			b = strconv.AppendInt(b, int64(ex.FramesOmitted), 10)
		}
	}
	if ev.suppressed > 0 {
		field(keySuppressed)
		b = strconv.AppendInt(b, int64(ev.suppressed), 10)
	}
	if ev.outsideWindow() {
		field(keyOriginalTimestamp)
		b = append(b, '"')
		b = appendTimestamp(b, ev.Timestamp)
		b = append(b, '"')
	}
	if len(ev.Contexts) > 0 {
		field(keyContext)
		if ec != nil && mapID(ev.Contexts) == mapID(ec.contexts) {
			b = append(b, ec.parts.contextsJSON(ec.contexts)...)
		} else {
			b = appendStringMap(b, ev.Contexts, maxTagValueChars)
		}
	}
	if shrink < shrinkMetadata && len(ev.Metadata) > 0 {
		// The SDK's own keys win over a user's key of the same name.
		for _, k := range objectKeys(ev.Metadata, 0, maxMetadataKeys-n, sdkMetadataKeys...) {
			field(k.out)
			b = appendValue(b, ev.Metadata[k.raw], vc)
		}
	}
	if n > 0 {
		b = append(b, '}')
	}
	return b
}

// framesFor returns the frames to send at a shrink level, without modifying
// the event's own frames (a retry at a lower level must still have them).
func framesFor(frames []Frame, shrink int) []Frame {
	if shrink < shrinkSourceContext {
		return frames
	}
	keep := len(frames)
	switch {
	case shrink >= shrinkMetadata:
		keep = min(keep, 10)
	case shrink >= shrinkBreadcrumbs:
		keep = min(keep, 20)
	}
	out := make([]Frame, keep)
	for i := range out {
		f := frames[i]
		f.PreContext, f.ContextLine, f.PostContext = nil, "", nil
		out[i] = f
	}
	return out
}

func causesFor(causes []Cause, shrink int, vc cut) []Cause {
	if shrink == shrinkNone {
		return causes
	}
	chars := vc.chars
	if shrink >= shrinkMetadata {
		chars = min(chars, 200)
	}
	out := make([]Cause, len(causes))
	for i, c := range causes {
		out[i] = Cause{Class: c.Class, Message: truncate(scrub.Text(c.Message), chars), Backtrace: c.Backtrace}
		if shrink >= shrinkMetadata {
			out[i].Backtrace = nil
		}
	}
	return out
}

// appendValue encodes one user-supplied value within vc. Whatever it is —
// NaN, a channel, a cycle, a MarshalJSON that fails or panics, a huge
// string, NUL characters, keys that collide once cleaned — the result is
// valid JSON the server can store: the value itself, or a readable
// placeholder for it.
func appendValue(b []byte, v any, vc cut) []byte {
	chars := vc.chars
	if chars == 0 {
		chars = maxValueBytes / 4
	}
	if s, ok := v.(string); ok {
		s = scrub.Text(s) // an error's text logged as an attribute, a url
		if vc.chars > 0 || len(s) > vc.bytes {
			s = truncate(s, max(chars, 16))
		}
		return appendString(b, s)
	}
	if !safeval.Safe(v) {
		// A value that contains itself or nests without end: encoding/json
		// would recurse until it detects the cycle, or overflow the stack.
		v = safeval.Tree(v)
	}
	if vc.chars == 0 {
		chars = maxValueBytes // inside a value, the value's own bound applies
	}
	return appendJSON(b, sanitize(v, 0), chars, vc.bytes)
}

// appendJSON marshals v with encoding/json, containing its failures, and
// rewrites the result by the SDK's rules (see appendCleanJSON), cutting
// strings inside it to chars characters. Over limit bytes, the value is
// replaced by a placeholder that shows how it begins.
func appendJSON(b []byte, v any, chars, limit int) []byte {
	data, err := marshalSafe(v)
	if err != nil {
		return appendString(b, fmt.Sprintf("[errsight: cannot encode %T: %v]", v, err))
	}
	start := len(b)
	b, err = appendCleanJSON(b, data, max(chars, 16))
	if err != nil {
		return appendString(b[:start], fmt.Sprintf("[errsight: cannot encode %T: %v]", v, err))
	}
	if n := len(b) - start; n > limit {
		begins := truncate(string(b[start:]), 128)
		return appendString(b[:start], fmt.Sprintf("[errsight: %T of %d bytes left out; it begins %s]", v, n, begins))
	}
	return b
}

func marshalSafe(v any) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("MarshalJSON panicked: %s", safe.PanicText(r))
		}
	}()
	return json.Marshal(v)
}

// sanitize replaces, inside the dynamic containers users commonly pass, the
// values JSON has no encoding for, so that one NaN costs one placeholder
// rather than the whole value. Other types are left to encoding/json.
func sanitize(v any, depth int) any {
	if depth > safeval.MaxDepth {
		return v // appendValue made sure v is acyclic and bounded
	}
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
	case float32:
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 32)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = sanitize(e, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitize(e, depth+1)
		}
		return out
	case error:
		if _, ok := v.(json.Marshaler); !ok {
			// An error's fields are usually unexported: its text says more.
			return stacktrace.ErrorMessage(x)
		}
	case fmt.Stringer:
		if _, ok := v.(json.Marshaler); !ok && isOpaque(v) {
			return x.String()
		}
	}
	return v
}

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// encoding/json does, and so does NUL, which the server cannot store (see
// encode_clean.go); U+2028 and U+2029 are escaped for JavaScript readers.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip 8 bytes at a time while none needs escaping: most text is
		// plain ASCII, and testing it a word at a time is several times
		// faster than a byte at a time.
		for i+8 <= len(s) && wordSafe(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case 0:
				b = append(b, `\ufffd`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// wordSafe reports whether none of w's 8 bytes needs escaping: none is a
// control character (below 0x20), '"', '\\' or outside ASCII. It tests
// the 8 bytes at once with the "has a byte less than n" and "has a zero
// byte" bit tricks, which are exact for n <= 128.
func wordSafe(w string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	bad := (x - lo*0x20) & ^x // a byte below 0x20
	bad |= (q - lo) & ^q      // a '"'
	bad |= (bs - lo) & ^bs    // a '\\'
	bad |= x                  // a byte outside ASCII
	return bad&hi == 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isOpaque reports whether v is a struct (or pointer to one) without
// exported fields, which encoding/json would render as an empty object.
func isOpaque(v any) bool {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// timestampLayout is how the server wants times: UTC, in milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// appendTimestamp writes t in UTC as timestampLayout does, digit by digit:
// every event and breadcrumb has one, and time.AppendFormat's layout
// interpretation cost several times more. Years outside 0-9999 take
// AppendFormat's way.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timestampLayout)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// outsideWindow reports whether the server will replace the event's time
// (see outsideServerWindow): as encode found it, else as of now.
func (ev *Event) outsideWindow() bool {
	if ev.outsideKnown {
		return ev.outside
	}
	return outsideServerWindow(ev.Timestamp, time.Now())
}
