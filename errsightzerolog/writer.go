package errsightzerolog

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
	"github.com/rs/zerolog"
)

// Options configures the [Writer] returned by [NewWriter]. The zero Options
// means: events at zerolog.ErrorLevel and above become ErrSight events,
// events at zerolog.InfoLevel and above become breadcrumbs, on the hub of
// each event's context, else the global hub.
type Options struct {
	// EventLevel is the lowest level reported as an event, as an ErrSight
	// level (zerolog's zero level is DebugLevel, so it cannot mean
	// "default"). Zero means errsight.LevelError. Levels map as: Trace and
	// Debug → debug, Info and NoLevel (Logger.Log) → info, Warn →
	// warning, Error → error, Fatal and Panic → fatal.
	EventLevel errsight.Level

	// BreadcrumbLevel is the lowest level recorded as a breadcrumb. Zero
	// means errsight.LevelInfo; a level above errsight.LevelFatal records
	// none. Events at the event level are breadcrumbs too, added after
	// their own event.
	BreadcrumbLevel errsight.Level

	// Hub is the hub of events whose context carries none, in place of the
	// global hub. A hub in the event's context always wins.
	Hub *errsight.Hub
}

// Writer reports zerolog events to ErrSight. It is both a
// zerolog.LevelWriter and a zerolog.Hook, and is installed both ways:
//
//	w := errsightzerolog.NewWriter(errsightzerolog.Options{})
//	logger := zerolog.New(zerolog.MultiLevelWriter(os.Stderr, w)).Hook(w.(zerolog.Hook))
//
// [New] does exactly this. As a hook it does the work: zerolog runs hooks
// on the logging goroutine, with the event's context (Ctx), level and
// message, before the event is written. As a writer it writes nothing; it
// reports events only for loggers that have not been given the hook (its
// Run has never been called): then from the encoded bytes, on Options.Hub
// or the global hub, since bytes carry no context.
//
// A Writer holds no per-event state and is safe for concurrent use.
type Writer struct {
	thresholds logbridge.Levels
	hub        *errsight.Hub
	hooked     atomic.Bool // Run has been called: the writer side stands down
}

var (
	_ zerolog.LevelWriter = (*Writer)(nil)
	_ zerolog.Hook        = (*Writer)(nil)
)

// NewWriter returns a [Writer]: a zerolog.LevelWriter that is also a
// zerolog.Hook, to be installed both ways (see Writer, or use [New]).
//
// The first call also wraps zerolog.ErrorMarshalFunc with [MarshalErrors],
// so that events logged with Err get the error's class, causes and stack:
// call it before logging starts, as you would set ErrorMarshalFunc.
func NewWriter(opts Options) zerolog.LevelWriter {
	installMarshalErrors()
	return &Writer{thresholds: logbridge.NewLevels(opts.EventLevel, opts.BreadcrumbLevel), hub: opts.Hub}
}

// New returns a logger writing to out, with a Writer installed both ways:
// zerolog.New(zerolog.MultiLevelWriter(out, w)).Hook(w).
func New(out io.Writer, opts Options) zerolog.Logger {
	w := NewWriter(opts).(*Writer)
	return zerolog.New(zerolog.MultiLevelWriter(out, w)).Hook(w)
}

// levelOf maps a zerolog level to an ErrSight level; 0 for Disabled.
func levelOf(l zerolog.Level) errsight.Level {
	switch l {
	case zerolog.TraceLevel, zerolog.DebugLevel:
		return errsight.LevelDebug
	case zerolog.InfoLevel, zerolog.NoLevel:
		return errsight.LevelInfo
	case zerolog.WarnLevel:
		return errsight.LevelWarning
	case zerolog.ErrorLevel:
		return errsight.LevelError
	case zerolog.FatalLevel, zerolog.PanicLevel:
		return errsight.LevelFatal
	}
	return 0
}

// Run is the hook: it reports the event on the hub of e.GetCtx() (set by
// logger.With().Ctx(ctx) or Event.Ctx(ctx)), with the fields the event
// holds when the hooks run. It never blocks, except before a Fatal or Panic
// event ends the process or panics: it then waits, at most two seconds, for
// the event to be sent.
func (w *Writer) Run(e *zerolog.Event, level zerolog.Level, msg string) {
	if !w.hooked.Load() {
		w.hooked.Store(true)
	}
	rec, ok := w.thresholds.Record(levelOf(level), msg, time.Time{})
	if !ok {
		return
	}
	hub := logbridge.HubFor(e.GetCtx(), w.hub)
	if !hub.Client().Enabled() {
		return
	}
	rec.Data = parseFields(eventBytes(e), false)
	rec.Ctx = e.GetCtx()
	w.report(hub, level, rec)
}

// Write is io.Writer: zerolog calls WriteLevel instead. Bytes written here
// have no level and are ignored.
func (w *Writer) Write(p []byte) (int, error) { return len(p), nil }

// WriteLevel reports the encoded event p, only as long as the Writer has
// never been used as a hook (see [Writer]). It always returns len(p), nil.
func (w *Writer) WriteLevel(level zerolog.Level, p []byte) (int, error) {
	if w.hooked.Load() {
		return len(p), nil
	}
	rec, ok := w.thresholds.Record(levelOf(level), "", time.Time{})
	if !ok {
		return len(p), nil
	}
	hub := logbridge.HubFor(context.Background(), w.hub)
	if !hub.Client().Enabled() {
		return len(p), nil
	}
	rec.Data = parseFields(p, true)
	if m, ok := rec.Data[zerolog.MessageFieldName].(string); ok {
		rec.Message = m
		delete(rec.Data, zerolog.MessageFieldName)
	}
	w.report(hub, level, rec)
	return len(p), nil
}

// report completes rec with the event's error and reports it.
func (w *Writer) report(hub *errsight.Hub, level zerolog.Level, rec logbridge.Record) {
	if text, ok := rec.Data[zerolog.ErrorFieldName].(string); ok && text != "" {
		rec.Err = errorFor(text)
		if rec.Err == nil {
			// Err's value was not seen (MarshalErrors not installed): the
			// event gets the error's text only, as a message event.
			rec.Message = joinMessage(rec.Message, text)
		}
	}
	if len(rec.Data) == 0 {
		rec.Data = nil
	}
	if rec.Event && rec.Err != nil {
		rec.Stack = logbridge.CallerStack("github.com/rs/zerolog", "github.com/errsight/errsight-go/errsightzerolog")
	}
	logbridge.Report(hub, rec)
	if level == zerolog.FatalLevel || level == zerolog.PanicLevel {
		// zerolog exits or panics once the event is written.
		logbridge.Flush(hub)
	}
}

func joinMessage(msg, text string) string {
	if msg == "" {
		return text
	}
	return msg + ": " + text
}
