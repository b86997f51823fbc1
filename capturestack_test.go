package errsight

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewCaptureWithStack checks that every record size holds its stack
// exactly, with no room beyond it for an append to write into.
func TestNewCaptureWithStack(t *testing.T) {
	for _, n := range []int{0, 1, 8, 9, 16, 17, 20, 24, 25, 32, 33, 48, 49, 64, 65, 200} {
		pcs := make([]uintptr, n)
		for i := range pcs {
			pcs[i] = uintptr(i + 1)
		}
		r := newCaptureWithStack(pcs)
		want := min(n, stackDepth)
		if want == 0 {
			assert.Nil(t, r.pcs, "n=%d", n)
			continue
		}
		assert.Equal(t, pcs[:want], r.pcs, "n=%d", n)
		assert.Equal(t, want, cap(r.pcs), "n=%d: room beyond the stack", n)
	}
}

// TestCaptureStackStartsAtCallSite checks, for every capture function that
// records a stack, that the stack's first frame is the line of the user's
// call: the functions record it themselves, each with its own skip.
func TestCaptureStackStartsAtCallSite(t *testing.T) {
	type site struct {
		fn   string
		line int
	}
	var mu sync.Mutex
	var got site
	c, _ := newTestClient(t, Options{AttachStacktrace: true, BeforeSend: func(ev *Event) *Event {
		mu.Lock()
		defer mu.Unlock()
		if ev.Exception != nil && len(ev.Exception.Frames) > 0 {
			got = site{ev.Exception.Frames[0].Function, ev.Exception.Frames[0].Lineno}
		} else {
			got = site{}
		}
		return ev
	}})
	h := NewHub(c, nil)
	ctx := ContextWithHub(context.Background(), h)
	err := errBase
	here := func() site {
		pc, _, line, _ := runtime.Caller(1)
		fn := runtime.FuncForPC(pc).Name()
		return site{fn[len("github.com/errsight/errsight-go."):], line}
	}
	tests := []struct {
		name    string
		capture func() site // captures, and returns the site of its call
	}{
		{"CaptureError", func() site { CaptureError(ctx, err); return here() }},
		{"CaptureErrorAtLevel", func() site { CaptureErrorAtLevel(ctx, err, LevelWarning); return here() }},
		{"Hub.CaptureError", func() site { h.CaptureError(err); return here() }},
		{"Hub.CaptureErrorAtLevel", func() site { h.CaptureErrorAtLevel(err, LevelWarning); return here() }},
		{"Hub.CaptureErrorContext", func() site { h.CaptureErrorContext(ctx, err); return here() }},
		{"CaptureMessage", func() site { CaptureMessage(ctx, "m", LevelError); return here() }},
		{"Hub.CaptureMessage", func() site { h.CaptureMessage("m", LevelError); return here() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.capture()
			require.NoError(t, c.Flush(context.Background()))
			mu.Lock()
			defer mu.Unlock()
			// The symboliser names closures without their number.
			assert.Equal(t, want.line, got.line, "first frame %+v, want the call at line %d", got, want.line)
			assert.Contains(t, want.fn, got.fn)
			assert.NotEmpty(t, got.fn)
		})
	}
}

// TestCaptureRecordSize keeps a message's record in the 176-byte size
// class: every byte of it is allocated on the capturing goroutine.
func TestCaptureRecordSize(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(capture{}), uintptr(176))
}
