package errsightlogrus_test

import (
	"context"
	"io"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/internal/logtest"
	"github.com/sirupsen/logrus"
)

// logger adapts a logrus logger with the hook to the conformance suite.
type logger struct{ l *logrus.Logger }

func newLogger(_ *testing.T, pinned *errsight.Hub) logtest.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	l.SetLevel(logrus.TraceLevel)
	l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{Hub: pinned}))
	return logger{l}
}

var levels = map[errsight.Level]logrus.Level{
	errsight.LevelDebug:   logrus.DebugLevel,
	errsight.LevelInfo:    logrus.InfoLevel,
	errsight.LevelWarning: logrus.WarnLevel,
	errsight.LevelError:   logrus.ErrorLevel,
}

func (a logger) Log(ctx context.Context, level errsight.Level, msg string, fields ...logtest.Field) {
	e := logrus.NewEntry(a.l)
	if ctx != nil {
		e = e.WithContext(ctx)
	}
	e.WithFields(logrusFields(fields)).Log(levels[level], msg)
}

func logrusFields(fields []logtest.Field) logrus.Fields {
	out := logrus.Fields{}
	for _, f := range fields {
		if g, ok := f.Value.(logtest.Group); ok {
			out[f.Key] = logrusFields(g)
			continue
		}
		out[f.Key] = f.Value
	}
	return out
}

func TestConformance(t *testing.T) { logtest.Run(t, newLogger, "adapter_test.go") }
