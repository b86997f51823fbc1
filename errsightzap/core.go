package errsightzap

import (
	"context"
	"maps"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
	"github.com/errsight/errsight-go/stacktrace"
	"go.uber.org/zap/zapcore"
)

// Options configures the core returned by [NewCore]. The zero Options
// means: entries at zapcore.ErrorLevel and above become events, entries at
// zapcore.InfoLevel and above become breadcrumbs, on the hub of the
// entry's [Context] field, else the global hub.
type Options struct {
	// EventLevel is the lowest level reported as an event, as an ErrSight
	// level, like the other logging integrations. Zero means
	// errsight.LevelError. Levels map as: Debug → debug, Info → info,
	// Warn → warning, Error → error, DPanic, Panic and Fatal → fatal.
	EventLevel errsight.Level

	// BreadcrumbLevel is the lowest level recorded as a breadcrumb. Zero
	// means errsight.LevelInfo; a level above errsight.LevelFatal records
	// none. Entries at the event level are breadcrumbs too, added after
	// their own event.
	BreadcrumbLevel errsight.Level

	// Hub is the hub of entries without a [Context] field, in place of the
	// global hub. A hub in the entry's context always wins.
	Hub *errsight.Hub
}

// core is the zapcore.Core NewCore returns. It is immutable: With returns
// a new core sharing nothing mutable with it.
type core struct {
	thresholds logbridge.Levels
	enabled    zapcore.Level // the lowest zap level wanted; above FatalLevel: none
	hub        *errsight.Hub

	ctx    context.Context // from a Context field given to With; nil: none
	fields map[string]any  // the fields given to With, converted; never written after With returns
	ns     []string        // the namespaces open in fields, outermost first
	err    error           // the first error among the fields given to With
}

var _ zapcore.Core = (*core)(nil)

// NewCore returns a zapcore.Core that reports entries to ErrSight. It
// writes no log output: combine it with the logger's own core,
//
//	logger := zap.New(zapcore.NewTee(jsonCore, errsightzap.NewCore(errsightzap.Options{})))
//	logger = logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
//		return zapcore.NewTee(c, errsightzap.NewCore(errsightzap.Options{}))
//	}))
//
// so that the logger's own output is unchanged. The core is safe for
// concurrent use. Writing never blocks, except for the entries after which
// zap panics or exits (DPanic, Panic, Fatal): the core then waits, at most
// two seconds, for the event to be sent, as zap's own cores sync then.
func NewCore(opts Options) zapcore.Core {
	c := &core{thresholds: logbridge.NewLevels(opts.EventLevel, opts.BreadcrumbLevel), hub: opts.Hub}
	c.enabled = zapcore.FatalLevel + 1
	for l := zapcore.FatalLevel; l >= zapcore.DebugLevel; l-- {
		if levelOf(l) >= c.thresholds.Lowest() {
			c.enabled = l
		}
	}
	return c
}

// levelOf maps a zap level to an ErrSight level.
func levelOf(l zapcore.Level) errsight.Level {
	switch {
	case l < zapcore.InfoLevel:
		return errsight.LevelDebug
	case l == zapcore.InfoLevel:
		return errsight.LevelInfo
	case l == zapcore.WarnLevel:
		return errsight.LevelWarning
	case l == zapcore.ErrorLevel:
		return errsight.LevelError
	}
	return errsight.LevelFatal
}

// Enabled reports whether entries at l are reported; zap asks before
// building an entry, so an entry below both thresholds costs a comparison.
func (c *core) Enabled(l zapcore.Level) bool { return l >= c.enabled }

// Level is the lowest level the core reports: zapcore.LevelOf uses it.
func (c *core) Level() zapcore.Level { return c.enabled }

// With returns a core whose entries carry fields too. Fields are converted
// once, here; a [Context] field sets the hub of every entry of the new
// core that has none of its own.
func (c *core) With(fields []zapcore.Field) zapcore.Core {
	if len(fields) == 0 {
		return c
	}
	c2 := *c
	enc := c.encoder(len(fields))
	c2.fields = enc.root
	ctx, err := enc.add(fields)
	if ctx != nil {
		c2.ctx = ctx
	}
	if c2.err == nil {
		c2.err = err
	}
	c2.ns = enc.ns
	return &c2
}

// Check adds the core to ce when it reports entries at ent's level.
func (c *core) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Write reports the entry. It never fails.
func (c *core) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	rec, ok := c.thresholds.Record(levelOf(ent.Level), ent.Message, ent.Time)
	if !ok {
		return nil
	}
	ctx := c.ctx
	if fctx := contextOf(fields); fctx != nil {
		ctx = fctx
	}
	hub := logbridge.HubFor(ctx, c.hub)
	if !hub.Client().Enabled() {
		return nil
	}
	rec.Data, rec.Err = c.collect(ent, fields)
	rec.Ctx = ctx
	if rec.Event && rec.Err != nil {
		rec.Stack = logbridge.CallerStack("go.uber.org/zap", "github.com/errsight/errsight-go/errsightzap")
	}
	logbridge.Report(hub, rec)
	if ent.Level > zapcore.ErrorLevel {
		logbridge.Flush(hub)
	}
	return nil
}

// Sync waits, at most two seconds, for the client of Options.Hub (else the
// global hub) to send what is queued: zap's logger.Sync() before exit
// sends the last events.
func (c *core) Sync() error {
	hub := c.hub
	if hub == nil {
		hub = errsight.CurrentHub()
	}
	ctx, cancel := context.WithTimeout(context.Background(), logbridge.FlushTimeout)
	defer cancel()
	return hub.Client().Flush(ctx)
}

// collect converts the core's and the entry's fields into one map (nil
// when there are none) and picks the error to report: the entry's first
// error field, else the core's.
func (c *core) collect(ent zapcore.Entry, fields []zapcore.Field) (map[string]any, error) {
	if len(c.fields) == 0 && len(fields) == 0 && ent.LoggerName == "" {
		return nil, c.err
	}
	enc := c.encoder(len(fields) + 1)
	if ent.LoggerName != "" {
		enc.root["logger"] = ent.LoggerName // a field of that name wins
	}
	_, err := enc.add(fields)
	if err == nil {
		err = c.err
	}
	if len(enc.root) == 0 {
		return nil, err
	}
	return enc.root, err
}

// fieldEncoder adds fields to a copy of a core's converted fields.
type fieldEncoder struct {
	objectEncoder
	root map[string]any
	ns   []string
}

// encoder returns an encoder on a copy of c.fields: the maps on the path of
// open namespaces are copied, so that adding fields changes nothing that c
// (shared by every goroutine logging through it) holds.
func (c *core) encoder(extra int) *fieldEncoder {
	root := make(map[string]any, len(c.fields)+extra)
	maps.Copy(root, c.fields)
	cur := root
	for _, k := range c.ns {
		inner, _ := cur[k].(map[string]any)
		inner = maps.Clone(inner)
		if inner == nil {
			inner = map[string]any{}
		}
		cur[k] = inner
		cur = inner
	}
	return &fieldEncoder{objectEncoder: objectEncoder{fields: cur}, root: root, ns: c.ns}
}

// add adds fields and returns the last Context field's context and the
// first non-nil error field's error.
func (e *fieldEncoder) add(fields []zapcore.Field) (ctx context.Context, err error) {
	for _, f := range fields {
		switch f.Type {
		case zapcore.SkipType:
			if fctx, ok := contextOfField(f); ok {
				ctx = fctx
			}
			continue
		case zapcore.ErrorType:
			// The event carries the error's class, causes and stack; the
			// metadata its text, not zap's errorVerbose or errorCauses.
			fe, _ := f.Interface.(error)
			if logbridge.IsNilError(fe) {
				continue
			}
			if err == nil {
				err = fe
			}
			e.fields[f.Key] = stacktrace.ErrorMessage(fe)
			continue
		case zapcore.NamespaceType:
			e.ns = append(e.ns[:len(e.ns):len(e.ns)], f.Key)
		}
		e.addField(f)
	}
	return ctx, err
}
