package errsight

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSafe(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	errBad := errors.New("bad input")
	tests := []struct {
		name      string
		f         func(ctx context.Context) error
		wantErr   string
		wantEvent bool
		isErr     error
	}{
		{"returns nil", func(context.Context) error { return nil }, "", false, nil},
		{"returns an error: not captured", func(context.Context) error { return errBad }, "bad input", false, errBad},
		{"panics with a string", func(ctx context.Context) error {
			ConfigureScope(ctx, func(s *Scope) { s.SetTag("job", "j-1") })
			panicString()
			return nil
		}, "panic: boom", true, nil},
		{"panics with an error", func(context.Context) error { panic(fmt.Errorf("wrapped: %w", errBad)) }, "panic: wrapped: bad input", true, errBad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.Events())
			err := Safe(ctx, tt.f)
			if tt.wantErr == "" {
				require.NoError(t, err, "Safe")
			} else {
				require.EqualError(t, err, tt.wantErr, "Safe")
			}
			if tt.isErr != nil {
				assert.ErrorIs(t, err, tt.isErr)
			}
			evs := flushed(t, c, rec)[before:]
			if !tt.wantEvent {
				assert.Zero(t, len(evs), "%d events", len(evs))
				return
			}
			var pe *PanicError
			require.True(t, errors.As(err, &pe), "error %#v, events %v", err, evs)
			require.Len(t, evs, 1, "error %#v, events %v", err, evs)
			require.Equal(t, string(pe.EventID), evs[0]["ingestion_id"], "error %#v, events %v", err, evs)
			require.EqualValues(t, "fatal", evs[0]["level"], "error %#v, events %v", err, evs)
		})
	}
	// The panic's frame comes first, and the tag set inside f stayed on
	// its fork.
	evs := rec.Events()
	_, frames := exceptionOf(t, evs[0])
	require.NotZero(t, len(frames), "frames %v", frames)
	assert.EqualValues(t, "panicString", frameFunction(frames[0]), "frames %v", frames)
	assert.EqualValues(t, "j-1", tagsOf(evs[0])["job"], "tags %v", tagsOf(evs[0]))
	assert.NotContains(t, HubFromContext(ctx).Scope().Tags(), "job", "f's tag leaked into the caller's scope")
}

// TestSafeWorkerLoop is the use case: the loop reports the panicking job
// and goes on with the next.
func TestSafeWorkerLoop(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	var done []int
	for job := range 3 {
		err := Safe(ctx, func(context.Context) error {
			if job == 1 {
				panicIndex(job + 10) // a runtime error
			}
			done = append(done, job)
			return nil
		})
		assert.Equal(t, (job == 1), (err != nil), "job %d", job)
	}
	require.EqualValues(t, "[0 2]", fmt.Sprint(done), "done %v, %d events", done, len(rec.Events()))
	assert.Len(t, flushed(t, c, rec), 1, "done %v, %d events", done, len(rec.Events()))
}

func TestSafeEdges(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	got := panicsWith(func() { _ = Safe(ctx, func(context.Context) error { panic(http.ErrAbortHandler) }) })
	assert.Same(t, http.ErrAbortHandler, got, "http.ErrAbortHandler: re-panicked with %v", got)
	n := len(flushed(t, c, rec))
	assert.Zero(t, n, "http.ErrAbortHandler reported: %d events", n)
	// Disabled client: the panic is still stopped, without an event id.
	var pe *PanicError
	err := Safe(context.Background(), func(context.Context) error { panic("x") })
	require.True(t, errors.As(err, &pe), "disabled: %#v", err)
	assert.Empty(t, pe.EventID, "disabled: %#v", err)
	got = panicsWith(func() { _ = Safe(ctx, nil) })
	assert.True(t, strings.HasPrefix(fmt.Sprint(got), "errsight: "), "Safe(nil) panicked with %v", got)
}
