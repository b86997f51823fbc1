package errsightzerolog_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/rs/zerolog"
)

// Installed both ways, the Writer changes nothing in the logger's output,
// errors included (MarshalErrors passes them through).
func TestOutputUnchanged(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	write := func(with bool) string {
		var out bytes.Buffer
		l := zerolog.New(&out)
		if with {
			l = errsightzerolog.New(&out, errsightzerolog.Options{})
		}
		l = l.With().Str("svc", "api").Ctx(ctx).Logger()
		l.Info().Dict("d", zerolog.Dict().Int("n", 1)).Msg("info")
		l.Error().Err(fmt.Errorf("wrapped: %w", errors.New("boom"))).Msg("error")
		return out.String()
	}
	with, without := write(true), write(false)
	if with != without {
		t.Errorf("output with the writer:\n%s\nwithout:\n%s", with, without)
	}
}

// The hook reads the event's fields from zerolog's buffer: if a zerolog
// release renamed it, this test says so (events would lose their fields).
func TestHookSeesFields(t *testing.T) {
	s := sinktest.New(t)
	ctx, hub := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).With().Str("svc", "api").Timestamp().Logger()
	l.Info().Ctx(ctx).Int("n", 1).Msg("hello")
	b := hub.Scope().Breadcrumbs()
	if len(b) != 1 || fmt.Sprint(b[0].Data["n"]) != "1" || b[0].Data["svc"] != "api" {
		t.Fatalf("breadcrumbs = %+v, want one with the event's fields", b)
	}
	if _, ok := b[0].Data[zerolog.LevelFieldName]; ok {
		t.Errorf("breadcrumb data has the level field: %v", b[0].Data)
	}
}

// The logger's context (With().Ctx) decides the hub; an event's own Ctx
// wins over it.
func TestLoggerContext(t *testing.T) {
	s := sinktest.New(t)
	ctx1, hub1 := s.Context()
	ctx2, hub2 := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).With().Ctx(ctx1).Logger()
	l.Info().Msg("logger's")
	l.Info().Ctx(ctx2).Msg("event's")
	if b := hub1.Scope().Breadcrumbs(); len(b) != 1 || b[0].Message != "logger's" {
		t.Errorf("hub of the logger's context: %+v", b)
	}
	if b := hub2.Scope().Breadcrumbs(); len(b) != 1 || b[0].Message != "event's" {
		t.Errorf("hub of the event's context: %+v", b)
	}
}

// Installed as a writer only, it reports from the encoded bytes, on
// Options.Hub (bytes carry no context).
func TestWriterOnly(t *testing.T) {
	s := sinktest.New(t)
	pinned := errsight.NewHub(s.Client, nil)
	w := errsightzerolog.NewWriter(errsightzerolog.Options{Hub: pinned})
	l := zerolog.New(zerolog.MultiLevelWriter(io.Discard, w)).With().Timestamp().Logger()
	l.Info().Str("k", "v").Msg("step")
	l.Error().Err(errors.New("boom")).Dict("d", zerolog.Dict().Int("n", 1)).Msg("failed")
	events := s.Events(t)
	if len(events) != 1 {
		t.Fatalf("got %d events", len(events))
	}
	ev := events[0]
	if ev.Message != "failed: boom" || ev.ExceptionClass() != "*errors.errorString" || fmt.Sprint(ev.Metadata["d"]) != "map[n:1]" {
		t.Errorf("event %q class %q metadata %v", ev.Message, ev.ExceptionClass(), ev.Metadata)
	}
	if len(ev.Breadcrumbs) != 1 || ev.Breadcrumbs[0].Message != "step" || ev.Breadcrumbs[0].Data["k"] != "v" {
		t.Errorf("breadcrumbs %+v", ev.Breadcrumbs)
	}
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		name       string
		opts       errsightzerolog.Options
		wantEvents int
		wantCrumbs int
	}{
		{"defaults", errsightzerolog.Options{}, 1, 3},
		{"events from warning", errsightzerolog.Options{EventLevel: errsight.LevelWarning}, 2, 3},
		{"breadcrumbs from debug", errsightzerolog.Options{BreadcrumbLevel: errsight.LevelDebug}, 1, 5},
		{"no breadcrumbs", errsightzerolog.Options{BreadcrumbLevel: errsight.LevelFatal + 1}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sinktest.New(t)
			ctx, hub := s.Context()
			l := errsightzerolog.New(io.Discard, tt.opts).Level(zerolog.TraceLevel).With().Ctx(ctx).Logger()
			l.Trace().Msg("trace")
			l.Debug().Msg("debug")
			l.Info().Msg("info")
			l.Warn().Msg("warn")
			l.Error().Msg("error")
			if n := len(s.Events(t)); n != tt.wantEvents {
				t.Errorf("got %d events, want %d", n, tt.wantEvents)
			}
			if n := len(hub.Scope().Breadcrumbs()); n != tt.wantCrumbs {
				t.Errorf("got %d breadcrumbs, want %d", n, tt.wantCrumbs)
			}
		})
	}
}

type cyclic struct{ Next *cyclic }

// Values zerolog encodes badly reach the hook as bytes: a cycle is
// zerolog's error text, bytes that are not JSON give an event without
// fields. Nothing panics.
func TestHostileFields(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	c := &cyclic{}
	c.Next = c
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).With().Ctx(ctx).Logger()
	l.Error().Interface("cycle", c).Msg("cycle")
	l.Error().RawJSON("raw", []byte("{not json")).Msg("raw")
	deep := zerolog.Dict().Int("leaf", 1)
	for range 200 {
		deep = zerolog.Dict().Dict("d", deep)
	}
	l.Error().Dict("deep", deep).Msg("deep")
	events := s.Events(t)
	if len(events) != 3 {
		t.Fatalf("got %d events", len(events))
	}
	if m := fmt.Sprint(events[0].Metadata["cycle"]); !strings.Contains(m, "cycle") {
		t.Errorf("cycle field = %s", m)
	}
	if _, ok := events[1].Metadata["raw"]; events[1].Message != "raw" || ok {
		t.Errorf("raw event %q metadata %v", events[1].Message, events[1].Metadata)
	}
	if events[2].Message != "deep" {
		t.Errorf("deep event %q", events[2].Message)
	}
}

// zerolog exits after a Fatal event is written (WithLevel does not): the
// event must be sent when the hook returns.
func TestFatalIsSentBeforeExit(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{})
	l.WithLevel(zerolog.FatalLevel).Ctx(ctx).Msg("dying")
	if n := len(s.Server.Events()); n != 1 {
		t.Errorf("%d events delivered when zerolog would exit, want 1", n)
	}
}

// MarshalErrors keeps the wrapped marshaler's output.
func TestMarshalErrorsKeepsOutput(t *testing.T) {
	custom := func(err error) any { return "custom: " + err.Error() }
	var out bytes.Buffer
	prev := zerolog.ErrorMarshalFunc
	t.Cleanup(func() { zerolog.ErrorMarshalFunc = prev })
	zerolog.ErrorMarshalFunc = errsightzerolog.MarshalErrors(custom)
	l := zerolog.New(&out)
	l.Error().Err(errors.New("x")).Send()
	if got := strings.TrimSpace(out.String()); got != `{"level":"error","error":"custom: x"}` {
		t.Errorf("output %s", got)
	}
}
