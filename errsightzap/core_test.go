package errsightzap_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func jsonCore(out *bytes.Buffer) zapcore.Core {
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = ""
	return zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(out), zapcore.DebugLevel)
}

// Teed with the logger's own core, the core changes nothing in its output;
// the Context field does not show.
func TestOutputUnchanged(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	write := func(withCore bool) string {
		var out bytes.Buffer
		var c zapcore.Core = jsonCore(&out)
		if withCore {
			c = zapcore.NewTee(c, errsightzap.NewCore(errsightzap.Options{}))
		}
		l := zap.New(c).With(zap.String("svc", "api"))
		l.Info("info", errsightzap.Context(ctx), zap.Int("n", 1))
		l.With(errsightzap.Context(ctx)).Error("error", zap.Error(errors.New("boom")))
		return out.String()
	}
	with, without := write(true), write(false)
	assert.Equal(t, without, with, "output without the core (expected) and with it (actual)")
	assert.NotContains(t, with, "errsight", "output with the core")
}

type user struct{ name string }

func (u user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.name)
	return enc.AddArray("roles", zapcore.ArrayMarshalerFunc(func(a zapcore.ArrayEncoder) error {
		a.AppendString("admin")
		return a.AppendObject(zapcore.ObjectMarshalerFunc(func(o zapcore.ObjectEncoder) error {
			o.AddInt("level", 3)
			return nil
		}))
	}))
}

// Fields nest as zap nests them: objects, arrays, namespaces (in With and
// in the entry), and derived loggers share nothing mutable.
func TestFieldsNestAsZapNestsThem(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	base := zap.New(errsightzap.NewCore(errsightzap.Options{})).With(errsightzap.Context(ctx), zap.String("svc", "api"), zap.Namespace("req"), zap.String("id", "r-1"))
	base.Named("billing").Error("failed",
		zap.Object("user", user{"ann"}),
		zap.Duration("took", 1500*time.Millisecond),
		zap.Complex128("z", complex(1, 2)),
		zap.Namespace("inner"), zap.Int("k", 1))
	base.With(zap.String("side", "other")).Error("sibling")

	events := s.Events(t)
	require.Len(t, events, 2, "events")
	got := string(events[0].Raw)
	for _, want := range []string{
		`"svc":"api"`, `"logger":"billing"`,
		`"req":{"id":"r-1","inner":{"k":1},"took":"1.5s","user":{"name":"ann","roles":["admin",{"level":3}]},"z":"(1+2i)"}`,
	} {
		assert.Contains(t, got, want, "event lacks %s", want)
	}
	assert.Equal(t, "map[id:r-1 side:other]", fmt.Sprint(events[1].Metadata["req"]), "sibling req, want only its own fields")
}

type panicky struct{}

func (panicky) String() string                               { panic("String") }
func (panicky) MarshalLogObject(zapcore.ObjectEncoder) error { panic("MarshalLogObject") }
func (panicky) MarshalLogArray(zapcore.ArrayEncoder) error   { panic("MarshalLogArray") }
func (panicky) MarshalJSON() ([]byte, error)                 { panic("MarshalJSON") }
func (panicky) Error() string                                { panic("Error") }

type jsonPanicky struct{}

func (jsonPanicky) MarshalJSON() ([]byte, error) { panic("MarshalJSON") }

// selfish adds itself forever: without a depth bound, a stack overflow.
type selfish struct{}

func (s selfish) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	return enc.AddObject("again", s)
}

type cyclic struct{ Next *cyclic }

func TestHostileFields(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	c := &cyclic{}
	c.Next = c
	l := zap.New(errsightzap.NewCore(errsightzap.Options{}))
	l.Error("hostile", errsightzap.Context(ctx),
		zap.Object("object", panicky{}),
		zap.Array("array", panicky{}),
		zap.Stringer("stringer", panicky{}),
		zap.Any("json", jsonPanicky{}),
		zap.Object("selfish", selfish{}),
		zap.Any("cycle", c),
		zap.Error(panicky{}),
	)
	ev := s.Events(t)
	require.Len(t, ev, 1, "events")
	raw := string(ev[0].Raw)
	for _, want := range []string{
		`"object":"!PANIC in errsightzap_test.panicky: MarshalLogObject"`,
		`"array":"!PANIC in errsightzap_test.panicky: MarshalLogArray"`,
		`PANIC=String`,
		`"json":"!PANIC in errsightzap_test.jsonPanicky: MarshalJSON"`,
		`[errsight: nested too deep]`,
		`cannot encode *errsightzap_test.cyclic`,
		`"error":"[errsight: Error() panicked: Error]"`,
	} {
		assert.Contains(t, raw, want, "event lacks %s", want)
	}
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		name        string
		opts        errsightzap.Options
		wantEnabled zapcore.Level
		wantEvents  int
		wantCrumbs  int
	}{
		{"defaults", errsightzap.Options{}, zapcore.InfoLevel, 1, 3},
		{"events from warning", errsightzap.Options{EventLevel: errsight.LevelWarning}, zapcore.InfoLevel, 2, 3},
		{"breadcrumbs from debug", errsightzap.Options{BreadcrumbLevel: errsight.LevelDebug}, zapcore.DebugLevel, 1, 4},
		{"no breadcrumbs", errsightzap.Options{BreadcrumbLevel: errsight.LevelFatal + 1}, zapcore.ErrorLevel, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sinktest.New(t)
			ctx, hub := s.Context()
			c := errsightzap.NewCore(tt.opts)
			assert.Equal(t, tt.wantEnabled, zapcore.LevelOf(c), "LevelOf")
			l := zap.New(c).With(errsightzap.Context(ctx))
			l.Debug("debug")
			l.Info("info")
			l.Warn("warn")
			l.Error("error")
			assert.Len(t, s.Events(t), tt.wantEvents, "events")
			assert.Len(t, hub.Scope().Breadcrumbs(), tt.wantCrumbs, "breadcrumbs")
		})
	}
}

// exitHook stands in for os.Exit after a Fatal entry: it records how many
// events had arrived when zap would have exited.
type exitHook struct {
	s      *sinktest.Sink
	atExit int
}

func (h *exitHook) OnWrite(*zapcore.CheckedEntry, []zapcore.Field) {
	h.atExit = len(h.s.Server.Events())
}

// zap exits after a Fatal entry is written: the event must be sent first.
func TestFatalIsSentBeforeExit(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	hook := &exitHook{s: s}
	l := zap.New(errsightzap.NewCore(errsightzap.Options{}), zap.WithFatalHook(hook))
	l.Fatal("dying", errsightzap.Context(ctx))
	assert.Equal(t, 1, hook.atExit, "events delivered when zap exited")
}

// Sync sends what is queued on the pinned hub's client.
func TestSyncFlushes(t *testing.T) {
	s := sinktest.New(t)
	l := zap.New(errsightzap.NewCore(errsightzap.Options{Hub: errsight.NewHub(s.Client, nil)}))
	l.Error("queued")
	require.NoError(t, l.Sync(), "Sync")
	assert.Len(t, s.Server.Events(), 1, "events after Sync")
}
