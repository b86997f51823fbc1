package errsightlogrus_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hook must not change what the logger writes.
func TestOutputUnchanged(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(withHook bool) string {
		var out bytes.Buffer
		l := logrus.New()
		l.SetOutput(&out)
		l.SetFormatter(&logrus.JSONFormatter{})
		if withHook {
			l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
		}
		e := l.WithContext(ctx).WithTime(at).WithField("k", logrus.Fields{"n": 1})
		e.Info("info")
		e.WithError(errors.New("boom")).Error("error")
		return out.String()
	}
	assert.Equal(t, write(false), write(true), "output without the hook (expected) and with it (actual)")
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		name             string
		opts             errsightlogrus.Options
		wantLevels       string
		wantEvents       int
		wantBreadcrumbs  int
		wantFirstMessage string
	}{
		{"defaults", errsightlogrus.Options{}, "panic,fatal,error,warning,info", 1, 3, "error"},
		{"events from warning", errsightlogrus.Options{EventLevel: errsight.LevelWarning}, "panic,fatal,error,warning,info", 2, 3, "warn"},
		{"breadcrumbs from debug", errsightlogrus.Options{BreadcrumbLevel: errsight.LevelDebug}, "panic,fatal,error,warning,info,debug,trace", 1, 5, "error"},
		{"no breadcrumbs", errsightlogrus.Options{BreadcrumbLevel: errsight.LevelFatal + 1}, "panic,fatal,error", 1, 0, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sinktest.New(t)
			ctx, hub := s.Context()
			h := errsightlogrus.NewHook(tt.opts)
			var names []string
			for _, l := range h.Levels() {
				names = append(names, l.String())
			}
			assert.Equal(t, tt.wantLevels, strings.Join(names, ","), "Levels()")
			l := logrus.New()
			l.SetOutput(&bytes.Buffer{})
			l.SetLevel(logrus.TraceLevel)
			l.AddHook(h)
			e := l.WithContext(ctx)
			e.Trace("trace")
			e.Debug("debug")
			e.Info("info")
			e.Warn("warn")
			e.Error("error")
			events := s.Events(t)
			require.Len(t, events, tt.wantEvents, "events")
			assert.Equal(t, tt.wantFirstMessage, events[0].Message, "first event's message")
			assert.Len(t, hub.Scope().Breadcrumbs(), tt.wantBreadcrumbs, "breadcrumbs")
		})
	}
}

type panicky struct{}

func (panicky) String() string               { panic("String") }
func (panicky) Error() string                { panic("Error") }
func (panicky) MarshalJSON() ([]byte, error) { panic("MarshalJSON") }

type stringer struct{}

func (stringer) String() string { panic("String") }

type cyclic struct{ Next *cyclic }

// Field values that panic or cannot be encoded become placeholders; the
// hook goes on. logrus's own formatters would panic on these (or loop on
// a map that contains itself), so the test's formatter writes nothing.
func TestHostileFields(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	l := logrus.New()
	l.SetFormatter(silent{})
	l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
	loop := map[string]any{}
	loop["self"] = loop
	c := &cyclic{}
	c.Next = c
	var nilErr *nilError
	l.WithContext(ctx).WithFields(logrus.Fields{
		"panicky":  panicky{},
		"stringer": stringer{},
		"loop":     loop,
		"cycle":    c,
		"nilerr":   nilErr,
	}).WithError(panicky{}).Error("hostile")
	ev := s.Events(t)
	require.Len(t, ev, 1, "events")
	raw := string(ev[0].Raw)
	for _, want := range []string{"!PANIC in errsightlogrus_test.panicky", "!PANIC in errsightlogrus_test.stringer", "cannot encode *errsightlogrus_test.cyclic", "cannot encode map[string]interface {}", "Error() panicked"} {
		assert.Contains(t, raw, want, "event lacks %q", want)
	}
}

type silent struct{}

func (silent) Format(*logrus.Entry) ([]byte, error) { return nil, nil }

type nilError struct{}

func (*nilError) Error() string { return "x" }

// logrus exits after a Fatal entry's hooks: the event must be sent before.
func TestFatalIsSentBeforeExit(t *testing.T) {
	s := sinktest.New(t)
	ctx, _ := s.Context()
	l := logrus.New()
	l.SetOutput(&bytes.Buffer{})
	l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
	var atExit int
	l.ExitFunc = func(int) { atExit = len(s.Server.Events()) }
	l.WithContext(ctx).Fatal("dying")
	assert.Equal(t, 1, atExit, "events delivered when logrus exited")
}
