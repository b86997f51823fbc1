package errsightslog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
)

type declinedError struct{ code string }

func (e *declinedError) Error() string { return "card declined: " + e.code }

func TestErrorRecordBecomesEvent(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	logger := slog.New(errsightslog.NewHandler(nil))

	err := fmt.Errorf("charge: %w", &declinedError{code: "insufficient_funds"})
	logger.ErrorContext(ctx, "charge failed", "err", err, "order", 42)

	ev := s.only(t)
	require.Equal(t, "error", ev.Level, "event = %s %q", ev.Level, ev.Message)
	assert.Equal(t, "charge failed: charge: card declined: insufficient_funds", ev.Message, "event = %s %q", ev.Level, ev.Message)
	assert.Equal(t, "42", fmt.Sprint(ev.Metadata["order"]), "metadata.order = %v", ev.Metadata["order"])
	got := ev.Metadata["err"]
	assert.Equal(t, "charge: card declined: insufficient_funds", got, "metadata.err = %v", got)
	got = ev.ExceptionClass()
	assert.Equal(t, "*errsightslog_test.declinedError", got, "exception class = %q", got)
	causes := ev.ExceptionCauses()
	require.Len(t, causes, 1, "causes = %+v", causes)
	require.Equal(t, "*errsightslog_test.declinedError", causes[0].Class, "causes = %+v", causes)
	assert.Equal(t, "card declined: insufficient_funds", causes[0].Message, "causes = %+v", causes)
	// The stack starts at the logging call and goes on to its callers.
	frames := ev.ExceptionFrames()
	require.GreaterOrEqual(t, len(frames), 2, "frames = %+v", frames)
	require.Equal(t, "TestErrorRecordBecomesEvent", frames[0].Function, "frames = %+v", frames)
	require.True(t, strings.HasSuffix(frames[0].Filename, "handler_test.go"), "frames = %+v", frames)
	assert.Contains(t, frames[1].Function, "tRunner", "second frame = %+v, want the test's caller", frames[1])
	p := ev.Problems()
	assert.LessOrEqual(t, len(p), 0, "the server would change the event: %v", p)
}

func TestErrorWithoutMessage(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	_, err := os.Open("/nonexistent/errsightslog")
	slog.New(errsightslog.NewHandler(nil)).ErrorContext(ctx, "", "err", err)
	ev := s.only(t)
	require.Equal(t, err.Error(), ev.Message, "event = %q, class %q", ev.Message, ev.ExceptionClass())
	assert.Equal(t, "*fs.PathError", ev.ExceptionClass(), "event = %q, class %q", ev.Message, ev.ExceptionClass())
}

func TestLevels(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug - 4, "debug"},
		{slog.LevelDebug, "debug"},
		{slog.LevelInfo, "info"},
		{slog.LevelInfo + 2, "info"},
		{slog.LevelWarn, "warning"},
		{slog.LevelError, "error"},
		{slog.LevelError + 1, "fatal"},
		{slog.LevelError + 4, "fatal"},
	}
	s := newSink(t)
	ctx, _ := s.ctx()
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{EventLevel: slog.Level(-100)}))
	for _, tt := range tests {
		logger.Log(ctx, tt.level, tt.level.String())
	}
	events := s.events(t)
	require.Len(t, events, len(tests), "got %d events, want %d", len(events), len(tests))
	for i, tt := range tests {
		ev := events[i]
		require.Equal(t, tt.level.String(), ev.Message, "%v: event %q at %s, want %s", tt.level, ev.Message, ev.Level, tt.want)
		assert.Equal(t, tt.want, ev.Level, "%v: event %q at %s, want %s", tt.level, ev.Message, ev.Level, tt.want)
	}
}

type token string

func (token) LogValue() slog.Value { return slog.StringValue("[redacted]") }

type point struct{ X, Y int }

func TestAttributesBecomeMetadata(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	logger := slog.New(errsightslog.NewHandler(nil)).With("service", "checkout").WithGroup("req").With("id", "r-1")

	p := &point{X: 1, Y: 2}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var nilErr *declinedError
	logger.ErrorContext(ctx, "attrs",
		"secret", token("hunter2"),
		slog.Group("user", "name", "ann", slog.Group("", "inlined", true)),
		slog.Group("empty"),
		"took", 1500*time.Millisecond,
		"at", when,
		"point", p,
		"nilerr", nilErr,
		"ratio", 0.5,
	)
	p.X = 99 // after the call: the report keeps what was logged

	ev := s.only(t)
	want := map[string]string{
		"service":          "checkout",
		"req.id":           "r-1",
		"req.secret":       "[redacted]",
		"req.user.name":    "ann",
		"req.user.inlined": "true",
		"req.took":         "1.5s",
		"req.at":           "2026-01-02T03:04:05Z",
		"req.point":        "map[X:1 Y:2]",
		"req.ratio":        "0.5",
	}
	for k, v := range want {
		got := fmt.Sprint(ev.Metadata[k])
		assert.Equal(t, v, got, "metadata[%q] = %s, want %s", k, got, v)
	}
	for _, k := range []string{"req.empty", "empty"} {
		_, ok := ev.Metadata[k]
		assert.False(t, ok, "empty group %q reported", k)
	}
	assert.Equal(t, "", ev.ExceptionClass(), "a nil error attribute gave exception class %q", ev.ExceptionClass())
	assert.NotContains(t, string(ev.Raw), "hunter2", "a LogValuer's unresolved value was sent")
}

// Handlers derived from one another share nothing mutable: a slice append
// in one must never show in a sibling.
func TestDerivedHandlersAreIndependent(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	base := slog.New(errsightslog.NewHandler(nil)).With("a", 1, "b", 2)
	left := base.With("side", "left")
	right := base.With("side", "right")
	grouped := base.WithGroup("g")
	left.ErrorContext(ctx, "left")
	right.ErrorContext(ctx, "right")
	grouped.ErrorContext(ctx, "grouped", "k", "v")
	base.ErrorContext(ctx, "base")

	for _, ev := range s.events(t) {
		side := ev.Metadata["side"]
		switch ev.Message {
		case "left", "right":
			assert.Equal(t, ev.Message, side, "%s handler reported side %v", ev.Message, side)
		case "grouped":
			require.Nil(t, side, "grouped metadata = %v", ev.Metadata)
			require.Equal(t, "v", ev.Metadata["g.k"], "grouped metadata = %v", ev.Metadata)
			assert.Equal(t, "1", fmt.Sprint(ev.Metadata["a"]), "grouped metadata = %v", ev.Metadata)
		case "base":
			// a, b and the SDK's own errsight_context and errsight_event_id.
			require.Nil(t, side, "base metadata = %v", ev.Metadata)
			require.Len(t, ev.Metadata, 4, "base metadata = %v", ev.Metadata)
			assert.NotNil(t, ev.Metadata["errsight_context"], "base metadata = %v", ev.Metadata)
		}
	}
}

func TestNextReceivesEveryRecordItWants(t *testing.T) {
	s := newSink(t)
	ctx, hub := s.ctx()
	var out bytes.Buffer
	next := slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn})
	h := errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: next})
	logger := slog.New(h).With("svc", "api").WithGroup("g")

	assert.False(t, h.Enabled(ctx, slog.LevelDebug), "Enabled(Debug) with Next at Warn and breadcrumbs at Info")
	logger.DebugContext(ctx, "debug")       // nobody
	logger.InfoContext(ctx, "info")         // breadcrumb only
	logger.WarnContext(ctx, "warn", "k", 1) // breadcrumb and Next
	logger.ErrorContext(ctx, "error")       // event, breadcrumb and Next

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2, "Next got %d lines:\n%s", len(lines), out.String())
	var warn map[string]any
	err := json.Unmarshal([]byte(lines[0]), &warn)
	require.NoError(t, err)
	require.Equal(t, "warn", warn["msg"], "Next got %v", warn)
	require.Equal(t, "api", warn["svc"], "Next got %v", warn)
	assert.Equal(t, "map[k:1]", fmt.Sprint(warn["g"]), "Next got %v", warn)
	crumbs := hub.Scope().Breadcrumbs()
	var msgs []string
	for _, b := range crumbs {
		msgs = append(msgs, b.Message)
	}
	assert.Equal(t, "info,warn,error", strings.Join(msgs, ","), "breadcrumbs = %v", msgs)
	ev := s.only(t)
	// The error record is a breadcrumb for later events, not for its own.
	require.Len(t, ev.Breadcrumbs, 2, "event breadcrumbs = %+v", ev.Breadcrumbs)
	require.Equal(t, "warn", ev.Breadcrumbs[1].Message, "event breadcrumbs = %+v", ev.Breadcrumbs)
	assert.Equal(t, "warning", ev.Breadcrumbs[1].Level, "event breadcrumbs = %+v", ev.Breadcrumbs)
	b := ev.Breadcrumbs[1]
	require.Equal(t, "log", b.Category, "breadcrumb = %+v", b)
	require.Equal(t, "1", fmt.Sprint(b.Data["g.k"]), "breadcrumb = %+v", b)
	assert.Equal(t, "api", b.Data["svc"], "breadcrumb = %+v", b)

	// Next enabled below the breadcrumb level still gets its records.
	out.Reset()
	verbose := errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})})
	assert.True(t, verbose.Enabled(ctx, slog.LevelDebug), "Enabled(Debug) false though Next wants it")
	slog.New(verbose).DebugContext(ctx, "only for next")
	assert.Contains(t, out.String(), "only for next", "Next got %q", out.String())
	n := len(hub.Scope().Breadcrumbs())
	assert.EqualValues(t, 3, n, "a Debug record became a breadcrumb (%d)", n)
}

type failingHandler struct{ slog.Handler }

func (failingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (failingHandler) Handle(context.Context, slog.Record) error { return errors.New("disk full") }

func TestHandleReturnsNextsError(t *testing.T) {
	h := errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: failingHandler{slog.DiscardHandler}})
	r := slog.NewRecord(time.Now(), slog.LevelError, "x", 0)
	err := h.Handle(context.Background(), r)
	require.Error(t, err, "Handle = %v", err)
	assert.Equal(t, "disk full", err.Error(), "Handle = %v", err)
}

func TestPinnedHubOnlyForContextsWithout(t *testing.T) {
	s := newSink(t)
	pinned := errsight.NewHub(s.client, nil)
	ctx, reqHub := s.ctx()
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Hub: pinned}))

	logger.Info("background work")          // no hub in context: the pinned hub
	logger.InfoContext(ctx, "request work") // the context's hub wins
	got := messages(pinned.Scope().Breadcrumbs())
	assert.Equal(t, "background work", got, "pinned hub breadcrumbs = %q", got)
	got = messages(reqHub.Scope().Breadcrumbs())
	assert.Equal(t, "request work", got, "request hub breadcrumbs = %q", got)
	n := len(errsight.CurrentHub().Scope().Breadcrumbs())
	assert.EqualValues(t, 0, n, "the global hub got %d breadcrumbs", n)
}

func TestDisabledClientReportsNothing(t *testing.T) {
	hub := errsight.NewHub(nil, nil)
	ctx := errsight.ContextWithHub(context.Background(), hub)
	var out bytes.Buffer
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewTextHandler(&out, nil)}))
	logger.InfoContext(ctx, "info", "k", "v")
	logger.ErrorContext(ctx, "error", "err", errors.New("x"))
	n := len(hub.Scope().Breadcrumbs())
	assert.EqualValues(t, 0, n, "%d breadcrumbs with a disabled client", n)
	assert.EqualValues(t, 2, strings.Count(out.String(), "\n"), "Next got %q", out.String())
}

func TestZeroHandlerIsUsable(t *testing.T) {
	var h errsightslog.Handler
	require.True(t, h.Enabled(context.Background(), slog.LevelInfo), "the zero Handler does not have the default levels")
	assert.False(t, h.Enabled(context.Background(), slog.LevelDebug), "the zero Handler does not have the default levels")
	err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelError, "x", 0))
	assert.NoError(t, err)
}

func TestLevelVarMovesThresholds(t *testing.T) {
	s := newSink(t)
	ctx, hub := s.ctx()
	var lv slog.LevelVar
	lv.Set(slog.LevelError)
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{BreadcrumbLevel: &lv}))
	logger.InfoContext(ctx, "hidden")
	lv.Set(slog.LevelDebug)
	logger.DebugContext(ctx, "shown")
	got := messages(hub.Scope().Breadcrumbs())
	assert.Equal(t, "shown", got, "breadcrumbs = %q", got)
}

func messages(crumbs []errsight.Breadcrumb) string {
	var m []string
	for _, b := range crumbs {
		m = append(m, b.Message)
	}
	return strings.Join(m, ",")
}
