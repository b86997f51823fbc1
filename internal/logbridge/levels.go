package logbridge

import (
	"time"

	"github.com/errsight/errsight-go"
)

// Levels are an integration's two thresholds, as ErrSight levels: every
// logger maps its own levels onto these, so that a zero value can mean
// "default" whatever the logger's zero level is.
type Levels struct {
	Event, Breadcrumb errsight.Level
}

// NewLevels returns the thresholds with zeros replaced by the defaults:
// events from errsight.LevelError, breadcrumbs from errsight.LevelInfo.
func NewLevels(event, breadcrumb errsight.Level) Levels {
	if event == 0 {
		event = errsight.LevelError
	}
	if breadcrumb == 0 {
		breadcrumb = errsight.LevelInfo
	}
	return Levels{Event: event, Breadcrumb: breadcrumb}
}

// Lowest is the lowest level either threshold wants.
func (l Levels) Lowest() errsight.Level { return min(l.Event, l.Breadcrumb) }

// Record starts the Record of a log record at level; ok is false when the
// record is below both thresholds (or level is 0, unknown). The caller
// fills in the data, the error and the stack.
func (l Levels) Record(level errsight.Level, msg string, t time.Time) (r Record, ok bool) {
	r = Record{
		Level:      level,
		Message:    msg,
		Time:       t,
		Event:      level != 0 && level >= l.Event,
		Breadcrumb: level != 0 && level >= l.Breadcrumb,
	}
	return r, r.Event || r.Breadcrumb
}
