package errsightslog

import (
	"context"
	"log/slog"
	"slices"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
)

// BreadcrumbCategory is the category of the breadcrumbs the handler adds.
const BreadcrumbCategory = logbridge.Category

// HandlerOptions configures a [Handler]. A nil *HandlerOptions, and the
// zero value, mean: records at slog.LevelError and above become events,
// records at slog.LevelInfo and above become breadcrumbs, no Next handler,
// and the hub of each record's context.
type HandlerOptions struct {
	// EventLevel is the lowest level reported as an event. Default
	// slog.LevelError. A *slog.LevelVar changes it at run time.
	EventLevel slog.Leveler

	// BreadcrumbLevel is the lowest level recorded as a breadcrumb. Default
	// slog.LevelInfo. Records at the event level are breadcrumbs too (after
	// their own event), so a later event of the same work shows the errors
	// logged before it. To record no breadcrumbs, set it above every level
	// used, e.g. slog.Level(math.MaxInt).
	BreadcrumbLevel slog.Leveler

	// Next receives every record too, when Next.Enabled says so, with the
	// attributes and groups of WithAttrs and WithGroup: use it to keep
	// writing logs (slog.NewJSONHandler(os.Stderr, nil)) while reporting.
	// The handler returns Next's error.
	Next slog.Handler

	// Hub is the hub of records whose context carries none (a
	// context.Background(), log.Printf through slog.SetDefault), in place
	// of the global hub. A hub in the record's context always wins, so a
	// pinned Hub can never collect the breadcrumbs of concurrent requests.
	Hub *errsight.Hub
}

// Handler is a slog.Handler that reports records to ErrSight: records at or
// above the event level become events, records at or above the breadcrumb
// level become breadcrumbs, on the hub of the record's context
// (errsight.HubFromContext). Log with the *Context methods
// (slog.InfoContext, logger.ErrorContext) and the context of the work at
// hand, so that what a request logs lands on that request's hub.
//
// A Handler is immutable: WithAttrs and WithGroup return new handlers that
// share nothing mutable with it. It is safe for concurrent use. The zero
// Handler is usable and behaves as NewHandler(nil).
type Handler struct {
	eventLevel slog.Leveler // nil: slog.LevelError
	crumbLevel slog.Leveler // nil: slog.LevelInfo
	next       slog.Handler
	hub        *errsight.Hub

	// static is set when neither level can change (no *slog.LevelVar):
	// Enabled then compares with minLevel, the lower of the two, alone.
	static   bool
	minLevel slog.Level

	prefix  string  // the open groups, "g1.g2."
	attrs   []field // from WithAttrs, flattened and converted; never appended to in place
	attrErr error   // the first error among attrs
}

// field is one attribute, flattened to a dotted key and converted to a
// value that is safe to encode later on another goroutine.
type field struct {
	key   string
	value any
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a handler with the given options; nil means the
// defaults (see [HandlerOptions]).
func NewHandler(opts *HandlerOptions) *Handler {
	h := &Handler{}
	if opts != nil {
		h.eventLevel, h.crumbLevel = opts.EventLevel, opts.BreadcrumbLevel
		h.next, h.hub = opts.Next, opts.Hub
	}
	if isStatic(h.eventLevel) && isStatic(h.crumbLevel) {
		h.static, h.minLevel = true, min(h.eventMin(), h.crumbMin())
	}
	return h
}

// isStatic reports whether a Leveler always returns the same level.
func isStatic(l slog.Leveler) bool {
	switch l.(type) {
	case nil, slog.Level:
		return true
	}
	return false
}

func (h *Handler) eventMin() slog.Level {
	if h.eventLevel == nil {
		return slog.LevelError
	}
	return h.eventLevel.Level()
}

func (h *Handler) crumbMin() slog.Level {
	if h.crumbLevel == nil {
		return slog.LevelInfo
	}
	return h.crumbLevel.Level()
}

// Enabled reports whether a record at level is wanted, by this handler
// (breadcrumb or event level) or by Next. slog.Logger asks it before
// building a record, so a record nobody wants costs a few nanoseconds and
// no allocation. It does not look at ctx's hub: a disabled client is
// checked in Handle.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	if h.static {
		if level >= h.minLevel {
			return true
		}
	} else if level >= h.crumbMin() || level >= h.eventMin() {
		return true
	}
	return h.next != nil && h.next.Enabled(ctx, level)
}

// Handle reports r on the hub of ctx (see [Handler]), then passes it to
// Next if Next is enabled for its level, and returns Next's error. Reporting
// never fails and never blocks.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	isEvent, isCrumb := r.Level >= h.eventMin(), r.Level >= h.crumbMin()
	if isEvent || isCrumb {
		h.report(ctx, r, isEvent, isCrumb)
	}
	if h.next != nil && h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

// WithAttrs returns a handler whose records all carry attrs (and Next's
// WithAttrs). The attributes are resolved and converted once, here.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	if h.next != nil {
		h2.next = h.next.WithAttrs(attrs)
	}
	// Clip: the append must copy, never write into a slice h still uses.
	dst := &fieldSink{fields: slices.Clip(h.attrs)}
	for _, a := range attrs {
		addAttr(dst, h.prefix, a, &h2.attrErr)
	}
	h2.attrs = dst.fields
	return &h2
}

// WithGroup returns a handler that qualifies the keys of later attributes
// with name: they are reported as "name.key" (and Next gets WithGroup).
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	if h.next != nil {
		h2.next = h.next.WithGroup(name)
	}
	h2.prefix = h.prefix + name + "."
	return &h2
}

// report turns r into an event and/or a breadcrumb.
func (h *Handler) report(ctx context.Context, r slog.Record, isEvent, isCrumb bool) {
	hub := logbridge.HubFor(ctx, h.hub)
	if !hub.Client().Enabled() {
		return
	}
	data, err := h.collect(r)
	rec := logbridge.Record{
		Level: levelOf(r.Level), Message: r.Message, Time: r.Time, Data: data, Err: err,
		Event: isEvent, Breadcrumb: isCrumb, Ctx: ctx,
	}
	if isEvent && err != nil {
		rec.Stack = callerStack(r.PC)
	}
	logbridge.Report(hub, rec)
}

// collect flattens the handler's and the record's attributes into one map
// (nil when there are none) and finds the error to report: the record's
// first error attribute, else the handler's.
func (h *Handler) collect(r slog.Record) (map[string]any, error) {
	n := len(h.attrs) + r.NumAttrs()
	if n == 0 {
		return nil, h.attrErr
	}
	m := make(map[string]any, n)
	for _, f := range h.attrs {
		m[f.key] = f.value
	}
	var err error
	r.Attrs(func(a slog.Attr) bool {
		addAttr(mapSink(m), h.prefix, a, &err)
		return true
	})
	if err == nil {
		err = h.attrErr
	}
	if len(m) == 0 {
		return nil, err
	}
	return m, err
}
