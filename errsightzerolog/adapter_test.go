package errsightzerolog_test

import (
	"context"
	"io"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/errsight/errsight-go/internal/logtest"
	"github.com/rs/zerolog"
)

// logger adapts a zerolog logger with the Writer installed both ways to
// the conformance suite.
type logger struct{ l zerolog.Logger }

func newLogger(_ *testing.T, pinned *errsight.Hub) logtest.Logger {
	return logger{errsightzerolog.New(io.Discard, errsightzerolog.Options{Hub: pinned}).Level(zerolog.TraceLevel)}
}

var levels = map[errsight.Level]zerolog.Level{
	errsight.LevelDebug:   zerolog.DebugLevel,
	errsight.LevelInfo:    zerolog.InfoLevel,
	errsight.LevelWarning: zerolog.WarnLevel,
	errsight.LevelError:   zerolog.ErrorLevel,
}

func (a logger) Log(ctx context.Context, level errsight.Level, msg string, fields ...logtest.Field) {
	e := a.l.WithLevel(levels[level])
	if ctx != nil {
		e = e.Ctx(ctx)
	}
	addFields(e, fields).Msg(msg)
}

func addFields(e *zerolog.Event, fields []logtest.Field) *zerolog.Event {
	for _, f := range fields {
		switch v := f.Value.(type) {
		case logtest.Group:
			e = e.Dict(f.Key, addFields(e.CreateDict(), v))
		case error:
			if f.Key == zerolog.ErrorFieldName {
				e = e.Err(v)
			} else {
				e = e.AnErr(f.Key, v)
			}
		default:
			e = e.Interface(f.Key, v)
		}
	}
	return e
}

func TestConformance(t *testing.T) { logtest.Run(t, newLogger, "adapter_test.go") }
