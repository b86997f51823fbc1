package errsight

import (
	"context"

	"github.com/errsight/errsight-go/internal/safe"
)

// A ContextHook adds to an event what the context it is captured with
// carries and the SDK cannot know of: the active trace span (errsightotel is
// the first hook), a tenant, a feature flag. Install hooks with
// Options.ContextHooks; they run in the order given.
//
// A hook works in two steps, so that the capturing goroutine pays only for
// reading the context:
//
//   - FromContext runs on the capturing goroutine, inside the capture call,
//     for every event captured with a context (the package-level capture
//     functions, [Recover], [Go], [Group]; the [Hub] methods carry no
//     context and skip hooks). It returns what Enrich will need, or nil when
//     ctx holds nothing for it (then Enrich is not called). It must be
//     cheap, must not block and must not keep ctx: every capture pays for
//     it. Return a value that is already an interface or a pointer to avoid
//     an allocation.
//   - Enrich runs later, when the event is built, usually on the client's
//     worker goroutine and always before BeforeSend, with that value. It may
//     set the event's Tags, Metadata, Contexts or Fingerprint.
//
// A panic in either method is contained and written to the debug log; the
// event goes on without that hook's data. A hook must be safe for
// concurrent use.
type ContextHook interface {
	FromContext(ctx context.Context, info CaptureInfo) any
	Enrich(ev *Event, v any)
}

// CaptureInfo describes an event to [ContextHook.FromContext] at the
// moment it is captured: the exception data is not built yet.
type CaptureInfo struct {
	// ID is the event's id, as the capture call returns it.
	ID EventID
	// Level is the event's level.
	Level Level
	// Message is the event's message: the error's text for captured errors,
	// "panic: ..." for panics.
	Message string
	// Err is the captured error, or the panic value when it is an error;
	// nil for messages.
	Err error
}

// contextValues runs the FromContext step of the client's hooks and returns
// their values by hook index, nil when no hook found anything (the usual
// case, which then costs no allocation).
func (c *Client) contextValues(ctx context.Context, info CaptureInfo) []any {
	hooks := c.opts.ContextHooks
	if len(hooks) == 0 || ctx == nil {
		return nil
	}
	var vals []any
	for i, h := range hooks {
		v := c.fromContext(h, ctx, info)
		if v == nil {
			continue
		}
		if vals == nil {
			vals = make([]any, len(hooks))
		}
		vals[i] = v
	}
	return vals
}

// fromContext calls one hook, containing its panic: a hook runs on the
// user's goroutine, inside a capture that must never panic.
func (c *Client) fromContext(h ContextHook, ctx context.Context, info CaptureInfo) (v any) {
	defer func() {
		if r := recover(); r != nil {
			c.log.printf("ContextHook %T panicked in FromContext (%s); event %s goes on without it", h, safe.PanicText(r), info.ID)
			v = nil
		}
	}()
	return h.FromContext(ctx, info)
}

// enrich runs the Enrich step of the hooks that returned a value.
func (c *Client) enrich(ev *Event, vals []any) {
	for i, v := range vals {
		if v != nil && i < len(c.opts.ContextHooks) {
			c.enrichOne(c.opts.ContextHooks[i], ev, v)
		}
	}
}

func (c *Client) enrichOne(h ContextHook, ev *Event, v any) {
	defer func() {
		if r := recover(); r != nil {
			c.log.printf("ContextHook %T panicked in Enrich (%s); event %s goes on without it", h, safe.PanicText(r), ev.ID)
		}
	}()
	h.Enrich(ev, v)
}
