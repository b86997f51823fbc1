package errsight

import (
	"maps"
	"slices"
	"time"

	"github.com/errsight/errsight-go/stacktrace"
)

// EventID identifies one event: a UUID sent as the event's ingestion_id.
// Capture functions return the empty EventID when nothing was queued.
type EventID string

// User is the person affected by an event. Every field is optional. The SDK
// never fills IPAddress on its own: integrations do so only when told to.
type User struct {
	// ID is the application's own identifier for the user, at most 120
	// characters (longer is cut).
	ID string `json:"id,omitempty"`
	// Email is the user's address, at most 200 characters.
	Email string `json:"email,omitempty"`
	// Username is the name the user is known by, at most 120 characters.
	Username string `json:"username,omitempty"`
	// IPAddress is the address the user's request came from, at most 64
	// characters. Personal data: set it only where the application may.
	IPAddress string `json:"ip_address,omitempty"`
}

// IsZero reports whether every field of u is empty.
func (u User) IsZero() bool { return u == User{} }

// Frame is one stack frame, innermost first in [Exception.Frames].
type Frame = stacktrace.Frame

// Cause is one error below the captured one in its Unwrap chain.
type Cause = stacktrace.Cause

// Exception is the structured error data of an event. It is sent in the
// event's metadata as exception_class, exception_frames and exception_causes,
// which the server groups by.
type Exception struct {
	// Class is the most specific Go type in the error chain, as %T prints it
	// ("*fs.PathError"), or "panic" / the panic value's type for panics.
	Class string
	// Frames are innermost (the failing call) first: the error's own origin
	// stack when it carries one (pkg/errors, go-errors...), else the stack of
	// the capture call or panic.
	Frames []Frame
	// FramesOmitted counts frames left out of the middle of a deep stack.
	FramesOmitted int
	// Causes is the Unwrap chain below the captured error, depth first.
	Causes []Cause
}

// Event is one report. BeforeSend receives it fully built and may change any
// exported field; deleting from Tags or Metadata scrubs what is sent. The
// maps and slices of the event BeforeSend receives are its own: tags,
// metadata (the maps and slices nested in its values too, except behind a
// pointer), user, breadcrumbs and their Data, fingerprint, exception data.
// Editing them never changes the scope or another event, even while other
// goroutines capture.
//
// An Event handed to [CaptureEvent] or returned by BeforeSend belongs to the
// SDK from then on: don't modify or reuse it.
type Event struct {
	// ID identifies the event; the server drops a second event with the
	// same ID, so retries never duplicate it. Empty in an event given to
	// CaptureEvent: a new UUID is set.
	ID EventID
	// Level is the event's severity. Zero in an event given to
	// CaptureEvent: LevelError with an Exception, else LevelInfo. Events
	// below Options.MinLevel are not sent.
	Level Level
	// Message is what happened, for a captured error its Error() text; at
	// most 10,000 characters are sent.
	Message string
	// Timestamp is when the event was captured. Zero in an event given to
	// CaptureEvent: the time of the call. The server files an event more
	// than 7 days old or 1 hour ahead at the time it receives it; the SDK
	// then keeps this time in metadata.
	Timestamp time.Time
	// Environment is the deployment the event comes from ("production",
	// "staging"); empty: Options.Environment. At most 120 characters.
	Environment string
	// Release is the version of the program; empty: Options.Release. At
	// most 120 characters.
	Release string
	// Tags are indexed key-value pairs the server can filter on: the
	// scope's, then the event's own (which win). At most 29 are sent (the
	// server keeps 30; one carries the event's ID), keys of at most 60
	// characters, values of at most 200.
	Tags map[string]string
	// Metadata is free-form data shown with the event: the scope's, then
	// the event's own (which win). Values are encoded as JSON when the
	// event is sent; at most 50 keys, each value at most 64 KiB encoded.
	Metadata map[string]any
	// User is the person affected; zero in the event: the scope's user.
	User User
	// Breadcrumbs are the steps that led to the event, oldest first: the
	// scope's, then the event's own; the most recent 50 are sent.
	Breadcrumbs []Breadcrumb
	// Fingerprint decides the event's issue when non-empty: events with
	// equal fingerprints (parts trimmed, blank parts dropped) form one
	// issue. When empty, the SDK sends [Event.DefaultFingerprint].
	Fingerprint []string
	// Exception is set for captured errors and panics.
	Exception *Exception
	// Contexts says where the event happened: the SDK fills server_name,
	// go_version, os, arch, sdk_name and sdk_version (the Context* keys),
	// and ContextHooks add theirs (errsightotel: trace_id, span_id). It is
	// sent as one object under the metadata key "errsight_context", ahead of
	// the user's metadata, so the server's 50-key cut never drops it nor
	// lets it push out the user's keys. Delete a key to leave it out.
	Contexts map[string]string

	// What the capture recorded (the error, its stack, the scope snapshot);
	// build turns it into the exported fields, on the worker.
	err error
	pcs []uintptr
	// cause is the captured error, kept after build for Err (err is
	// cleared once its exception data is built).
	cause error
	scope *scopeData
	// hooked is what the ContextHooks found in the capture's context.
	hooked []any
	// stack is the worker's cache entry for the event's frames: their
	// encoding is spliced in while the frames are still the entry's.
	stack *stackEntry
	// scopeTags is the scope's tag map when build left it as the event's
	// Tags: its encoding is spliced in while Tags is still that map.
	scopeTags map[string]string
	// outside says whether the server will replace Timestamp, as encode
	// found it (outsideKnown): one clock read per event, not one per
	// encoding.
	outside, outsideKnown bool
	// crumbs are the scope's breadcrumbs, when build did not copy them
	// into Breadcrumbs: without BeforeSend and ContextHooks no one reads
	// the event, and their encoding is spliced in by the list's identity.
	crumbs *crumbNode
	built  bool
	// suppressed is set by the spike guard on the worker: how many events
	// like this one were left out since the last one sent.
	suppressed int32
}

// newEventID makes a random (version 4) UUID. math/rand/v2's generator is
// ChaCha8 seeded per thread by the runtime: unique enough for an idempotency
// key, without crypto/rand's syscall on the capture path. The text is
// formatted by hand into one allocation: this runs on every capture.
func newEventID() EventID {
	var buf [eventIDLen]byte
	putRandomEventID(&buf)
	return EventID(buf[:])
}

// eventIDLen is the length of an EventID: a UUID's 36 characters.
const eventIDLen = 36

// build merges the scope snapshot into the event and symbolises its stack.
// It runs once, on the worker (never on the capturing goroutine: it reads
// source files).
func (ev *Event) build(c *Client) {
	if ev.built {
		return
	}
	ev.built = true
	if ev.Environment == "" {
		ev.Environment = c.opts.Environment
	}
	if ev.Release == "" {
		ev.Release = c.opts.Release
	}
	sd := ev.scope
	if sd == nil {
		sd = &emptyScope
	}
	if ev.User.IsZero() {
		ev.User = sd.user
	}
	if len(ev.Tags) == 0 && len(sd.tags) > 0 {
		ev.scopeTags = sd.tags
	}
	ev.Tags = mergeMaps(sd.tags, ev.Tags)
	ev.Metadata = mergeMaps(sd.metadata, ev.Metadata)
	ev.Contexts = mergeMaps(c.contexts, ev.Contexts)
	if len(ev.Fingerprint) == 0 && len(sd.fingerprint) > 0 {
		ev.Fingerprint = append([]string(nil), sd.fingerprint...)
	}
	if len(ev.Breadcrumbs) == 0 && ev.hooked == nil && c.opts.BeforeSend == nil {
		ev.crumbs = sd.crumbs
	} else if crumbs := sd.crumbs.slice(maxBreadcrumbs); len(crumbs) > 0 {
		if len(ev.Breadcrumbs) > 0 {
			crumbs = append(crumbs, ev.Breadcrumbs...)
		}
		ev.Breadcrumbs = crumbs
	}
	if n := len(ev.Breadcrumbs); n > maxBreadcrumbs {
		ev.Breadcrumbs = ev.Breadcrumbs[n-maxBreadcrumbs:]
	}
	ev.scope = nil

	if ev.err != nil || ev.pcs != nil {
		ev.buildException(c)
	}
	if ev.hooked != nil {
		// The maps may be the scope's or the client's, shared with other
		// events and read by other goroutines, and the frames the stack
		// cache's: a hook that sets a key or a frame must reach this event
		// only.
		ev.Tags, ev.Metadata, ev.Contexts = maps.Clone(ev.Tags), maps.Clone(ev.Metadata), maps.Clone(ev.Contexts)
		if ex := ev.Exception; ex != nil && ev.stack != nil {
			ex.Frames = slices.Clone(ex.Frames)
		}
		// Last, so that a hook sees the event as BeforeSend will.
		c.enrich(ev, ev.hooked)
		ev.hooked = nil
	}
}

func (ev *Event) buildException(c *Client) {
	ex := ev.Exception
	if ex == nil {
		ex = &Exception{}
	}
	pcs := ev.pcs
	if ev.err != nil {
		class, origin, causes := c.sym.Exception(ev.err, maxCauses)
		if ex.Class == "" {
			ex.Class = class
		}
		if len(origin) > 0 {
			pcs = origin
		}
		ex.Causes = causes
	}
	if len(pcs) > 0 && len(ex.Frames) == 0 {
		st := c.cache.stacks.frames(c.sym, pcs)
		ex.Frames, ex.FramesOmitted, ev.stack = st.frames, st.omitted, st
	}
	ev.cause = ev.err
	ev.err, ev.pcs = nil, nil
	if ex.Class == "" && len(ex.Frames) == 0 && len(ex.Causes) == 0 {
		// A message with AttachStacktrace but an empty stack: nothing to send.
		return
	}
	ev.Exception = ex
}

// mergeMaps returns base overlaid with top. When one of them is empty it
// returns the other, not a copy: the scope's and the client's maps are
// never written again, and an event that leaves them unchanged shares them
// (no copy per event, and the encoder splices their encoding by identity).
// Whoever may write to the event's maps gets copies first (Event.isolate
// for BeforeSend, build for the ContextHooks).
func mergeMaps[V any](base, top map[string]V) map[string]V {
	if len(base) == 0 {
		return top
	}
	if len(top) == 0 {
		return base
	}
	out := make(map[string]V, len(base)+len(top))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range top {
		out[k] = v
	}
	return out
}
