package errsight

import (
	"context"
	"runtime"
	"sync/atomic"
)

// Hub pairs a [Client] with a [Scope]. Each unit of work (a request, a job)
// gets its own hub, forked with [WithScope] or [Hub.Clone], carried in its
// context.Context; every hub shares the one client.
//
// A Hub is safe for concurrent use. A nil client makes every capture a
// no-op. The methods of Hub are the package-level capture functions without
// the ctx argument.
type Hub struct {
	client atomic.Pointer[Client]
	scope  *Scope
}

// hubScope allocates a hub and its scope together: forking a hub per request
// is then one allocation.
type hubScope struct {
	hub   Hub
	scope Scope
}

// NewHub returns a hub for client c with scope s; a nil s means a new empty
// scope. The hub uses s itself, not a copy.
func NewHub(c *Client, s *Scope) *Hub {
	if s == nil {
		hs := &hubScope{}
		hs.hub.scope = &hs.scope
		hs.hub.client.Store(c)
		return &hs.hub
	}
	h := &Hub{scope: s}
	h.client.Store(c)
	return h
}

// Clone returns a hub with the same client and a clone of the scope.
func (h *Hub) Clone() *Hub {
	hs := &hubScope{}
	hs.hub.scope = &hs.scope
	hs.hub.client.Store(h.client.Load())
	h.scope.cloneInto(&hs.scope)
	return &hs.hub
}

// Client returns the hub's client, nil for none. When that client was
// replaced by a later [Init], it returns the replacement (see Init).
func (h *Hub) Client() *Client { return h.client.Load().current() }

// BindClient makes c the hub's client and returns a function that binds
// the previous client again. It is how a test points a hub, typically
// [CurrentHub], at a test client for its duration:
//
//	defer errsight.CurrentHub().BindClient(client)()
//
// Unlike [Init] it closes neither client: the caller owns both. Hubs
// cloned from h earlier keep the client they had. Safe for concurrent
// use; the undo restores the client bound before this call even if
// another BindClient ran in between, so undo in reverse order.
func (h *Hub) BindClient(c *Client) (undo func()) {
	prev := h.client.Swap(c)
	return func() { h.client.Store(prev) }
}

// Scope returns the hub's scope.
func (h *Hub) Scope() *Scope { return h.scope }

// ConfigureScope calls f with the hub's scope.
func (h *Hub) ConfigureScope(f func(*Scope)) { f(h.scope) }

// AddBreadcrumb adds b to the hub's scope. It is a no-op when the hub's
// client is disabled, so breadcrumbs cost nothing without an API key.
func (h *Hub) AddBreadcrumb(b Breadcrumb) {
	c := h.Client()
	if !c.Enabled() {
		return
	}
	if c.opts.BeforeBreadcrumb != nil {
		var keep bool
		if b, keep = c.beforeBreadcrumb(b); !keep {
			return
		}
	}
	h.scope.AddBreadcrumb(b)
}

// CaptureError reports err at LevelError. It returns the event's id, or ""
// when nothing was queued (disabled client, nil error, below MinLevel,
// queue full). BeforeSend runs later, on the worker: an event it drops has
// an id too.
func (h *Hub) CaptureError(err error) EventID {
	c, level := h.admitError(err, LevelError)
	if c == nil {
		return ""
	}
	// The stack is recorded here, not in a helper: see admitError.
	var buf [stackDepth]uintptr
	return h.finishError(noContext, c, err, level, buf[:runtime.Callers(2, buf[:])])
}

// CaptureErrorAtLevel reports err at the given level.
func (h *Hub) CaptureErrorAtLevel(err error, level Level) EventID {
	c, level := h.admitError(err, level)
	if c == nil {
		return ""
	}
	// The stack is recorded here, not in a helper: see admitError.
	var buf [stackDepth]uintptr
	return h.finishError(noContext, c, err, level, buf[:runtime.Callers(2, buf[:])])
}

// CaptureMessage reports a message at the given level.
func (h *Hub) CaptureMessage(msg string, level Level) EventID {
	return h.captureMessage(noContext, msg, level, 1)
}

// CaptureEvent reports an event built by the caller, who hands it over.
func (h *Hub) CaptureEvent(ev *Event) EventID {
	return h.captureEvent(noContext, ev, 1)
}

// Recover reports a value returned by recover() as a fatal event and returns
// its id. Unlike the package-level [Recover], it neither flushes nor
// re-panics: it is the building block for integrations that must carry on.
// http.ErrAbortHandler and nil are not reported.
func (h *Hub) Recover(r any) EventID {
	return h.capturePanic(noContext, r, 1)
}

// The Context variants below are the Hub methods for code that holds both
// a hub and the context of the work (integrations: a request's context, a
// log record's): the client's ContextHooks read ctx, e.g. errsightotel the
// span of a request traced by otelhttp. The hub is h, not the hub of ctx.
// A nil ctx is allowed and skips the hooks, as the methods without ctx do.

// CaptureErrorContext is [Hub.CaptureError] with the capture's context.
func (h *Hub) CaptureErrorContext(ctx context.Context, err error) EventID {
	c, level := h.admitError(err, LevelError)
	if c == nil {
		return ""
	}
	// The stack is recorded here, not in a helper: see admitError.
	var buf [stackDepth]uintptr
	return h.finishError(ctx, c, err, level, buf[:runtime.Callers(2, buf[:])])
}

// CaptureMessageContext is [Hub.CaptureMessage] with the capture's context.
func (h *Hub) CaptureMessageContext(ctx context.Context, msg string, level Level) EventID {
	return h.captureMessage(ctx, msg, level, 1)
}

// CaptureEventContext is [Hub.CaptureEvent] with the capture's context.
func (h *Hub) CaptureEventContext(ctx context.Context, ev *Event) EventID {
	return h.captureEvent(ctx, ev, 1)
}

// RecoverContext is [Hub.Recover] with the capture's context.
func (h *Hub) RecoverContext(ctx context.Context, r any) EventID {
	return h.capturePanic(ctx, r, 1)
}

// noContext is the capture context of the Hub methods, which carry none: a
// nil context, for which the ContextHooks are skipped.
var noContext context.Context
