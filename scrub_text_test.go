package errsight

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failedGet returns the error of a real http.Get whose URL carries a token
// and credentials: the *url.Error's text quotes the URL.
func failedGet(t *testing.T) error {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close() // connection refused, at once and without a network
	resp, err := http.Get("http://bob:hunter2@" + addr + "/v1?token=abc123&q=x")
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err)
	require.Contains(t, err.Error(), "abc123", "the test needs the token in the error's text")
	return err
}

// TestSentTextIsScrubbed is end to end: whatever carries the text of an
// error or a log line with a URL — the message, the causes, breadcrumbs,
// metadata, an event BeforeSend returns, an event shrunk to fit — the
// token and the password appear nowhere in what the server receives.
func TestSentTextIsScrubbed(t *testing.T) {
	// Joined at run time: the source context sent with each event holds
	// lines of this file, where they must not appear but in URLs.
	token, password := "abc"+"123", "hunter"+"2"
	err := failedGet(t)
	wrapped := fmt.Errorf("sync orders: %w", err)
	line := "GET https://api.example.com/v1?access_token=" + token + " failed"
	tests := []struct {
		name    string
		opts    Options
		capture func(h *Hub)
	}{
		{"CaptureError", Options{}, func(h *Hub) { h.CaptureError(wrapped) }},
		{"URL written in the source that failed", Options{}, func(h *Hub) {
			_ = "https://bob:hunter2@api.example.com/v1?token=abc123" // in the context lines
			h.CaptureError(wrapped)
		}},
		{"credentials cut off by the trim at capture", Options{}, func(h *Hub) {
			// The message is trimmed to the server's 10,000 characters
			// before it is queued, here between the password and its "@".
			h.CaptureMessage(strings.Repeat("x", 9960)+" https://bob:"+password+strings.Repeat("-", 40)+"@h/?token="+token, LevelError)
		}},
		{"CaptureMessage", Options{}, func(h *Hub) { h.CaptureMessage(line, LevelError) }},
		{"breadcrumb message and url", Options{}, func(h *Hub) {
			h.AddBreadcrumb(Breadcrumb{Category: "log", Message: err.Error(),
				Data: map[string]any{"url": "https://u:" + password + "@h/?sig=" + token}})
			h.CaptureMessage("after the crumb", LevelError)
		}},
		{"metadata at any depth", Options{}, func(h *Hub) {
			h.CaptureEvent(&Event{Level: LevelError, Message: "m", Metadata: map[string]any{
				"err": err.Error(), "attrs": map[string]any{"err": []any{err.Error()}}}})
		}},
		{"tag and context values", Options{}, func(h *Hub) {
			h.Scope().SetTag("upstream", "wss://bob:"+password+"@h/")
			h.CaptureEvent(&Event{Level: LevelError, Message: "m", Contexts: map[string]string{"upstream": "https://h/?key=" + token}})
		}},
		{"event returned by BeforeSend", Options{BeforeSend: func(ev *Event) *Event {
			return &Event{Level: LevelError, Message: line, Exception: ev.Exception}
		}}, func(h *Hub) { h.CaptureError(wrapped) }},
		{"event shrunk to fit", Options{BeforeSend: func(ev *Event) *Event {
			ev.Metadata = map[string]any{}
			for i := range 40 {
				ev.Metadata[fmt.Sprint("blob", i)] = strings.Repeat("x", 60_000)
			}
			return ev
		}}, func(h *Hub) { h.CaptureError(wrapped) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := serverClient(t, srv, tt.opts)
			tt.capture(NewHub(c, nil))
			require.NoError(t, c.Flush(context.Background()))
			require.Len(t, srv.Events(), 1)
			for _, r := range srv.Requests() {
				assert.False(t, bytes.Contains(r.Body, []byte(token)), "token sent: %.2000s", r.Body)
				assert.False(t, bytes.Contains(r.Body, []byte(password)), "password sent: %.2000s", r.Body)
				assert.True(t, bytes.Contains(r.Body, []byte("[Filtered]")), "%.2000s", r.Body)
			}
		})
	}
}

// TestSentTextScrubbedKeepsTheRest checks what the server receives for a
// failed request: the URL without its secrets, the rest as it was.
func TestSentTextScrubbedKeepsTheRest(t *testing.T) {
	srv := newServer(t)
	c := serverClient(t, srv, Options{})
	err := failedGet(t)
	NewHub(c, nil).CaptureError(fmt.Errorf("sync orders: %w", err))
	require.NoError(t, c.Flush(context.Background()))
	evs := srv.Events()
	require.Len(t, evs, 1)
	msg := evs[0].Message
	assert.Contains(t, msg, `sync orders: Get "http://127.0.0.1:`)
	assert.Contains(t, msg, `/v1?token=[Filtered]&q=x": dial tcp`)
	causes := evs[0].ExceptionCauses()
	require.NotEmpty(t, causes)
	for _, cs := range causes {
		assert.NotContains(t, cs.Message, "abc123")
	}
}

// TestGroupingReadsTheScrubbedMessage: the spike guard keys an event as
// the server will, on the message as sent, so two events that differ only
// in a token are one issue.
func TestGroupingReadsTheScrubbedMessage(t *testing.T) {
	a := groupParts("E", Frame{}, "GET https://h/v1?token=a1b2c3 failed", nil)
	b := groupParts("E", Frame{}, "GET https://h/v1?token=[Filtered] failed", nil)
	assert.Equal(t, b, a)
}

// TestScrubbingTextWithoutURLsDoesNotAllocate: the encoder scrubs every
// message, cause, breadcrumb and source line, so a text without "://" must
// cost it nothing but the search.
func TestScrubbingTextWithoutURLsDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	now := time.Now()
	crumbs := []Breadcrumb{{Timestamp: now, Message: "cache miss for key 42"}, {Timestamp: now, Message: `Get "https://h/v1?page=2": EOF`}}
	causes := []Cause{{Class: "*net.OpError", Message: "dial tcp 10.0.0.1:443: connect: connection refused"}}
	frames := []Frame{{Filename: "a.go", Function: "f", PreContext: []string{"x := 1"}, ContextLine: "return err", PostContext: []string{"}"}}}
	b := make([]byte, 0, 4096)
	n := testing.AllocsPerRun(100, func() {
		b = appendBreadcrumbs(b[:0], crumbs)
		b = appendCauses(b, causes)
		b = appendFrames(b, frames)
	})
	assert.Zero(t, n)
}
