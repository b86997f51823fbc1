package testhub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
)

// fakeTB records failures instead of failing the real test; FailNow ends
// the calling goroutine as the testing package's does.
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.mu.Lock()
	f.fatal = true
	f.mu.Unlock()
	runtime.Goexit()
}

// run calls f with a fakeTB on its own goroutine, as a test would run.
func run(f func(tb testing.TB)) *fakeTB {
	ftb := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(ftb)
	}()
	<-done
	return ftb
}

// checkout is application code: it reports through the hub of its context.
func checkout(ctx context.Context, card string) {
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("provider", "stripe") })
	if card == "declined" {
		_, err := os.Open("/nonexistent/card")
		errsight.CaptureError(ctx, fmt.Errorf("charge: %w", err))
	}
}

func TestNew(t *testing.T) {
	for _, card := range []string{"declined", "ok"} {
		t.Run(card, func(t *testing.T) {
			t.Parallel() // each test has its own server, client and hub
			ctx, rec := New(t)
			checkout(ctx, card)
			if card == "ok" {
				rec.NoEvents(t)
				return
			}
			ev := rec.OneEvent(t, Match{Level: "error", Class: "*fs.PathError", Message: "charge", Tags: map[string]string{"provider": "stripe"}})
			assert.NotEmpty(t, ev.ExceptionCauses(), "event %+v has no causes", ev)
		})
	}
}

func TestAssertionsFail(t *testing.T) {
	ctx, rec := New(t)
	errsight.CaptureError(ctx, &fs.PathError{Op: "open", Path: "x", Err: errors.New("denied")})
	errsight.CaptureMessage(ctx, "slow checkout", errsight.LevelWarning)

	tests := []struct {
		name      string
		assert    func(tb testing.TB)
		fatal     bool
		wantInMsg string
	}{
		{"NoEvents with two", func(tb testing.TB) { rec.NoEvents(tb) }, false, `warning "slow checkout"`},
		{"OneEvent of two", func(tb testing.TB) { rec.OneEvent(tb, Match{}) }, true, "matching anything, got 2"},
		{"OneEvent, none matches", func(tb testing.TB) { rec.OneEvent(tb, Match{Level: "fatal"}) }, true, `level "fatal", got 0`},
		{"OneEvent, wrong tag", func(tb testing.TB) { rec.OneEvent(tb, Match{Tags: map[string]string{"a": "b"}}) }, true, "tags map[a:b]"},
		{"OneEvent matches", func(tb testing.TB) { rec.OneEvent(tb, Match{Class: "*fs.PathError"}) }, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := run(tt.assert)
			msg := strings.Join(f.errors, "\n")
			require.Equal(t, tt.fatal, f.fatal, "fatal %v, failures %q; want fatal %v and a failure containing %q", f.fatal, msg, tt.fatal, tt.wantInMsg)
			require.Equal(t, (msg == ""), (tt.wantInMsg == ""), "fatal %v, failures %q; want fatal %v and a failure containing %q", f.fatal, msg, tt.fatal, tt.wantInMsg)
			assert.Contains(t, msg, tt.wantInMsg, "fatal %v, failures %q; want fatal %v and a failure containing %q", f.fatal, msg, tt.fatal, tt.wantInMsg)
		})
	}
	assert.Len(t, rec.Matching(t, Match{Level: "warning"}), 1, "Matching")
}

func TestNewWithOptions(t *testing.T) {
	ctx, rec := NewWithOptions(t, errsight.Options{
		Release: "app@1",
		BeforeSend: func(ev *errsight.Event) *errsight.Event {
			delete(ev.Tags, "secret")
			return ev
		},
	})
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("secret", "x") })
	errsight.CaptureMessage(ctx, "debug is sent too", errsight.LevelDebug)
	ev := rec.OneEvent(t, Match{Level: "debug"})
	require.Equal(t, "app@1", ev.Release, "release %q, tags %v: the application's options were not kept", ev.Release, ev.Tags)
	assert.Equal(t, "", ev.Tags["secret"], "release %q, tags %v: the application's options were not kept", ev.Release, ev.Tags)
	// The global hub is untouched.
	assert.NotSame(t, rec.Client, errsight.CurrentHub().Client(), "New bound its client to the global hub")
}
