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
	if ev.Level != "error" || ev.Message != "charge failed: charge: card declined: insufficient_funds" {
		t.Errorf("event = %s %q", ev.Level, ev.Message)
	}
	if got := fmt.Sprint(ev.Metadata["order"]); got != "42" {
		t.Errorf("metadata.order = %v", ev.Metadata["order"])
	}
	if got := ev.Metadata["err"]; got != "charge: card declined: insufficient_funds" {
		t.Errorf("metadata.err = %v", got)
	}
	if got := ev.ExceptionClass(); got != "*errsightslog_test.declinedError" {
		t.Errorf("exception class = %q", got)
	}
	causes := ev.ExceptionCauses()
	if len(causes) != 1 || causes[0].Class != "*errsightslog_test.declinedError" || causes[0].Message != "card declined: insufficient_funds" {
		t.Errorf("causes = %+v", causes)
	}
	// The stack starts at the logging call and goes on to its callers.
	frames := ev.ExceptionFrames()
	if len(frames) < 2 || frames[0].Function != "TestErrorRecordBecomesEvent" || !strings.HasSuffix(frames[0].Filename, "handler_test.go") {
		t.Fatalf("frames = %+v", frames)
	}
	if !strings.Contains(frames[1].Function, "tRunner") {
		t.Errorf("second frame = %+v, want the test's caller", frames[1])
	}
	if p := ev.Problems(); len(p) > 0 {
		t.Errorf("the server would change the event: %v", p)
	}
}

func TestErrorWithoutMessage(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	_, err := os.Open("/nonexistent/errsightslog")
	slog.New(errsightslog.NewHandler(nil)).ErrorContext(ctx, "", "err", err)
	ev := s.only(t)
	if ev.Message != err.Error() || ev.ExceptionClass() != "*fs.PathError" {
		t.Errorf("event = %q, class %q", ev.Message, ev.ExceptionClass())
	}
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
	if len(events) != len(tests) {
		t.Fatalf("got %d events, want %d", len(events), len(tests))
	}
	for i, tt := range tests {
		if ev := events[i]; ev.Message != tt.level.String() || ev.Level != tt.want {
			t.Errorf("%v: event %q at %s, want %s", tt.level, ev.Message, ev.Level, tt.want)
		}
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
		if got := fmt.Sprint(ev.Metadata[k]); got != v {
			t.Errorf("metadata[%q] = %s, want %s", k, got, v)
		}
	}
	for _, k := range []string{"req.empty", "empty"} {
		if _, ok := ev.Metadata[k]; ok {
			t.Errorf("empty group %q reported", k)
		}
	}
	if ev.ExceptionClass() != "" {
		t.Errorf("a nil error attribute gave exception class %q", ev.ExceptionClass())
	}
	if strings.Contains(string(ev.Raw), "hunter2") {
		t.Error("a LogValuer's unresolved value was sent")
	}
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
			if side != ev.Message {
				t.Errorf("%s handler reported side %v", ev.Message, side)
			}
		case "grouped":
			if side != nil || ev.Metadata["g.k"] != "v" || fmt.Sprint(ev.Metadata["a"]) != "1" {
				t.Errorf("grouped metadata = %v", ev.Metadata)
			}
		case "base":
			// a, b and the SDK's own errsight_context and errsight_event_id.
			if side != nil || len(ev.Metadata) != 4 || ev.Metadata["errsight_context"] == nil {
				t.Errorf("base metadata = %v", ev.Metadata)
			}
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

	if h.Enabled(ctx, slog.LevelDebug) {
		t.Error("Enabled(Debug) with Next at Warn and breadcrumbs at Info")
	}
	logger.DebugContext(ctx, "debug")       // nobody
	logger.InfoContext(ctx, "info")         // breadcrumb only
	logger.WarnContext(ctx, "warn", "k", 1) // breadcrumb and Next
	logger.ErrorContext(ctx, "error")       // event, breadcrumb and Next

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("Next got %d lines:\n%s", len(lines), out.String())
	}
	var warn map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &warn); err != nil {
		t.Fatal(err)
	}
	if warn["msg"] != "warn" || warn["svc"] != "api" || fmt.Sprint(warn["g"]) != "map[k:1]" {
		t.Errorf("Next got %v", warn)
	}
	crumbs := hub.Scope().Breadcrumbs()
	var msgs []string
	for _, b := range crumbs {
		msgs = append(msgs, b.Message)
	}
	if strings.Join(msgs, ",") != "info,warn,error" {
		t.Errorf("breadcrumbs = %v", msgs)
	}
	ev := s.only(t)
	// The error record is a breadcrumb for later events, not for its own.
	if len(ev.Breadcrumbs) != 2 || ev.Breadcrumbs[1].Message != "warn" || ev.Breadcrumbs[1].Level != "warning" {
		t.Errorf("event breadcrumbs = %+v", ev.Breadcrumbs)
	}
	if b := ev.Breadcrumbs[1]; b.Category != "log" || fmt.Sprint(b.Data["g.k"]) != "1" || b.Data["svc"] != "api" {
		t.Errorf("breadcrumb = %+v", b)
	}

	// Next enabled below the breadcrumb level still gets its records.
	out.Reset()
	verbose := errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})})
	if !verbose.Enabled(ctx, slog.LevelDebug) {
		t.Error("Enabled(Debug) false though Next wants it")
	}
	slog.New(verbose).DebugContext(ctx, "only for next")
	if !strings.Contains(out.String(), "only for next") {
		t.Errorf("Next got %q", out.String())
	}
	if n := len(hub.Scope().Breadcrumbs()); n != 3 {
		t.Errorf("a Debug record became a breadcrumb (%d)", n)
	}
}

type failingHandler struct{ slog.Handler }

func (failingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (failingHandler) Handle(context.Context, slog.Record) error { return errors.New("disk full") }

func TestHandleReturnsNextsError(t *testing.T) {
	h := errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: failingHandler{slog.DiscardHandler}})
	r := slog.NewRecord(time.Now(), slog.LevelError, "x", 0)
	if err := h.Handle(context.Background(), r); err == nil || err.Error() != "disk full" {
		t.Errorf("Handle = %v", err)
	}
}

func TestPinnedHubOnlyForContextsWithout(t *testing.T) {
	s := newSink(t)
	pinned := errsight.NewHub(s.client, nil)
	ctx, reqHub := s.ctx()
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Hub: pinned}))

	logger.Info("background work")          // no hub in context: the pinned hub
	logger.InfoContext(ctx, "request work") // the context's hub wins
	if got := messages(pinned.Scope().Breadcrumbs()); got != "background work" {
		t.Errorf("pinned hub breadcrumbs = %q", got)
	}
	if got := messages(reqHub.Scope().Breadcrumbs()); got != "request work" {
		t.Errorf("request hub breadcrumbs = %q", got)
	}
	if n := len(errsight.CurrentHub().Scope().Breadcrumbs()); n != 0 {
		t.Errorf("the global hub got %d breadcrumbs", n)
	}
}

func TestDisabledClientReportsNothing(t *testing.T) {
	hub := errsight.NewHub(nil, nil)
	ctx := errsight.ContextWithHub(context.Background(), hub)
	var out bytes.Buffer
	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Next: slog.NewTextHandler(&out, nil)}))
	logger.InfoContext(ctx, "info", "k", "v")
	logger.ErrorContext(ctx, "error", "err", errors.New("x"))
	if n := len(hub.Scope().Breadcrumbs()); n != 0 {
		t.Errorf("%d breadcrumbs with a disabled client", n)
	}
	if strings.Count(out.String(), "\n") != 2 {
		t.Errorf("Next got %q", out.String())
	}
}

func TestZeroHandlerIsUsable(t *testing.T) {
	var h errsightslog.Handler
	if !h.Enabled(context.Background(), slog.LevelInfo) || h.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("the zero Handler does not have the default levels")
	}
	if err := h.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelError, "x", 0)); err != nil {
		t.Error(err)
	}
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
	if got := messages(hub.Scope().Breadcrumbs()); got != "shown" {
		t.Errorf("breadcrumbs = %q", got)
	}
}

func messages(crumbs []errsight.Breadcrumb) string {
	var m []string
	for _, b := range crumbs {
		m = append(m, b.Message)
	}
	return strings.Join(m, ",")
}
