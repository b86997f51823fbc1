package errsight

import (
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

// isolationCases are, per field BeforeSend can reach, a scope holding a
// secret there, a scrubber editing the field in place the way real
// scrubbers do, and a check that the scope kept its own data.
var isolationCases = []struct {
	name   string
	setup  func(s *Scope)
	scrub  func(ev *Event)
	secret string
	intact func(t *testing.T, s *Scope)
}{
	{"tags", func(s *Scope) { s.SetTags(map[string]string{"token": "t-tag", "kept": "k"}) },
		func(ev *Event) { delete(ev.Tags, "token"); ev.Tags["scrubbed"] = "yes" }, "t-tag",
		func(t *testing.T, s *Scope) {
			assert.Equal(t, map[string]string{"token": "t-tag", "kept": "k"}, s.Tags())
		}},
	{"metadata at depth", func(s *Scope) {
		s.SetMetadata("nested", map[string]any{"token": "t-md", "deeper": []any{map[string]any{"token": "t-md"}}})
	}, func(ev *Event) {
		n := ev.Metadata["nested"].(map[string]any)
		delete(n, "token")
		delete(n["deeper"].([]any)[0].(map[string]any), "token")
		n["seen"] = true
	}, "t-md", func(t *testing.T, s *Scope) {
		assert.Equal(t, map[string]any{"token": "t-md", "deeper": []any{map[string]any{"token": "t-md"}}}, s.Metadata()["nested"])
	}},
	{"request data in a struct", func(s *Scope) {
		s.SetMetadata("request", requestLike{URL: "https://example.com/", Headers: map[string]string{"Authorization": "t-req"}})
	}, func(ev *Event) {
		rd := ev.Metadata["request"].(requestLike)
		delete(rd.Headers, "Authorization")
		rd.Headers["X-Scrubbed"] = "yes"
	}, "t-req", func(t *testing.T, s *Scope) {
		assert.Equal(t, map[string]string{"Authorization": "t-req"}, s.Metadata()["request"].(requestLike).Headers)
	}},
	{"user", func(s *Scope) { s.SetUser(User{ID: "u", Email: "t-user@example.com"}) },
		func(ev *Event) { ev.User.Email = "" }, "t-user",
		func(t *testing.T, s *Scope) { assert.Equal(t, "t-user@example.com", s.User().Email) }},
	{"breadcrumb data", func(s *Scope) {
		for i := range 3 {
			s.AddBreadcrumb(Breadcrumb{Message: fmt.Sprint("crumb ", i), Data: map[string]any{"token": "t-crumb", "url": "https://example.com/?token=t-crumb"}})
		}
	}, func(ev *Event) {
		for i := range ev.Breadcrumbs {
			delete(ev.Breadcrumbs[i].Data, "token")
			ev.Breadcrumbs[i].Data["url"] = "https://example.com/?token=[scrubbed]"
		}
	}, "t-crumb", func(t *testing.T, s *Scope) {
		for _, b := range s.Breadcrumbs() {
			assert.Equal(t, "t-crumb", b.Data["token"])
		}
	}},
	{"breadcrumbs slice", func(s *Scope) {
		s.AddBreadcrumb(Breadcrumb{Message: "t-slice"})
		s.AddBreadcrumb(Breadcrumb{Message: "kept"})
	}, func(ev *Event) {
		ev.Breadcrumbs[0].Message = "scrubbed"
		ev.Breadcrumbs = append(ev.Breadcrumbs[:0], ev.Breadcrumbs[1:]...)
	}, "t-slice", func(t *testing.T, s *Scope) {
		crumbs := s.Breadcrumbs()
		require.Len(t, crumbs, 2)
		assert.Equal(t, "t-slice", crumbs[0].Message)
	}},
	{"fingerprint", func(s *Scope) { s.SetFingerprint([]string{"t-fp", "a"}) },
		func(ev *Event) { ev.Fingerprint[0] = "scrubbed" }, "t-fp",
		func(t *testing.T, s *Scope) { assert.Equal(t, []string{"t-fp", "a"}, s.Fingerprint()) }},
	{"exception frames", func(*Scope) {},
		func(ev *Event) {
			if ex := ev.Exception; ex != nil && len(ex.Frames) > 0 {
				ex.Frames[0].Function = "scrubbed"
				ex.Frames[0].PreContext = nil
			}
		}, "", func(*testing.T, *Scope) {}},
}

// TestBeforeSendMutationIsolated: for each field, a scrubber that edits it
// in place while 8 goroutines capture through two clients sharing one
// scope, and another goroutine reads the scope. Before the fix the maps
// were shared by the scope, every event and the encoder: "fatal error:
// concurrent map writes" within milliseconds (hence the child process),
// and scrubs that leaked back into the scope. Each field must be scrubbed
// in what is sent and intact in the scope.
func TestBeforeSendMutationIsolated(t *testing.T) {
	for _, tt := range isolationCases {
		t.Run(tt.name, func(t *testing.T) {
			childtest.Run(t, func(t *testing.T) {
				scope := NewScope()
				tt.setup(scope)
				scrub := func(ev *Event) *Event { tt.scrub(ev); return ev }
				var clients []*Client
				var recs []*recorder
				for range 2 {
					c, rec := newTestClient(t, Options{BeforeSend: scrub, SpikeLimit: -1, MaxQueueSize: 10000})
					clients, recs = append(clients, c), append(recs, rec)
				}
				const goroutines, each = 8, 40
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
				var reader sync.WaitGroup
				reader.Add(1)
				go func() { // reads what the scope shares with the events
					defer reader.Done()
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
						_ = fmt.Sprint(scope.Tags(), scope.Fingerprint(), scope.User())
					}
				}()
				wg.Wait()
				var sent []map[string]any
				for i, c := range clients {
					sent = append(sent, flushed(t, c, recs[i])...)
				}
				close(stop)
				reader.Wait()

				require.Len(t, sent, goroutines*each)
				for _, ev := range sent {
					raw, _ := json.Marshal(ev)
					if tt.secret != "" {
						require.NotContains(t, string(raw), tt.secret, "secret sent")
					}
				}
				tt.intact(t, scope)
			})
		})
	}
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
	if assert.NotEqual(t, capturerID, hookRanOn, "BeforeSend ran on the capturing goroutine") {
		<-captured // the capture returned although BeforeSend is still blocked
	}
	close(release)
	events := flushed(t, c, rec)
	require.Len(t, events, 1)
	assert.NotEmpty(t, events[0]["backtrace"], "the event was built, on the worker")
}
