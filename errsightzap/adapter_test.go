package errsightzap_test

import (
	"context"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/logtest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logger adapts a zap logger on the core to the conformance suite.
type logger struct{ l *zap.Logger }

func newLogger(_ *testing.T, pinned *errsight.Hub) logtest.Logger {
	return logger{zap.New(errsightzap.NewCore(errsightzap.Options{Hub: pinned}))}
}

var levels = map[errsight.Level]zapcore.Level{
	errsight.LevelDebug:   zapcore.DebugLevel,
	errsight.LevelInfo:    zapcore.InfoLevel,
	errsight.LevelWarning: zapcore.WarnLevel,
	errsight.LevelError:   zapcore.ErrorLevel,
}

func (a logger) Log(ctx context.Context, level errsight.Level, msg string, fields ...logtest.Field) {
	zf := zapFields(fields)
	if ctx != nil {
		zf = append(zf, errsightzap.Context(ctx))
	}
	a.l.Log(levels[level], msg, zf...)
}

func zapFields(fields []logtest.Field) []zap.Field {
	var out []zap.Field
	for _, f := range fields {
		switch v := f.Value.(type) {
		case logtest.Group:
			out = append(out, zap.Object(f.Key, group(v)))
		case error:
			out = append(out, zap.NamedError(f.Key, v))
		default:
			out = append(out, zap.Any(f.Key, v))
		}
	}
	return out
}

type group []logtest.Field

func (g group) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, f := range zapFields(g) {
		f.AddTo(enc)
	}
	return nil
}

func TestConformance(t *testing.T) { logtest.Run(t, newLogger, "adapter_test.go") }
