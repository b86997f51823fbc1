// Package testhub tests your own code's reporting in one call: [New] starts
// an [errsighttest.Server], builds a client reporting to it, and returns a
// context whose hub uses that client; everything is closed when the test
// ends. Nothing global is touched, so tests using it can run with
// t.Parallel().
//
//	func TestCheckoutReportsDeclinedCards(t *testing.T) {
//		t.Parallel()
//		ctx, rec := testhub.New(t)
//
//		checkout(ctx, declinedCard) // code that calls errsight.CaptureError(ctx, err)
//
//		ev := rec.OneEvent(t, testhub.Match{Level: "error", Class: "*payment.DeclinedError"})
//		if ev.Tags["provider"] != "stripe" { ... }
//	}
//
// Code under test reports here when it captures with the returned context
// (or one derived from it, e.g. a request built with it): the package-level
// capture functions use the hub of their context. Code that captures with a
// context carrying no hub reports to the global hub instead, which this
// package leaves alone.
//
// It is a separate package from errsighttest because it imports errsight,
// whose own tests import errsighttest.
package testhub

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// Recorder is the server and the client behind a context made by [New].
// It is safe for concurrent use.
type Recorder struct {
	// Server is the in-process ErrSight API the client reports to.
	Server *errsighttest.Server
	// Client reports to Server. It is closed when the test ends.
	Client *errsight.Client
	// Hub is the hub of the context New returned, with an empty scope of
	// its own. Use errsight.ContextWithHub(ctx, rec.Hub) to report from
	// another context (e.g. an *http.Request's).
	Hub *errsight.Hub
}

// flushTimeout bounds the flush before each look at the events.
const flushTimeout = 10 * time.Second

// New starts a server and a client and returns a context whose hub reports
// to them, with options suited to tests: every level is sent (MinLevel
// LevelDebug), spike protection is off, and batches leave at once. The
// client and server are closed by tb.Cleanup.
func New(tb testing.TB) (context.Context, *Recorder) {
	tb.Helper()
	return NewWithOptions(tb, errsight.Options{})
}

// NewWithOptions is [New] with the application's own options (BeforeSend,
// Release, InAppInclude...): Host and APIKey are replaced to point at the
// test server; MinLevel, SpikeLimit, BatchSize and FlushInterval get the
// test defaults of New when zero.
func NewWithOptions(tb testing.TB, opts errsight.Options) (context.Context, *Recorder) {
	tb.Helper()
	srv := errsighttest.NewServer()
	tb.Cleanup(srv.Close)
	opts.Host, opts.APIKey = srv.URL, srv.APIKey()
	if opts.MinLevel == 0 {
		opts.MinLevel = errsight.LevelDebug
	}
	if opts.SpikeLimit == 0 {
		opts.SpikeLimit = -1
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = 100
	}
	if opts.FlushInterval == 0 {
		opts.FlushInterval = 10 * time.Millisecond
	}
	c, err := errsight.NewClient(opts)
	if err != nil {
		tb.Fatalf("testhub: %v", err)
	}
	tb.Cleanup(func() { _ = c.Close() }) // runs before srv.Close: cleanups run last-in first-out
	h := errsight.NewHub(c, nil)
	return errsight.ContextWithHub(context.Background(), h), &Recorder{Server: srv, Client: c, Hub: h}
}

// Events delivers what the client has queued and returns every event the
// server accepted, in the order received.
func (r *Recorder) Events(tb testing.TB) []errsighttest.Event {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	if err := r.Client.Flush(ctx); err != nil {
		tb.Fatalf("testhub: %v", err)
	}
	return r.Server.Events()
}

// NoEvents fails the test if any event was reported.
func (r *Recorder) NoEvents(tb testing.TB) {
	tb.Helper()
	if evs := r.Events(tb); len(evs) > 0 {
		tb.Errorf("testhub: want no events, got %d:\n%s", len(evs), describe(evs))
	}
}

// OneEvent fails the test unless exactly one reported event matches m, and
// returns it. The zero Match matches every event: OneEvent(tb, Match{})
// asserts that exactly one event was reported.
func (r *Recorder) OneEvent(tb testing.TB, m Match) errsighttest.Event {
	tb.Helper()
	evs := r.Events(tb)
	got := r.matching(evs, m)
	if len(got) != 1 {
		tb.Fatalf("testhub: want exactly one event matching %s, got %d among:\n%s", m, len(got), describe(evs))
	}
	return got[0]
}

// Matching returns the reported events that match m.
func (r *Recorder) Matching(tb testing.TB, m Match) []errsighttest.Event {
	tb.Helper()
	return r.matching(r.Events(tb), m)
}

func (r *Recorder) matching(evs []errsighttest.Event, m Match) []errsighttest.Event {
	var out []errsighttest.Event
	for _, ev := range evs {
		if m.matches(ev) {
			out = append(out, ev)
		}
	}
	return out
}

// Match selects events; a zero field matches anything.
type Match struct {
	// Level is the event's level as sent: "debug", "info", "warning",
	// "error" or "fatal".
	Level string
	// Message must occur in the event's message.
	Message string
	// Class is the exception class, exactly ("*fs.PathError", "panic").
	Class string
	// Tags must all be present with these values.
	Tags map[string]string
}

func (m Match) matches(ev errsighttest.Event) bool {
	if m.Level != "" && ev.Level != m.Level {
		return false
	}
	if m.Message != "" && !strings.Contains(ev.Message, m.Message) {
		return false
	}
	if m.Class != "" && ev.ExceptionClass() != m.Class {
		return false
	}
	for k, v := range m.Tags {
		if got, ok := ev.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// String describes m for failure messages.
func (m Match) String() string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"level", m.Level}, {"message containing", m.Message}, {"class", m.Class}} {
		if f.v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", f.name, f.v))
		}
	}
	if len(m.Tags) > 0 {
		parts = append(parts, fmt.Sprintf("tags %v", m.Tags))
	}
	if len(parts) == 0 {
		return "anything"
	}
	return strings.Join(parts, ", ")
}

// describe lists events one a line, for failure messages.
func describe(evs []errsighttest.Event) string {
	var b strings.Builder
	for i, ev := range evs {
		fmt.Fprintf(&b, "  %d. %s %q", i+1, ev.Level, ev.Message)
		if c := ev.ExceptionClass(); c != "" {
			fmt.Fprintf(&b, " class %s", c)
		}
		if len(ev.Tags) > 0 {
			fmt.Fprintf(&b, " tags %v", ev.Tags)
		}
		b.WriteByte('\n')
	}
	if len(evs) == 0 {
		b.WriteString("  (no events)\n")
	}
	return b.String()
}
