package errsight

import (
	"context"
	"runtime"
)

// hubKey is the context key of the hub; unexported so that only
// ContextWithHub can set it.
type hubKey struct{}

// HubKey is the string under which integrations store a request's hub in
// framework contexts that keep values by string key rather than as a
// context.Context chain: gin's *gin.Context (c.Set), fasthttp's RequestCtx
// (SetUserValue). Such a framework context is itself a context.Context whose
// Value looks the string up, so [HubFromContext] finds the request's hub
// whichever form of context a handler passes, without the core importing any
// framework. Application code uses [ContextWithHub] instead.
const HubKey = "github.com/errsight/errsight-go.Hub"

// globalHub is the hub of code that carries none in its context. Its client
// is nil (disabled) until Init binds one.
var globalHub = NewHub(nil, nil)

// CurrentHub returns the global hub: the one Init binds its client to, and
// the one every context without a hub falls back to.
func CurrentHub() *Hub { return globalHub }

// HubFromContext returns the hub in ctx (set by [ContextWithHub], or stored
// under [HubKey] by a framework integration), else the global hub. It never
// returns nil; a nil ctx is treated as context.Background().
func HubFromContext(ctx context.Context) *Hub {
	if ctx != nil {
		if h, ok := ctx.Value(hubKey{}).(*Hub); ok && h != nil {
			return h
		}
		if h, ok := ctx.Value(HubKey).(*Hub); ok && h != nil {
			return h
		}
	}
	return globalHub
}

// ContextWithHub returns a copy of ctx carrying h. A nil h returns ctx as is.
func ContextWithHub(ctx context.Context, h *Hub) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	if h == nil {
		return ctx
	}
	return context.WithValue(ctx, hubKey{}, h)
}

// WithScope forks the hub of ctx: it returns ctx carrying a clone of
// HubFromContext(ctx), so that changes to the new scope stay with the work
// that ctx is passed to. Use it per request, job or goroutine.
func WithScope(ctx context.Context) context.Context {
	return ContextWithHub(ctx, HubFromContext(ctx).Clone())
}

// CaptureError reports err on the hub of ctx at LevelError and returns the
// event's id, "" when nothing was queued. It never blocks: the stack is
// recorded here, everything else happens on the client's worker. The error
// must not be modified after the call.
func CaptureError(ctx context.Context, err error) EventID {
	if noClients() {
		return ""
	}
	h := HubFromContext(ctx)
	c, level := h.admitError(err, LevelError)
	if c == nil {
		return ""
	}
	// The stack is recorded here, not in a helper: see admitError.
	var buf [stackDepth]uintptr
	return h.finishError(ctx, c, err, level, buf[:runtime.Callers(2, buf[:])])
}

// CaptureErrorAtLevel reports err on the hub of ctx at the given level.
func CaptureErrorAtLevel(ctx context.Context, err error, level Level) EventID {
	if noClients() {
		return ""
	}
	h := HubFromContext(ctx)
	c, level := h.admitError(err, level)
	if c == nil {
		return ""
	}
	// The stack is recorded here, not in a helper: see admitError.
	var buf [stackDepth]uintptr
	return h.finishError(ctx, c, err, level, buf[:runtime.Callers(2, buf[:])])
}

// CaptureMessage reports msg on the hub of ctx at the given level.
func CaptureMessage(ctx context.Context, msg string, level Level) EventID {
	if noClients() {
		return ""
	}
	return HubFromContext(ctx).captureMessage(ctx, msg, level, 1)
}

// CaptureEvent reports an event built by the caller, who hands it over: the
// event must not be modified or reused after the call. Zero fields get the
// usual defaults (ID, Timestamp, Environment, Release; Level LevelError when
// Exception is set, else LevelInfo); the scope of ctx's hub is merged in.
func CaptureEvent(ctx context.Context, ev *Event) EventID {
	if noClients() {
		return ""
	}
	return HubFromContext(ctx).captureEvent(ctx, ev, 1)
}

// ConfigureScope calls f with the scope of ctx's hub. Without a hub in ctx
// that is the global scope, shared by all code without one.
func ConfigureScope(ctx context.Context, f func(*Scope)) {
	HubFromContext(ctx).ConfigureScope(f)
}

// AddBreadcrumb adds b to the scope of ctx's hub.
func AddBreadcrumb(ctx context.Context, b Breadcrumb) {
	if noClients() {
		return
	}
	HubFromContext(ctx).AddBreadcrumb(b)
}

// Flush waits until every event queued on the client of ctx's hub before the
// call is delivered or finally dropped, bounded by ctx.
func Flush(ctx context.Context) error {
	return HubFromContext(ctx).Client().Flush(ctx)
}

// Close closes the global hub's client: see [Client.Close].
func Close() error {
	return globalHub.Client().Close()
}
