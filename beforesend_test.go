package errsight

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/childtest"
)

// requestLike has the shape of errsighthttp.RequestData: a struct value in
// the metadata holding a map, which the middleware shares between every
// event of a request.
type requestLike struct {
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// scrubEverything edits every map and slice BeforeSend can reach, the way
// real scrubbers do, and leaves a mark so the test can see it ran.
func scrubEverything(ev *Event) *Event {
	delete(ev.Tags, "token")
	ev.Tags["scrubbed"] = "yes"
	delete(ev.Metadata, "token")
	if n, ok := ev.Metadata["nested"].(map[string]any); ok {
		delete(n, "token")
		n["seen"] = true
		if deep, ok := n["deeper"].([]any); ok && len(deep) > 0 {
			if m, ok := deep[0].(map[string]any); ok {
				delete(m, "token")
			}
		}
	}
	if rd, ok := ev.Metadata["request"].(requestLike); ok {
		delete(rd.Headers, "Authorization")
		rd.Headers["X-Scrubbed"] = "yes"
	}
	for i := range ev.Breadcrumbs {
		delete(ev.Breadcrumbs[i].Data, "token")
		ev.Breadcrumbs[i].Data["url"] = "https://example.com/[scrubbed]"
		ev.Breadcrumbs[i].Message = "scrubbed"
	}
	if len(ev.Breadcrumbs) > 0 {
		ev.Breadcrumbs = ev.Breadcrumbs[1:]
	}
	if len(ev.Fingerprint) > 0 {
		ev.Fingerprint[0] = "scrubbed"
	}
	ev.User.Email = ""
	for k := range ev.Contexts {
		ev.Contexts[k] = "scrubbed"
	}
	if ex := ev.Exception; ex != nil && len(ex.Frames) > 0 {
		ex.Frames[0].Function = "scrubbed"
	}
	return ev
}

// TestBeforeSendMutationIsolated: a scrubber that edits every map and slice
// of the event, while 8 goroutines capture through two clients sharing one
// scope and others read the scope. Before the fix the maps were shared by
// the scope, every event and the encoder: "fatal error: concurrent map
// writes" within milliseconds (hence the child process), and a scrub that
// leaked back into the scope. Every field must be scrubbed in what is sent
// and intact in the scope.
func TestBeforeSendMutationIsolated(t *testing.T) {
	childtest.Run(t, func(t *testing.T) {
		scope := NewScope()
		scope.SetTags(map[string]string{"token": "t-1", "kept": "k"})
		scope.SetMetadata("token", "t-2")
		scope.SetMetadata("nested", map[string]any{"token": "t-3", "deeper": []any{map[string]any{"token": "t-4"}}})
		scope.SetMetadata("request", requestLike{URL: "https://example.com/", Headers: map[string]string{"Authorization": "t-5"}})
		scope.SetUser(User{ID: "u", Email: "ann@example.com"})
		scope.SetFingerprint([]string{"group", "a"})
		for i := range 3 {
			scope.AddBreadcrumb(Breadcrumb{Message: fmt.Sprint("crumb ", i), Data: map[string]any{"token": "t-6", "url": "https://example.com/?token=t-6"}})
		}

		var clients []*Client
		var recs []*recorder
		for range 2 {
			c, rec := newTestClient(t, Options{BeforeSend: scrubEverything, SpikeLimit: -1, MaxQueueSize: 10000})
			clients, recs = append(clients, c), append(recs, rec)
		}
		const goroutines, each = 8, 50
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := NewHub(clients[g%2], scope.Clone())
				for i := range each {
					if i%2 == 0 {
						h.CaptureError(&testError{"boom"})
					} else {
						h.CaptureMessage("m", LevelError)
					}
				}
			}()
		}
		stop := make(chan struct{})
		var readers sync.WaitGroup
		readers.Add(1)
		go func() { // reads what the scope shares with the events
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, b := range scope.Breadcrumbs() {
					_ = fmt.Sprint(b.Data)
				}
				_, _ = json.Marshal(scope.Metadata())
				_ = fmt.Sprint(scope.Tags(), scope.Fingerprint())
			}
		}()
		wg.Wait()
		var sent []map[string]any
		for i, c := range clients {
			sent = append(sent, flushed(t, c, recs[i])...)
		}
		close(stop)
		readers.Wait()

		require.Len(t, sent, goroutines*each)
		for _, ev := range sent {
			raw, _ := json.Marshal(ev)
			for _, secret := range []string{"t-1", "t-2", "t-3", "t-4", "t-5", "t-6", "ann@example.com"} {
				if bytes.Contains(raw, []byte(secret)) {
					t.Fatalf("secret %s sent: %s", secret, raw)
				}
			}
			require.Contains(t, string(raw), "X-Scrubbed")
		}
		// Nothing leaked back into the scope.
		assert.Equal(t, map[string]string{"token": "t-1", "kept": "k"}, scope.Tags())
		md := scope.Metadata()
		assert.Equal(t, map[string]any{"token": "t-3", "deeper": []any{map[string]any{"token": "t-4"}}}, md["nested"])
		assert.Equal(t, map[string]string{"Authorization": "t-5"}, md["request"].(requestLike).Headers)
		assert.Equal(t, []string{"group", "a"}, scope.Fingerprint())
		assert.Equal(t, "ann@example.com", scope.User().Email)
		for _, b := range scope.Breadcrumbs() {
			assert.Equal(t, "t-6", b.Data["token"])
			assert.True(t, strings.HasPrefix(b.Message, "crumb "))
		}
	})
}

// TestBeforeSendReplacementGetsDefaults: an Event returned in place of the
// original went out with occurred_at in year 1 and no environment.
func TestBeforeSendReplacementGetsDefaults(t *testing.T) {
	c, rec := newTestClient(t, Options{
		Environment: "staging", Release: "app@2",
		BeforeSend: func(ev *Event) *Event {
			return &Event{Message: "replaced: " + ev.Message}
		},
	})
	before := time.Now()
	id := NewHub(c, nil).CaptureMessage("original", LevelError)
	events := flushed(t, c, rec)
	require.Len(t, events, 1)
	ev := events[0]
	assert.Equal(t, "replaced: original", ev["message"])
	assert.Equal(t, "staging", ev["environment"])
	assert.Equal(t, "app@2", ev["release"])
	assert.Equal(t, "info", ev["level"])
	assert.Equal(t, string(id), ev["ingestion_id"], "the id the capture returned")
	at, err := time.Parse(time.RFC3339, ev["occurred_at"].(string))
	require.NoError(t, err)
	assert.False(t, at.Before(before.Truncate(time.Millisecond)), "occurred_at %v", at)
}

// goroutineID is the current goroutine's id, from its stack header.
func goroutineID() string {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// TestCaptureDoesNoFileIO: with BeforeSend set, the capture used to build
// the event on the capturing goroutine, symbolising it and reading source
// files there (a FIFO at a frame's path froze CaptureError). Building and
// the hook now run on the worker: the capture returns while the hook is
// still blocked, and the hook runs on another goroutine.
func TestCaptureDoesNoFileIO(t *testing.T) {
	entered, release := make(chan string, 1), make(chan struct{})
	c, rec := newTestClient(t, Options{BeforeSend: func(ev *Event) *Event {
		entered <- goroutineID()
		<-release
		return ev
	}})
	capturer, captured := make(chan string, 1), make(chan struct{})
	go func() {
		capturer <- goroutineID()
		NewHub(c, nil).CaptureError(&testError{"boom"})
		close(captured)
	}()
	capturerID, hookRanOn := <-capturer, <-entered
	if capturerID == hookRanOn {
		t.Error("BeforeSend ran on the capturing goroutine")
	} else {
		<-captured // the capture returned although BeforeSend is still blocked
	}
	close(release)
	events := flushed(t, c, rec)
	require.Len(t, events, 1)
	assert.NotEmpty(t, events[0]["backtrace"], "the event was built, on the worker")
}
