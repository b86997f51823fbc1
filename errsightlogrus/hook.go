package errsightlogrus

import (
	"sort"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
	"github.com/sirupsen/logrus"
)

// Options configures the hook returned by [NewHook]. The zero Options
// means: entries at logrus.ErrorLevel and above become events, entries at
// logrus.InfoLevel and above become breadcrumbs, on the hub of each entry's
// context, else the global hub.
type Options struct {
	// EventLevel is the lowest level reported as an event, as an ErrSight
	// level (logrus's zero level is PanicLevel, so it cannot mean
	// "default"). Zero means errsight.LevelError. Levels map as: Trace and
	// Debug → debug, Info → info, Warn → warning, Error → error, Fatal and
	// Panic → fatal.
	EventLevel errsight.Level

	// BreadcrumbLevel is the lowest level recorded as a breadcrumb. Zero
	// means errsight.LevelInfo; a level above errsight.LevelFatal records
	// none. Entries at the event level are breadcrumbs too, added after
	// their own event.
	BreadcrumbLevel errsight.Level

	// Hub is the hub of entries whose context carries none (no
	// WithContext), in place of the global hub. A hub in the entry's
	// context always wins.
	Hub *errsight.Hub
}

// hook is the logrus.Hook NewHook returns. It holds no mutable state.
type hook struct {
	thresholds logbridge.Levels
	levels     []logrus.Level // the logrus levels at or above the lower threshold
	hub        *errsight.Hub
}

// NewHook returns a logrus.Hook that reports entries to ErrSight: add it
// with logger.AddHook. The logger's own output is unchanged. The hook is
// safe for concurrent use; it fires on the logging goroutine and never
// blocks, except before a Fatal or Panic entry ends the process or
// panics: it then waits (at most two seconds) for the event to be sent.
func NewHook(opts Options) logrus.Hook {
	h := &hook{thresholds: logbridge.NewLevels(opts.EventLevel, opts.BreadcrumbLevel), hub: opts.Hub}
	for _, l := range logrus.AllLevels {
		if levelOf(l) >= h.thresholds.Lowest() {
			h.levels = append(h.levels, l)
		}
	}
	return h
}

// levelOf maps a logrus level to an ErrSight level.
func levelOf(l logrus.Level) errsight.Level {
	switch {
	case l <= logrus.FatalLevel:
		return errsight.LevelFatal
	case l == logrus.ErrorLevel:
		return errsight.LevelError
	case l == logrus.WarnLevel:
		return errsight.LevelWarning
	case l == logrus.InfoLevel:
		return errsight.LevelInfo
	}
	return errsight.LevelDebug
}

// Levels returns the levels the hook fires for: those at or above the
// lower of the two thresholds. logrus asks once, in AddHook, so entries
// below it never reach the hook.
func (h *hook) Levels() []logrus.Level { return h.levels }

// Fire reports the entry. It never returns an error: logrus would print
// one for every entry.
func (h *hook) Fire(e *logrus.Entry) error {
	rec, ok := h.thresholds.Record(levelOf(e.Level), e.Message, e.Time)
	if !ok {
		return nil
	}
	hub := logbridge.HubFor(e.Context, h.hub)
	if !hub.Client().Enabled() {
		return nil
	}
	rec.Data, rec.Err = collect(e.Data)
	rec.Ctx = e.Context
	if rec.Event && rec.Err != nil {
		rec.Stack = logbridge.CallerStack("github.com/sirupsen/logrus", "github.com/errsight/errsight-go/errsightlogrus")
	}
	logbridge.Report(hub, rec)
	if e.Level <= logrus.FatalLevel {
		// logrus exits or panics right after the hooks: send the event first.
		logbridge.Flush(hub)
	}
	return nil
}

// collect converts the entry's fields into metadata, maps nested as they
// are, and picks the error to report: the one under logrus.ErrorKey
// (WithError), else the first error-valued field in key order.
func collect(fields logrus.Fields) (map[string]any, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	data := make(map[string]any, len(fields))
	for k, v := range fields {
		data[k] = logbridge.Nested(v)
	}
	if err, ok := fields[logrus.ErrorKey].(error); ok && !logbridge.IsNilError(err) {
		return data, err
	}
	keys := make([]string, 0, len(fields))
	for k, v := range fields {
		if _, ok := v.(error); ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fields[k].(error); !logbridge.IsNilError(err) {
			return data, err
		}
	}
	return data, nil
}
