package errsight

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
				if _, ok := tagsOf(ev)["internal"]; ok {
					t.Error("tag internal was sent")
				}
				if _, ok := metadataOf(ev)["credit_card"]; ok {
					t.Error("metadata credit_card was sent")
				}
				if tagsOf(ev)["kept"] != "yes" || metadataOf(ev)["order"] == nil {
					t.Error("scrubbing removed more than asked")
				}
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
				if tagsOf(ev)["internal"] != "x" || fmt.Sprint(metadataOf(ev)["order"]) != "42" {
					t.Errorf("tags %v, metadata %v: not the original", tagsOf(ev), metadataOf(ev))
				}
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
				if tagsOf(ev)["seen"] != "TestBeforeSend.func6" && tagsOf(ev)["seen"] == nil {
					t.Errorf("hook tag = %v", tagsOf(ev)["seen"])
				}
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
			if tt.wantSent != (len(events) == 1) {
				t.Fatalf("sent %d events, want sent=%v", len(events), tt.wantSent)
			}
			// BeforeSend runs on the worker: the capture returns the id
			// it queued, whatever the hook decides later.
			if id == "" {
				t.Error("no id returned for a queued event")
			}
			if got := c.Stats().Dropped.BeforeSend; got != tt.wantDrops {
				t.Errorf("Stats().Dropped.BeforeSend = %d, want %d", got, tt.wantDrops)
			}
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
	if id := h.CaptureError(nil); id != "" {
		t.Error("nil error captured")
	}
	if id := h.CaptureError(nilPtr); id != "" {
		t.Error("typed nil error captured")
	}
	if id := h.CaptureMessage("below", LevelInfo); id != "" {
		t.Error("message below MinLevel captured")
	}
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
	if len(byID) != 5 {
		t.Fatalf("got %d distinct events, want 5", len(byID))
	}
	check := func(id EventID, level, msg string) map[string]any {
		t.Helper()
		ev := byID[string(id)]
		if ev == nil {
			t.Fatalf("event %q not received", id)
		}
		if ev["level"] != level || ev["message"] != msg || ev["release"] != "r9" || ev["environment"] != "qa" {
			t.Errorf("event = level %v message %v release %v env %v; want %s %q", ev["level"], ev["message"], ev["release"], ev["environment"], level, msg)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", ev["occurred_at"].(string)); err != nil {
			t.Errorf("occurred_at %v: %v", ev["occurred_at"], err)
		}
		return ev
	}
	ev := check(errID, "error", "outer: inner")
	if md := metadataOf(ev); md["exception_class"] != "*errsight.testError" || md["exception_frames"] == nil {
		t.Errorf("exception data = %v", md)
	}
	check(warnID, "warning", "soft")
	check(msgID, "fatal", "hello")
	if ev := check(evID, "error", "custom"); tagsOf(ev)["t"] != "1" {
		t.Errorf("CaptureEvent tags = %v", tagsOf(ev))
	}
	ev = byID[string(panicID)]
	if ev == nil || !strings.Contains(ev["message"].(string), "Error() exploded") {
		t.Errorf("panicking Error(): event %v", ev)
	}
}

func TestAttachStacktrace(t *testing.T) {
	c, rec := newTestClient(t, Options{AttachStacktrace: true})
	NewHub(c, nil).CaptureMessage("with stack", LevelError)
	events := flushed(t, c, rec)
	if len(events) != 1 || metadataOf(events[0])["exception_frames"] == nil {
		t.Fatalf("message without its stack: %v", events)
	}
}

func TestDisabledClient(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Setenv(EnvAPIKey, "   ")
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	defer srv.Close()

	c, err := NewClient(Options{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled() {
		t.Fatal("a blank key must disable the client")
	}
	h := NewHub(c, nil)
	ctx := ContextWithHub(context.Background(), h)
	h.AddBreadcrumb(Breadcrumb{Message: "x"})
	for _, id := range []EventID{
		CaptureError(ctx, errors.New("x")),
		CaptureMessage(ctx, "x", LevelFatal),
		h.CaptureError(errors.New("x")),
		h.CaptureEvent(&Event{Message: "x"}),
	} {
		if id != "" {
			t.Errorf("disabled client returned id %q", id)
		}
	}
	if len(h.Scope().Breadcrumbs()) != 0 {
		t.Error("a disabled client kept a breadcrumb")
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Error(err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if requests.Load() != 0 {
		t.Errorf("disabled client made %d requests", requests.Load())
	}
	if c.Stats() != (Stats{}) {
		t.Errorf("disabled client has stats %+v", c.Stats())
	}
	var nilClient *Client
	if nilClient.Enabled() || nilClient.Close() != nil || nilClient.Flush(context.Background()) != nil {
		t.Error("nil client is not a no-op")
	}
}

func TestCloseIdempotentAndCapturesAfterClose(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	h := NewHub(c, nil)
	h.CaptureMessage("before", LevelError)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if id := h.CaptureMessage("after", LevelError); id != "" {
		t.Error("capture after Close returned an id")
	}
	if got := len(rec.Events()); got != 1 {
		t.Errorf("server got %d events, want 1", got)
	}
	if st := c.Stats(); st.Dropped.Closed != 1 || st.Sent != 1 {
		t.Errorf("stats %+v, want 1 sent and 1 dropped as closed", st)
	}
}

func TestInitBindsGlobalHubAndReplaces(t *testing.T) {
	rec1, rec2 := &recorder{}, &recorder{}
	first, err := Init(Options{APIKey: testKey, Transport: rec1})
	if err != nil {
		t.Fatal(err)
	}
	if CurrentHub().Client() != first {
		t.Fatal("Init did not bind the global hub")
	}
	CaptureMessage(context.Background(), "to first", LevelError)
	second, err := Init(Options{APIKey: testKey, Transport: rec2})
	if err != nil {
		t.Fatal(err)
	}
	defer CurrentHub().BindClient(nil)
	if len(rec1.Events()) != 1 {
		t.Errorf("replacing a client must close (and drain) it: first got %d events", len(rec1.Events()))
	}
	CaptureMessage(context.Background(), "to second", LevelError)
	if err := Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec2.Events()) != 1 {
		t.Errorf("second client got %d events", len(rec2.Events()))
	}
	if err := Close(); err != nil {
		t.Fatal(err)
	}
	if second.Enabled() && CaptureMessage(context.Background(), "after close", LevelError) != "" {
		t.Error("capture on a closed global client returned an id")
	}
}

// TestAPIKeyNeverInDiagnostics runs a failing client with Debug on against
// a server that rejects, errors and redirects, and scans everything the SDK
// printed for the key.
func TestAPIKeyNeverInDiagnostics(t *testing.T) {
	var n atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("redirect followed to %s with headers %v", r.URL, r.Header)
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
	if err != nil {
		t.Fatal(err)
	}
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
	if strings.Contains(all, testKey) || strings.Contains(all, testKey[4:]) {
		t.Fatalf("the API key appears in the diagnostics:\n%s", all)
	}
	if !strings.Contains(all, "errsight: ") {
		t.Fatalf("no diagnostics were printed at all; the test proves nothing:\n%s", all)
	}
	if st := c.Stats(); st.Dropped.Rejected+st.Dropped.APIKey != 3 {
		t.Errorf("stats %+v, want 3 rejected", st)
	}
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
