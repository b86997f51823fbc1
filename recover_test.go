package errsight

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panicsWith runs f and returns the value it panicked with: Recover must
// re-panic, so the value reaching this outer recover is Recover's.
func panicsWith(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

//go:noinline
func panicString() { panic("boom") }

//go:noinline
func panicIndex(i int) int {
	s := []int{1, 2, 3}
	return s[i]
}

type node struct{ next *node }

//go:noinline
func panicNil(n *node) *node { return n.next }

//go:noinline
func panicError() {
	panic(fmt.Errorf("loading config: %w", &fs.PathError{Op: "open", Path: "/etc/app.yaml", Err: fs.ErrNotExist}))
}

func exceptionOf(t *testing.T, ev map[string]any) (class string, frames []any) {
	t.Helper()
	md := metadataOf(ev)
	class, _ = md["exception_class"].(string)
	frames, _ = md["exception_frames"].([]any)
	return class, frames
}

func frameFunction(f any) string {
	m, _ := f.(map[string]any)
	s, _ := m["function"].(string)
	return s
}

func TestRecover(t *testing.T) {
	tests := []struct {
		name    string
		panic   func()
		message string
		class   string
		first   string // the first frame: the function that panicked
		causes  int
	}{
		{"string", panicString, "panic: boom", "panic", "panicString", 0},
		{"index out of range", func() { panicIndex(5) }, "panic: runtime error: index out of range [5] with length 3", "runtime.Error", "panicIndex", 0},
		{"nil dereference", func() { panicNil(nil) }, "panic: runtime error: invalid memory address or nil pointer dereference", "runtime.Error", "panicNil", 0},
		{"error", panicError, "panic: loading config: open /etc/app.yaml: file does not exist", "*fs.PathError", "panicError", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := newTestClient(t, Options{})
			ctx := ContextWithHub(context.Background(), NewHub(c, nil))
			got := panicsWith(func() {
				defer Recover(ctx)
				tt.panic()
			})
			require.Equal(t, tt.message, "panic: "+fmt.Sprint(got), "re-panicked with %v, want the original value", got)
			evs := rec.Events() // Recover flushed before re-panicking
			require.Len(t, evs, 1, "%d events", len(evs))
			ev := evs[0]
			class, frames := exceptionOf(t, ev)
			require.EqualValues(t, "fatal", ev["level"], "level, message, class = %v, %q, %q; want fatal, %q, %q", ev["level"], ev["message"], class, tt.message, tt.class)
			require.Equal(t, tt.message, ev["message"], "level, message, class = %v, %q, %q; want fatal, %q, %q", ev["level"], ev["message"], class, tt.message, tt.class)
			assert.Equal(t, tt.class, class, "level, message, class = %v, %q, %q; want fatal, %q, %q", ev["level"], ev["message"], class, tt.message, tt.class)
			require.NotEmpty(t, frames, "frames: want %s first", tt.first)
			if assert.Equal(t, tt.first, frameFunction(frames[0]), "frames %v: want %s first", frames, tt.first) {
				f := frames[0].(map[string]any)
				assert.Equal(t, true, f["in_app"], "first frame %v: want in-app with source context", f)
				assert.NotNil(t, f["context_line"], "first frame %v: want in-app with source context", f)
			}
			causes, _ := metadataOf(ev)["exception_causes"].([]any)
			assert.Len(t, causes, tt.causes)
		})
	}
}

func TestRecoverDoesNotReport(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	disabled := ContextWithHub(context.Background(), NewHub(nil, nil))
	tests := []struct {
		name  string
		ctx   context.Context
		value any
	}{
		{"http.ErrAbortHandler", ctx, http.ErrAbortHandler},
		{"wrapped http.ErrAbortHandler", ctx, fmt.Errorf("abort: %w", http.ErrAbortHandler)},
		{"disabled client", disabled, "boom"},
		{"nil context, disabled global hub", nil, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := panicsWith(func() {
				defer Recover(tt.ctx)
				panic(tt.value)
			})
			assert.Equal(t, tt.value, got, "re-panicked with %v, want %v", got, tt.value)
			n := len(flushed(t, c, rec))
			assert.Zero(t, n, "%d events", n)
		})
	}
	t.Run("no panic", func(t *testing.T) {
		got := panicsWith(func() { defer Recover(ctx) })
		assert.Nil(t, got, "panicked with %v", got)
	})
	t.Run("not called by the deferred function itself", func(t *testing.T) {
		// recover only works in the deferred function itself: Recover
		// called one level down sees no panic, and the panic goes on.
		got := panicsWith(func() {
			defer func() { Recover(ctx) }()
			panic("boom")
		})
		require.EqualValues(t, "boom", got, "got %v, %d events", got, len(rec.Events()))
		assert.Zero(t, len(flushed(t, c, rec)), "got %v, %d events", got, len(rec.Events()))
	})
}

func TestRecoverNilContext(t *testing.T) {
	old := globalHub.Client()
	t.Cleanup(func() { globalHub.BindClient(old) })
	c, rec := newTestClient(t, Options{})
	globalHub.BindClient(c)
	got := panicsWith(func() {
		//lint:ignore SA1012 a nil context on purpose
		defer Recover(nil)
		panic("boom")
	})
	require.EqualValues(t, "boom", got, "re-panicked with %v, %d events", got, len(rec.Events()))
	assert.Len(t, rec.Events(), 1, "re-panicked with %v, %d events", got, len(rec.Events()))
}

// TestRecoverReportFails checks that a failure inside the report never
// replaces the program's own panic. A Hub built as a zero value has no
// scope, and capturing on it fails.
func TestRecoverReportFails(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	h := &Hub{}
	h.BindClient(c)
	ctx := ContextWithHub(context.Background(), h)
	got := panicsWith(func() {
		defer Recover(ctx)
		panic("original")
	})
	assert.EqualValues(t, "original", got, "re-panicked with %v, want the original value", got)
	n := len(flushed(t, c, rec))
	assert.Zero(t, n, "%d events", n)
}

// TestRecoverHostileError reports a panic value whose Unwrap panics:
// looking for http.ErrAbortHandler in it must not fail.
func TestRecoverHostileError(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	original := brokenUnwrap{}
	got := panicsWith(func() {
		defer Recover(ctx)
		panic(original)
	})
	assert.Equal(t, original, got, "re-panicked with %v, want the original value", got)
	evs := flushed(t, c, rec)
	require.Len(t, evs, 1, "events %v", evs)
	assert.EqualValues(t, "panic: broken", evs[0]["message"], "events %v", evs)
	assert.NotEmpty(t, NewHub(c, nil).Recover(original), "Hub.Recover did not report it")
}

// brokenUnwrap's Unwrap method panics.
type brokenUnwrap struct{}

func (brokenUnwrap) Error() string { return "broken" }
func (brokenUnwrap) Unwrap() error { panic("Unwrap failed") }

func TestHubRecover(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	h := NewHub(c, nil)
	var id EventID
	func() {
		defer func() { id = h.Recover(recover()) }()
		panicString()
	}()
	evs := flushed(t, c, rec)
	require.NotEmpty(t, id, "id %q, events %v", id, evs)
	require.Len(t, evs, 1, "id %q, events %v", id, evs)
	require.Equal(t, string(id), evs[0]["ingestion_id"], "id %q, events %v", id, evs)
	_, frames := exceptionOf(t, evs[0])
	require.NotZero(t, len(frames), "frames %v", frames)
	assert.EqualValues(t, "panicString", frameFunction(frames[0]), "frames %v", frames)
	require.Empty(t, h.Recover(nil), "nil or http.ErrAbortHandler reported")
	assert.Empty(t, h.Recover(http.ErrAbortHandler), "nil or http.ErrAbortHandler reported")
}

func TestGo(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	ConfigureScope(ctx, func(s *Scope) { s.SetTag("request", "r-1") })
	done := make(chan struct{})
	Go(ctx, func(ctx context.Context) {
		defer close(done)
		ConfigureScope(ctx, func(s *Scope) { s.SetTag("job", "reindex") })
		CaptureError(ctx, errors.New("reindex failed"))
	})
	<-done
	evs := flushed(t, c, rec)
	require.Len(t, evs, 1, "%d events", len(evs))
	tags := tagsOf(evs[0])
	require.EqualValues(t, "r-1", tags["request"], "tags = %v: want the parent's and the goroutine's", tags)
	assert.EqualValues(t, "reindex", tags["job"], "tags = %v: want the parent's and the goroutine's", tags)
	_, leaked := HubFromContext(ctx).Scope().Tags()["job"]
	assert.False(t, leaked, "the goroutine's tag leaked into the parent's scope")
	defer func() {
		r := recover()
		require.NotNil(t, r, "Go(nil) panicked with %v", r)
		assert.True(t, strings.HasPrefix(fmt.Sprint(r), "errsight: "), "Go(nil) panicked with %v", r)
	}()
	Go(ctx, nil)
}
