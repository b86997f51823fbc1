package errsight

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/errsight/errsight-go/errsighttest"
)

// blockingMarshaler is a metadata value whose MarshalJSON waits for
// release: user code that never returns, run on the worker.
type blockingMarshaler struct{ release <-chan struct{} }

func (m blockingMarshaler) MarshalJSON() ([]byte, error) {
	<-m.release
	return []byte(`"released"`), nil
}

// blockingCause is an error whose Error method waits for release; it is
// only reached through the chain of wrapping, which the worker walks.
type blockingCause struct{ release <-chan struct{} }

func (e blockingCause) Error() string {
	<-e.release
	return "released"
}

// wrapper has a message of its own, so the capturing goroutine never calls
// the cause's Error.
type wrapper struct{ cause error }

func (e wrapper) Error() string { return "request failed" }
func (e wrapper) Unwrap() error { return e.cause }

// TestCloseReturnsWhenWorkerStuck: Close and Flush return at their
// deadline whatever the worker is doing, here stuck in a user's method,
// with an error that counts what was left; the worker is leaked until the
// user's code returns.
func TestCloseReturnsWhenWorkerStuck(t *testing.T) {
	tests := []struct {
		name    string
		capture func(h *Hub, release <-chan struct{})
	}{
		{"MarshalJSON in metadata", func(h *Hub, release <-chan struct{}) {
			h.CaptureEvent(&Event{Level: LevelError, Message: "stuck", Metadata: map[string]any{"v": blockingMarshaler{release}}})
		}},
		{"Error of a cause", func(h *Hub, release <-chan struct{}) {
			h.CaptureError(wrapper{blockingCause{release}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := serverClient(t, srv, Options{ShutdownTimeout: 300 * time.Millisecond})
			h := NewHub(c, nil)
			release := make(chan struct{})
			tt.capture(h, release)
			h.CaptureMessage("behind the stuck one", LevelError)
			h.CaptureMessage("and another", LevelError)

			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			err := c.Flush(ctx)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			var de *DeliveryError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 3, de.Pending)
			assert.Contains(t, err.Error(), "errsight: Flush: 3 events not delivered")

			err = c.Close() // returns: the test would hang otherwise
			require.ErrorIs(t, err, ErrDeliveryStuck)
			require.ErrorIs(t, err, ErrShutdownTimeout)
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 3, de.Pending)
			assert.True(t, strings.HasPrefix(err.Error(), "errsight: Close: 3 events not delivered"), err.Error())
			assert.NoError(t, c.Flush(context.Background()), "Flush after Close returns at once")

			close(release) // the user's code returns at last: the worker counts and exits
			<-c.queue.Done()
			st := c.Stats()
			assert.Equal(t, 0, st.Pending)
			assert.Equal(t, uint64(3), st.Sent+st.Dropped.Closed)
		})
	}
}

// TestRejectedKeyIsHeard: a rejected key warns once per client even
// without Debug (never printing the key), Flush and Close say how many
// events it cost, matchable with ErrAPIKeyRejected.
func TestRejectedKeyIsHeard(t *testing.T) {
	srv := newServer(t)
	wrongKey := "elp_" + strings.Repeat("ab", 24)
	var out lockedWriter
	out.w = &bytes.Buffer{}
	c, err := NewClient(Options{Host: srv.URL, APIKey: wrongKey, DebugWriter: &out, BatchSize: 1})
	require.NoError(t, err)
	h := NewHub(c, nil)
	for range 3 {
		h.CaptureMessage("lost to a bad key", LevelError)
	}
	err = c.Flush(context.Background())
	require.ErrorIs(t, err, ErrAPIKeyRejected)
	err = c.Close()
	require.ErrorIs(t, err, ErrAPIKeyRejected)
	assert.Contains(t, err.Error(), "3 events not delivered: 3 refused because the server rejected the API key")
	assert.Equal(t, uint64(3), c.Stats().Dropped.APIKey)

	printed := out.String()
	assert.Equal(t, 1, strings.Count(printed, "warning: the server rejected the API key"), printed)
	assert.NotContains(t, printed+err.Error(), wrongKey)
}

// TestEveryDropHasADebugLine: under Debug, each way a capture can vanish
// says so, including captures below MinLevel and after Close (which are
// counted, also through the package-level functions).
func TestEveryDropHasADebugLine(t *testing.T) {
	var out lockedWriter
	out.w = &bytes.Buffer{}
	c, _ := newTestClient(t, Options{Debug: true, DebugWriter: &out, MinLevel: LevelError})
	h := NewHub(c, nil)
	ctx := ContextWithHub(context.Background(), h)
	CaptureMessage(ctx, "too low", LevelInfo)
	h.CaptureError(errors.New("kept"))
	require.NoError(t, c.Close())
	CaptureMessage(ctx, "after close", LevelError)
	h.CaptureMessage("after close too", LevelError)

	printed := out.String()
	for _, want := range []string{
		"client started: host https://errsight.com",
		"delivered a batch of 1 events",
		"dropped: below MinLevel (error)",
		"event dropped (closed): captured after Close",
	} {
		assert.Contains(t, printed, want)
	}
	assert.Equal(t, uint64(2), c.Stats().Dropped.Closed)
}

// TestCloseReleasesConnections: after Close nothing of the client's is
// left running, keep-alive connections included, though the server is
// still up.
func TestCloseReleasesConnections(t *testing.T) {
	srv := errsighttest.NewServer()
	defer srv.Close()
	before := goleak.IgnoreCurrent()
	c, err := NewClient(Options{Host: srv.URL, APIKey: srv.APIKey(), MinLevel: LevelDebug})
	require.NoError(t, err)
	NewHub(c, nil).CaptureMessage("one", LevelError)
	require.NoError(t, c.Flush(context.Background()))
	require.NoError(t, c.Close())
	goleak.VerifyNone(t, before)
}

// TestReInitForwardsForks: a hub forked before a second Init (a
// long-lived job, an errsight.Go goroutine) reports through the current
// client, not the closed one.
func TestReInitForwardsForks(t *testing.T) {
	defer func() { CurrentHub().BindClient(nil) }() // the global hub without a client again
	rec1, rec2 := &recorder{}, &recorder{}
	_, err := Init(Options{APIKey: testKey, Transport: rec1})
	require.NoError(t, err)
	job := WithScope(context.Background())
	ConfigureScope(job, func(s *Scope) { s.SetTag("job", "nightly") })
	goroutineSaw := make(chan struct{})
	goroutineGo := make(chan struct{})
	goroutineDone := make(chan struct{})
	Go(context.Background(), func(ctx context.Context) {
		defer close(goroutineDone)
		close(goroutineSaw)
		<-goroutineGo
		CaptureMessage(ctx, "from errsight.Go", LevelError)
	})
	<-goroutineSaw

	second, err := Init(Options{APIKey: testKey, Transport: rec2})
	require.NoError(t, err)
	assert.Same(t, second, HubFromContext(job).Client())
	CaptureMessage(job, "from the job", LevelError)
	close(goroutineGo)
	<-goroutineDone
	require.NoError(t, second.Flush(context.Background()))

	assert.Empty(t, rec1.Events())
	evs := rec2.Events()
	require.Len(t, evs, 2)
	assert.Equal(t, "nightly", tagsOf(evs[0])["job"], "the fork keeps its scope")
	assert.NoError(t, Close())
}

// TestOutOfWindowTimestampKept: the server replaces a timestamp older than
// 7 days or more than 1 hour ahead; the SDK keeps the original in metadata
// and says so under Debug.
func TestOutOfWindowTimestampKept(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name string
		ts   time.Time
		kept bool // the server keeps occurred_at as sent
	}{
		{"now", now, true},
		{"six days ago", now.Add(-6 * 24 * time.Hour), true},
		{"thirty days ago", now.Add(-30 * 24 * time.Hour), false},
		{"two hours ahead", now.Add(2 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			var out lockedWriter
			out.w = &bytes.Buffer{}
			c := serverClient(t, srv, Options{Debug: true, DebugWriter: &out})
			NewHub(c, nil).CaptureEvent(&Event{Level: LevelError, Message: "late", Timestamp: tt.ts})
			require.NoError(t, c.Flush(context.Background()))
			evs := srv.Events()
			require.Len(t, evs, 1)
			st := evs[0].Stored()
			orig, has := st.Metadata[keyOriginalTimestamp]
			if tt.kept {
				assert.WithinDuration(t, tt.ts, st.OccurredAt, time.Millisecond)
				assert.False(t, has, "metadata %v", st.Metadata)
				return
			}
			assert.WithinDuration(t, evs[0].Received, st.OccurredAt, time.Second, "the server replaces it")
			require.True(t, has, "the original must travel in metadata")
			got, err := time.Parse(time.RFC3339, orig.(string))
			require.NoError(t, err)
			assert.WithinDuration(t, tt.ts, got, time.Millisecond)
			assert.Contains(t, out.String(), "the original is kept in metadata")
		})
	}
}
