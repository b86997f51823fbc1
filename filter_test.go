package errsight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSampleRate(t *testing.T) {
	c, rec := newTestClient(t, Options{SampleRate: 0.5, MaxQueueSize: 5000, SpikeLimit: -1})
	h := NewHub(c, nil)
	kept := 0
	const n = 1000
	for i := range n {
		if h.CaptureError(fmt.Errorf("e%d", i)) != "" {
			kept++
		}
	}
	// Binomial(1000, 0.5): 10 standard deviations either side.
	assert.InDelta(t, n/2, kept, 160)
	assert.Len(t, flushed(t, c, rec), kept, "an id is returned exactly for what is sent")

	for _, bad := range []float64{-0.1, 1.5, math.NaN()} {
		_, err := NewClient(Options{SampleRate: bad})
		assert.ErrorContains(t, err, "SampleRate", "%v", bad)
	}
	all, rec := newTestClient(t, Options{SampleRate: 1})
	NewHub(all, nil).CaptureMessage("kept", LevelError)
	assert.Len(t, flushed(t, all, rec), 1)
}

type noiseError struct{}

func (noiseError) Error() string { return "noise" }

func TestIgnoreErrors(t *testing.T) {
	c, rec := newTestClient(t, Options{
		IgnoreErrors: []error{context.Canceled, io.EOF},
		IgnoreError: func(err error) bool {
			if strings.Contains(err.Error(), "predicate panics") {
				panic("filter bug")
			}
			var n noiseError
			return errors.As(err, &n)
		},
	})
	h := NewHub(c, nil)
	ignoredCases := map[string]func() EventID{
		"wrapped target": func() EventID { return h.CaptureError(fmt.Errorf("fetch: %w", context.Canceled)) },
		"second target":  func() EventID { return h.CaptureErrorAtLevel(io.EOF, LevelWarning) },
		"predicate":      func() EventID { return h.CaptureError(fmt.Errorf("x: %w", noiseError{})) },
		"panic value":    func() EventID { return h.Recover(fmt.Errorf("panic: %w", io.EOF)) },
		"event with error": func() EventID {
			ev := &Event{Message: "m", Level: LevelError}
			ev.SetError(context.Canceled)
			return h.CaptureEvent(ev)
		},
	}
	for name, capture := range ignoredCases {
		assert.Empty(t, capture(), name)
	}
	assert.NotEmpty(t, h.CaptureError(errors.New("real")))
	assert.NotEmpty(t, h.CaptureError(errors.New("predicate panics")), "a panicking filter ignores nothing")
	assert.NotEmpty(t, h.CaptureMessage("messages have no error", LevelError))
	assert.Len(t, flushed(t, c, rec), 3)
}

func TestEventErr(t *testing.T) {
	var seen []error
	c, rec := newTestClient(t, Options{BeforeSend: func(ev *Event) *Event {
		seen = append(seen, ev.Err()) // the worker runs BeforeSend one event at a time
		if errors.Is(ev.Err(), context.Canceled) {
			return nil
		}
		return ev
	}})
	h := NewHub(c, nil)
	canceled := fmt.Errorf("rpc: %w", context.Canceled)
	h.CaptureError(canceled)
	h.CaptureError(io.ErrUnexpectedEOF)
	h.CaptureMessage("no error", LevelError)
	h.Recover(io.ErrClosedPipe)
	events := flushed(t, c, rec)
	require.Len(t, events, 3)
	assert.Equal(t, []error{canceled, io.ErrUnexpectedEOF, nil, io.ErrClosedPipe}, seen)
}

func TestBeforeBreadcrumb(t *testing.T) {
	c, rec := newTestClient(t, Options{BeforeBreadcrumb: func(b Breadcrumb) (Breadcrumb, bool) {
		switch b.Category {
		case "noise":
			return b, false
		case "bug":
			panic("hook bug")
		}
		b.Message = strings.ReplaceAll(b.Message, "secret", "[scrubbed]")
		return b, true
	}})
	h := NewHub(c, nil)
	ctx := ContextWithHub(context.Background(), h)
	h.AddBreadcrumb(Breadcrumb{Category: "noise", Message: "dropped"})
	h.AddBreadcrumb(Breadcrumb{Category: "bug", Message: "dropped too"})
	AddBreadcrumb(ctx, Breadcrumb{Category: "db", Message: "token secret"})
	h.CaptureMessage("m", LevelError)
	events := flushed(t, c, rec)
	require.Len(t, events, 1)
	crumbs, _ := events[0]["breadcrumbs"].([]any)
	require.Len(t, crumbs, 1)
	assert.Equal(t, "token [scrubbed]", crumbs[0].(map[string]any)["message"])
}
