// Package logtest is the conformance suite of the logging integrations
// (errsightzap, errsightzerolog, errsightlogrus): what issue 13 asks of
// each, written once. An integration's test adapts its logger to [Logger]
// and calls [Run]. Like testing/slogtest, it checks behaviour through the
// integration's public API only, against an errsighttest server.
package logtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
)

// Field is one field of a record. A Group value is a nested object, as the
// logger nests them (zap.Object or Namespace, zerolog Dict, logrus maps).
// The field keyed "error" with an error value is the logger's error field
// (zap.Error, zerolog Err, logrus WithError).
type Field struct {
	Key   string
	Value any
}

// Group is a nested object of fields.
type Group []Field

// Logger logs through an integration installed with its default options,
// and Options.Hub set to pinned when pinned is not nil.
type Logger interface {
	// Log logs one record at level with ctx attached as the logger allows
	// it. Log itself is the call site: the frame the event's stack must
	// start with.
	Log(ctx context.Context, level errsight.Level, msg string, fields ...Field)
}

// NewLogger builds a Logger for one test.
type NewLogger func(t *testing.T, pinned *errsight.Hub) Logger

// Run runs the suite. file is the name of the adapter's file, where Log is:
// the first frame of an event's stack must be there.
func Run(t *testing.T, newLogger NewLogger, file string) {
	t.Run("ErrorRecordBecomesEvent", func(t *testing.T) { testErrorRecord(t, newLogger, file) })
	t.Run("Levels", func(t *testing.T) { testLevels(t, newLogger) })
	t.Run("BreadcrumbsStayOnTheirHub", func(t *testing.T) { testConcurrentHubs(t, newLogger) })
	t.Run("NoContext", func(t *testing.T) { testNoContext(t, newLogger) })
	t.Run("URLsScrubbed", func(t *testing.T) { testURLsScrubbed(t, newLogger) })
}

// DeclinedError is the error type of the suite's records.
type DeclinedError struct{ Code string }

func (e *DeclinedError) Error() string { return "card declined: " + e.Code }

// requestCtx returns a context with a new hub of s's client whose scope has
// a user, as a request's would.
func requestCtx(s *sinktest.Sink, user string) (context.Context, *errsight.Hub) {
	hub := errsight.NewHub(s.Client, nil)
	hub.Scope().SetUser(errsight.User{ID: user})
	return errsight.ContextWithHub(context.Background(), hub), hub
}

func only(t *testing.T, s *sinktest.Sink) errsighttest.Event {
	t.Helper()
	events := s.Events(t)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	return events[0]
}

func testErrorRecord(t *testing.T, newLogger NewLogger, file string) {
	s := sinktest.New(t)
	ctx, _ := requestCtx(s, "u-1")
	l := newLogger(t, nil)
	err := fmt.Errorf("charge: %w", &DeclinedError{Code: "insufficient_funds"})
	l.Log(ctx, errsight.LevelError, "charge failed",
		Field{"error", err}, Field{"order", 42}, Field{"req", Group{{"id", "r-1"}, {"attempt", 2}}})

	ev := only(t, s)
	const class = "*logtest.DeclinedError"
	if ev.Level != "error" || ev.Message != "charge failed: charge: card declined: insufficient_funds" {
		t.Errorf("event = %s %q", ev.Level, ev.Message)
	}
	if ev.User.ID != "u-1" {
		t.Errorf("user = %+v, want the request's", ev.User)
	}
	if got := ev.ExceptionClass(); got != class {
		t.Errorf("exception class = %q, want %q", got, class)
	}
	causes := ev.ExceptionCauses()
	if len(causes) != 1 || causes[0].Class != class || causes[0].Message != "card declined: insufficient_funds" {
		t.Errorf("causes = %+v", causes)
	}
	if got := fmt.Sprint(ev.Metadata["order"]); got != "42" {
		t.Errorf("metadata.order = %v (metadata %v)", ev.Metadata["order"], ev.Metadata)
	}
	req, _ := ev.Metadata["req"].(map[string]any)
	if req["id"] != "r-1" || fmt.Sprint(req["attempt"]) != "2" {
		t.Errorf("metadata.req = %v, want a nested object", ev.Metadata["req"])
	}
	if got := ev.Metadata["error"]; got != err.Error() {
		t.Errorf("metadata.error = %v", got)
	}
	frames := ev.ExceptionFrames()
	if len(frames) == 0 || !strings.HasSuffix(frames[0].Filename, file) {
		t.Fatalf("first frame %+v, want the logging call in %s", frames, file)
	}
	if p := ev.Problems(); len(p) > 0 {
		t.Errorf("the server would change the event: %v", p)
	}
}

// A record that quotes a URL with a token — a breadcrumb's message, an
// event's message, its error field — reaches the server without the token
// or the password of the URL's credentials.
func testURLsScrubbed(t *testing.T, newLogger NewLogger) {
	s := sinktest.New(t)
	ctx, _ := requestCtx(s, "u")
	l := newLogger(t, nil)
	// Made at run time, so that no source context holds them either.
	secret := func(i int) string { return fmt.Sprintf("s%d-%d", i, i*7919) }
	l.Log(ctx, errsight.LevelInfo, "calling https://api.example/v1?api_key="+secret(1)+"&page=2")
	err := fmt.Errorf("sync: %w", errors.New(`Get "https://u:`+secret(2)+`@api.example/v1?token=`+secret(3)+`": EOF`))
	l.Log(ctx, errsight.LevelError, "failed https://api.example/v1?sig="+secret(4), Field{"error", err})

	ev := only(t, s)
	if !strings.Contains(ev.Message, "?sig=[Filtered]") || !strings.Contains(ev.Message, `"https://api.example/v1?token=[Filtered]"`) {
		t.Errorf("message = %q", ev.Message)
	}
	if n := len(ev.Breadcrumbs); n == 0 || ev.Breadcrumbs[n-1].Message != "calling https://api.example/v1?api_key=[Filtered]&page=2" {
		t.Errorf("breadcrumbs = %+v", ev.Breadcrumbs)
	}
	bodies := s.Bodies()
	for i := 1; i <= 4; i++ {
		if strings.Contains(bodies, secret(i)) {
			t.Errorf("%s sent: %s", secret(i), bodies)
		}
	}
}

func testLevels(t *testing.T, newLogger NewLogger) {
	s := sinktest.New(t)
	ctx, hub := requestCtx(s, "u")
	l := newLogger(t, nil)
	for _, level := range []errsight.Level{errsight.LevelDebug, errsight.LevelInfo, errsight.LevelWarning, errsight.LevelError} {
		l.Log(ctx, level, level.String())
	}
	var crumbs []string
	for _, b := range hub.Scope().Breadcrumbs() {
		crumbs = append(crumbs, b.Message+"/"+b.Level.String())
	}
	if got := strings.Join(crumbs, ","); got != "info/info,warning/warning,error/error" {
		t.Errorf("breadcrumbs = %s", got)
	}
	ev := only(t, s)
	if ev.Message != "error" || ev.Level != "error" || ev.ExceptionClass() != "" {
		t.Errorf("event %q at %s, class %q", ev.Message, ev.Level, ev.ExceptionClass())
	}
	if len(ev.Breadcrumbs) != 2 {
		t.Errorf("event has breadcrumbs %+v, want info and warning", ev.Breadcrumbs)
	}
}

// Many goroutines, each a request with its own hub, log at once through
// one logger: each event carries its own request's breadcrumbs and user
// only.
func testConcurrentHubs(t *testing.T, newLogger NewLogger) {
	s := sinktest.New(t)
	l := newLogger(t, nil)
	const goroutines, lines = 8, 20
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("req-%d", g)
			ctx, _ := requestCtx(s, id)
			for i := range lines {
				l.Log(ctx, errsight.LevelInfo, "step", Field{"req", id}, Field{"i", i})
			}
			l.Log(ctx, errsight.LevelError, "failed", Field{"error", errors.New("no capacity")}, Field{"req", id})
		}()
	}
	wg.Wait()
	events := s.Events(t)
	if len(events) != goroutines {
		t.Fatalf("got %d events, want %d", len(events), goroutines)
	}
	for _, ev := range events {
		id := ev.Metadata["req"]
		if ev.User.ID != id {
			t.Errorf("event of %v has user %q", id, ev.User.ID)
		}
		if len(ev.Breadcrumbs) != lines {
			t.Errorf("event of %v has %d breadcrumbs, want %d", id, len(ev.Breadcrumbs), lines)
		}
		for _, b := range ev.Breadcrumbs {
			if b.Data["req"] != id {
				t.Errorf("event of %v has a breadcrumb of %v", id, b.Data["req"])
				break
			}
		}
	}
}

// A record without a hub in its context goes to the pinned hub when there
// is one, else to the global hub: never to a request's.
func testNoContext(t *testing.T, newLogger NewLogger) {
	s := sinktest.New(t)
	reqCtx, reqHub := requestCtx(s, "u")
	pinned := errsight.NewHub(s.Client, nil)
	l := newLogger(t, pinned)
	l.Log(reqCtx, errsight.LevelInfo, "request")
	l.Log(context.Background(), errsight.LevelInfo, "background")
	if n := len(reqHub.Scope().Breadcrumbs()); n != 1 {
		t.Errorf("request hub has %d breadcrumbs, want 1", n)
	}
	if b := pinned.Scope().Breadcrumbs(); len(b) != 1 || b[0].Message != "background" {
		t.Errorf("pinned hub breadcrumbs = %+v", b)
	}

	// Without a pinned hub: the global one, which has no client here, so
	// the record is dropped and the request hub is untouched.
	l = newLogger(t, nil)
	l.Log(context.Background(), errsight.LevelError, "background failure")
	if n := len(reqHub.Scope().Breadcrumbs()); n != 1 {
		t.Errorf("request hub has %d breadcrumbs after a record without context", n)
	}
	if n := len(s.Events(t)); n != 0 {
		t.Errorf("%d events from records without a hub, want 0 (the global hub is disabled)", n)
	}
}
