package errsight

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"go.uber.org/goleak"
)

func TestBeforeSend(t *testing.T) {
	tests := []struct {
		name       string
		hook       func(*Event) *Event
		failOpen   bool
		wantSent   bool
		wantDrops  uint64
		checkEvent func(t *testing.T, ev map[string]any)
	}{
		{
			name: "scrubs tags and metadata",
			hook: func(ev *Event) *Event {
				delete(ev.Tags, "internal")
				delete(ev.Metadata, "credit_card")
				return ev
			},
			wantSent: true,
			checkEvent: func(t *testing.T, ev map[string]any) {
				_, ok := tagsOf(ev)["internal"]
				assert.False(t, ok, "tag internal was sent")
				assert.NotContains(t, metadataOf(ev), "credit_card", "metadata credit_card was sent")
				require.EqualValues(t, "yes", tagsOf(ev)["kept"], "scrubbing removed more than asked")
				assert.NotNil(t, metadataOf(ev)["order"], "scrubbing removed more than asked")
			},
		},
		{
			name:      "drops with nil",
			hook:      func(*Event) *Event { return nil },
			wantDrops: 1,
		},
		{
			name:      "panic drops the event (fail-closed)",
			hook:      func(*Event) *Event { panic("scrubber bug") },
			wantDrops: 1,
		},
		{
			name:     "panic sends the original with fail-open",
			hook:     func(*Event) *Event { panic("scrubber bug") },
			failOpen: true,
			wantSent: true,
		},
		{
			name: "fail-open sends the original unmodified after a partial edit",
			hook: func(ev *Event) *Event {
				delete(ev.Tags, "internal")
				ev.Metadata["order"] = "edited"
				panic("scrubber bug")
			},
			failOpen: true,
			wantSent: true,
			checkEvent: func(t *testing.T, ev map[string]any) {
				require.EqualValues(t, "x", tagsOf(ev)["internal"], "tags %v, metadata %v: not the original", tagsOf(ev), metadataOf(ev))
				assert.EqualValues(t, "42", fmt.Sprint(metadataOf(ev)["order"]), "tags %v, metadata %v: not the original", tagsOf(ev), metadataOf(ev))
			},
		},
		{
			name: "sees frames and exception class",
			hook: func(ev *Event) *Event {
				if ev.Exception == nil || ev.Exception.Class != "*errsight.testError" || len(ev.Exception.Frames) == 0 {
					panic(fmt.Sprintf("BeforeSend saw an unbuilt event: %+v", ev.Exception))
				}
				ev.Tags["seen"] = ev.Exception.Frames[0].Function
				return ev
			},
			wantSent: true,
			checkEvent: func(t *testing.T, ev map[string]any) {
				assert.NotNil(t, tagsOf(ev)["seen"], "hook tag")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, Options{BeforeSend: tt.hook, BeforeSendFailOpen: tt.failOpen})
			h := NewHub(c, nil)
			h.Scope().SetTags(map[string]string{"internal": "x", "kept": "yes"})
			h.Scope().SetMetadata("credit_card", "4111 1111 1111 1111")
			h.Scope().SetMetadata("order", 42)
			id := h.CaptureError(&testError{"boom"})
			events := flushed(t, c, rec)
			require.Equal(t, tt.wantSent, (len(events) == 1), "sent %d events, want sent=%v", len(events), tt.wantSent)
			// BeforeSend runs on the worker: the capture returns the id
			// it queued, whatever the hook decides later.
			assert.NotEmpty(t, id, "no id returned for a queued event")
			assert.Equal(t, tt.wantDrops, c.Stats().Dropped.BeforeSend)
			if tt.checkEvent != nil && len(events) == 1 {
				tt.checkEvent(t, events[0])
			}
		})
	}
}

type testError struct{ msg string }

func (e *testError) Error() string { return e.msg }

type panickyError struct{}

func (panickyError) Error() string { panic("Error() exploded") }

func TestCaptureBasics(t *testing.T) {
	c, rec := newTestClient(t, Options{MinLevel: LevelWarning, Release: "r9", Environment: "qa"})
	h := NewHub(c, nil)

	var nilPtr *testError
	assert.Empty(t, h.CaptureError(nil), "nil error captured")
	assert.Empty(t, h.CaptureError(nilPtr), "typed nil error captured")
	assert.Empty(t, h.CaptureMessage("below", LevelInfo), "message below MinLevel captured")
	errID := h.CaptureError(fmt.Errorf("outer: %w", &testError{"inner"}))
	warnID := h.CaptureErrorAtLevel(errors.New("soft"), LevelWarning)
	msgID := h.CaptureMessage("hello", LevelFatal)
	evID := h.CaptureEvent(&Event{Message: "custom", Level: LevelError, Tags: map[string]string{"t": "1"}})
	panicID := h.CaptureError(panickyError{})

	events := flushed(t, c, rec)
	byID := map[string]map[string]any{}
	for _, ev := range events {
		byID[ev["ingestion_id"].(string)] = ev
	}
	require.Len(t, byID, 5, "got %d distinct events, want 5", len(byID))
	check := func(id EventID, level, msg string) map[string]any {
		t.Helper()
		ev := byID[string(id)]
		require.NotNil(t, ev, "event %q not received", id)
		require.Equal(t, level, ev["level"], "event = level %v message %v release %v env %v; want %s %q", ev["level"], ev["message"], ev["release"], ev["environment"], level, msg)
		require.Equal(t, msg, ev["message"], "event = level %v message %v release %v env %v; want %s %q", ev["level"], ev["message"], ev["release"], ev["environment"], level, msg)
		require.EqualValues(t, "r9", ev["release"], "event = level %v message %v release %v env %v; want %s %q", ev["level"], ev["message"], ev["release"], ev["environment"], level, msg)
		assert.EqualValues(t, "qa", ev["environment"], "event = level %v message %v release %v env %v; want %s %q", ev["level"], ev["message"], ev["release"], ev["environment"], level, msg)
		_, err := time.Parse("2006-01-02T15:04:05.000Z", ev["occurred_at"].(string))
		assert.NoError(t, err, "occurred_at %v", ev["occurred_at"])
		return ev
	}
	ev := check(errID, "error", "outer: inner")
	md := metadataOf(ev)
	require.EqualValues(t, "*errsight.testError", md["exception_class"], "exception data = %v", md)
	assert.NotNil(t, md["exception_frames"], "exception data = %v", md)
	check(warnID, "warning", "soft")
	check(msgID, "fatal", "hello")
	ev = check(evID, "error", "custom")
	assert.Equal(t, "1", tagsOf(ev)["t"], "CaptureEvent tags = %v", tagsOf(ev))
	ev = byID[string(panicID)]
	require.NotNil(t, ev, "panicking Error(): event %v", ev)
	assert.Contains(t, ev["message"].(string), "Error() exploded", "panicking Error(): event %v", ev)
}

func TestAttachStacktrace(t *testing.T) {
	c, rec := newTestClient(t, Options{AttachStacktrace: true})
	NewHub(c, nil).CaptureMessage("with stack", LevelError)
	events := flushed(t, c, rec)
	require.Len(t, events, 1, "message without its stack: %v", events)
	require.NotNil(t, metadataOf(events[0])["exception_frames"], "message without its stack: %v", events)
}

func TestDisabledClient(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Setenv(EnvAPIKey, "   ")
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	defer srv.Close()

	c, err := NewClient(Options{Host: srv.URL})
	require.NoError(t, err)
	require.False(t, c.Enabled(), "a blank key must disable the client")
	h := NewHub(c, nil)
	ctx := ContextWithHub(context.Background(), h)
	h.AddBreadcrumb(Breadcrumb{Message: "x"})
	for _, id := range []EventID{
		CaptureError(ctx, errors.New("x")),
		CaptureMessage(ctx, "x", LevelFatal),
		h.CaptureError(errors.New("x")),
		h.CaptureEvent(&Event{Message: "x"}),
	} {
		assert.Empty(t, id, "disabled client returned id %q", id)
	}
	assert.Zero(t, len(h.Scope().Breadcrumbs()), "a disabled client kept a breadcrumb")
	assert.NoError(t, c.Flush(context.Background()), "Flush")
	assert.NoError(t, c.Close(), "Close")
	assert.Zero(t, requests.Load(), "disabled client made %d requests", requests.Load())
	assert.Equal(t, (Stats{}), c.Stats(), "disabled client has stats %+v", c.Stats())
	var nilClient *Client
	require.False(t, nilClient.Enabled(), "nil client is not a no-op")
	require.Nil(t, nilClient.Close(), "nil client is not a no-op")
	assert.Nil(t, nilClient.Flush(context.Background()), "nil client is not a no-op")
}

func TestCloseIdempotentAndCapturesAfterClose(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	h := NewHub(c, nil)
	h.CaptureMessage("before", LevelError)
	err := c.Close()
	require.NoError(t, err, fmt.Sprint(err))
	require.NoError(t, c.Close(), "second Close")
	id := h.CaptureMessage("after", LevelError)
	assert.Empty(t, id, "capture after Close returned an id")
	got := len(rec.Events())
	assert.EqualValues(t, 1, got, "server got %d events, want 1", got)
	st := c.Stats()
	require.EqualValues(t, 1, st.Dropped.Closed, "stats %+v, want 1 sent and 1 dropped as closed", st)
	assert.EqualValues(t, 1, st.Sent, "stats %+v, want 1 sent and 1 dropped as closed", st)
}

func TestInitBindsGlobalHubAndReplaces(t *testing.T) {
	rec1, rec2 := &recorder{}, &recorder{}
	first, err := Init(Options{APIKey: testKey, Transport: rec1})
	require.NoError(t, err)
	require.Same(t, first, CurrentHub().Client(), "Init did not bind the global hub")
	CaptureMessage(context.Background(), "to first", LevelError)
	second, err := Init(Options{APIKey: testKey, Transport: rec2})
	require.NoError(t, err)
	defer func() { CurrentHub().BindClient(nil) }() // the global hub without a client again
	assert.Len(t, rec1.Events(), 1, "replacing a client must close (and drain) it: first got %d events", len(rec1.Events()))
	CaptureMessage(context.Background(), "to second", LevelError)
	require.NoError(t, Flush(context.Background()), "Flush")
	assert.Len(t, rec2.Events(), 1, "second client got %d events", len(rec2.Events()))
	require.NoError(t, Close(), "Close")
	if second.Enabled() {
		assert.Empty(t, CaptureMessage(context.Background(), "after close", LevelError), "capture on a closed global client returned an id")
	}
}

// TestAPIKeyNeverInDiagnostics runs a failing client with Debug on against
// a server that rejects, errors and redirects, and scans everything the SDK
// printed for the key.
func TestAPIKeyNeverInDiagnostics(t *testing.T) {
	var n atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A handler goroutine: assert, never require (FailNow).
		assert.Failf(t, "redirect followed", "to %s with headers %v", r.URL, r.Header)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch n.Add(1) {
		case 1:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":"Invalid or missing API key %s"}`, r.Header.Get("X-API-Key"))
		case 2:
			http.Redirect(w, r, other.URL+"/steal?key="+r.Header.Get("X-API-Key"), http.StatusTemporaryRedirect)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"bad %s"}`, r.Header.Get("X-API-Key"))
		}
	}))
	defer srv.Close()

	var out bytes.Buffer
	w := &lockedWriter{w: &out}
	c, err := NewClient(Options{APIKey: testKey, Host: srv.URL, Debug: true, DebugWriter: w, BatchSize: 1, ShutdownTimeout: 2 * time.Second})
	require.NoError(t, err)
	h := NewHub(c, nil)
	for i := range 3 {
		h.CaptureError(fmt.Errorf("failure %d with key %s", i, "not-the-key"))
		_ = c.Flush(context.Background())
	}
	closeErr := c.Close()
	all := w.String()
	if closeErr != nil {
		all += closeErr.Error()
	}
	require.NotContains(t, all, testKey, "the API key appears in the diagnostics:\n%s", all)
	require.NotContains(t, all, testKey[4:], "the API key appears in the diagnostics:\n%s", all)
	require.Contains(t, all, "errsight: ", "no diagnostics were printed at all; the test proves nothing:\n%s", all)
	st := c.Stats()
	assert.EqualValues(t, 3, st.Dropped.Rejected+st.Dropped.APIKey, "stats %+v, want 3 rejected", st)
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
