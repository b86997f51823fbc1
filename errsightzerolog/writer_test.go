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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Equal(t, without, with, "output without the writer (expected) and with it (actual)")
}

// The hook reads the event's fields from zerolog's buffer: if a zerolog
// release renamed it, this test says so (events would lose their fields).
func TestHookSeesFields(t *testing.T) {
	s := sinktest.New(t)
	ctx, hub := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{}).With().Str("svc", "api").Timestamp().Logger()
	l.Info().Ctx(ctx).Int("n", 1).Msg("hello")
	b := hub.Scope().Breadcrumbs()
	require.Len(t, b, 1, "breadcrumbs = %+v, want one with the event's fields", b)
	assert.Equal(t, "1", fmt.Sprint(b[0].Data["n"]), "breadcrumb data %v, want the event's fields", b[0].Data)
	assert.Equal(t, "api", b[0].Data["svc"], "breadcrumb data %v, want the event's fields", b[0].Data)
	assert.NotContains(t, b[0].Data, zerolog.LevelFieldName, "breadcrumb data has the level field")
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
	b1 := hub1.Scope().Breadcrumbs()
	if assert.Len(t, b1, 1, "hub of the logger's context: %+v", b1) {
		assert.Equal(t, "logger's", b1[0].Message, "hub of the logger's context")
	}
	b2 := hub2.Scope().Breadcrumbs()
	if assert.Len(t, b2, 1, "hub of the event's context: %+v", b2) {
		assert.Equal(t, "event's", b2[0].Message, "hub of the event's context")
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
	require.Len(t, events, 1, "events")
	ev := events[0]
	assert.Equal(t, "failed: boom", ev.Message, "message")
	assert.Equal(t, "*errors.errorString", ev.ExceptionClass(), "exception class")
	assert.Equal(t, "map[n:1]", fmt.Sprint(ev.Metadata["d"]), "metadata %v", ev.Metadata)
	require.Len(t, ev.Breadcrumbs, 1, "breadcrumbs %+v", ev.Breadcrumbs)
	assert.Equal(t, "step", ev.Breadcrumbs[0].Message, "breadcrumbs %+v", ev.Breadcrumbs)
	assert.Equal(t, "v", ev.Breadcrumbs[0].Data["k"], "breadcrumbs %+v", ev.Breadcrumbs)
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
			assert.Len(t, s.Events(t), tt.wantEvents, "events")
			assert.Len(t, hub.Scope().Breadcrumbs(), tt.wantCrumbs, "breadcrumbs")
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
	require.Len(t, events, 3, "events")
	assert.Contains(t, fmt.Sprint(events[0].Metadata["cycle"]), "cycle", "cycle field")
	assert.Equal(t, "raw", events[1].Message, "raw event")
	assert.NotContains(t, events[1].Metadata, "raw", "raw event's metadata")
	assert.Equal(t, "deep", events[2].Message, "deep event")
}

// zerolog exits after a Fatal event is written (WithLevel does not): the
// event must be sent when the hook returns.
func TestFatalIsSentBeforeExit(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	l := errsightzerolog.New(io.Discard, errsightzerolog.Options{})
	l.WithLevel(zerolog.FatalLevel).Ctx(ctx).Msg("dying")
	assert.Len(t, s.Server.Events(), 1, "events delivered when zerolog would exit")
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
	assert.Equal(t, `{"level":"error","error":"custom: x"}`, strings.TrimSpace(out.String()), "output")
}
