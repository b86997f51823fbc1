package errsight

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/childtest"
	"github.com/errsight/errsight-go/internal/safeval"
	"github.com/errsight/errsight-go/transport"
)

type loopNode struct {
	Name string
	Next *loopNode
}

// cyclicValues are values that contain themselves, the three shapes Go
// allows: through a map, a slice, and struct pointers.
var cyclicValues = map[string]func() any{
	"map": func() any {
		m := map[string]any{"k": 1}
		m["self"] = m
		return m
	},
	"slice": func() any {
		s := []any{1, nil}
		s[1] = s
		return s
	},
	"struct pointers": func() any {
		a := &loopNode{Name: "a"}
		a.Next = &loopNode{Name: "b", Next: a}
		return a
	},
}

// panickyTransport panics with a value that contains itself: the worker
// prints it in a debug line.
type panickyTransport struct{ v any }

func (p panickyTransport) Send(context.Context, []byte) transport.Outcome { panic(p.v) }

// TestCyclicValuesNeverCrash hands a value that contains itself to every
// place the SDK converts user values, each case in a child process: before
// the bounds, each one ended in a fatal stack overflow (fmt and naive
// recursion) or an exponential walk. The event must be sent, the value
// kept with a marker where it meets itself.
func TestCyclicValuesNeverCrash(t *testing.T) {
	paths := []struct {
		name string
		// send captures v; the event must reach the recorder unless noEvent.
		send    func(h *Hub, v any)
		noEvent bool
	}{
		{"scope metadata", func(h *Hub, v any) {
			h.Scope().SetMetadata("v", v)
			h.CaptureMessage("m", LevelError)
		}, false},
		{"event metadata", func(h *Hub, v any) {
			h.CaptureEvent(&Event{Message: "m", Metadata: map[string]any{"v": v}})
		}, false},
		{"breadcrumb data", func(h *Hub, v any) {
			h.AddBreadcrumb(Breadcrumb{Message: "b", Data: map[string]any{"v": v}})
			h.CaptureMessage("m", LevelError)
		}, false},
		{"panic value", func(h *Hub, v any) {
			h.Recover(v)
		}, false},
		{"BeforeSend panic value", func(h *Hub, v any) {
			h.CaptureMessage("panic in BeforeSend", LevelError)
		}, true},
		{"transport panic value", func(h *Hub, v any) {
			h.CaptureMessage("m", LevelError)
		}, true},
	}
	for _, p := range paths {
		for shape, mk := range cyclicValues {
			t.Run(p.name+"/"+shape, func(t *testing.T) {
				childtest.Run(t, func(t *testing.T) {
					v := mk()
					var debug bytes.Buffer
					opts := Options{Debug: true, DebugWriter: &lockedWriter{w: &debug}}
					switch p.name {
					case "BeforeSend panic value":
						opts.BeforeSend = func(*Event) *Event { panic(v) }
					case "transport panic value":
						opts.Transport = panickyTransport{v}
						opts.ShutdownTimeout = 100 * time.Millisecond
					}
					c, rec := newTestClient(t, opts)
					p.send(NewHub(c, nil), v)
					if p.noEvent {
						// The first send (or BeforeSend) runs at once; the
						// retries it causes are not this test's business.
						ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
						_ = c.Flush(ctx)
						cancel()
						_ = c.Close()
						assert.Contains(t, debug.String(), "panicked", "no debug line for the panic:\n%s", debug.String())
						return
					}
					events := flushed(t, c, rec)
					require.Len(t, events, 1, "got %d events, want 1", len(events))
					raw, _ := json.Marshal(events[0])
					assert.Contains(t, string(raw), safeval.CycleMarker, "event %.600s: no cycle marker", raw)
				})
			})
		}
	}
}
