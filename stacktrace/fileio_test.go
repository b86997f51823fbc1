//go:build unix

package stacktrace

import (
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/childtest"
)

// TestSourceContextNeverBlocks puts what blocks a reader at a frame's file
// path and at a go.mod path. Each case runs in a child process: before the
// fix, opening the FIFO blocked forever, and the child's timeout fails it.
func TestSourceContextNeverBlocks(t *testing.T) {
	fifo := func(t *testing.T, name string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		return p
	}
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"FIFO as a source file", func(t *testing.T) {
			c := newSourceCache(1 << 20)
			pre, ctx, post := c.context(fifo(t, "main.go"), 3, 5)
			require.Nil(t, pre, "context from a FIFO: %q %q %q", pre, ctx, post)
			require.Equal(t, "", ctx, "context from a FIFO: %q %q %q", pre, ctx, post)
			assert.Nil(t, post, "context from a FIFO: %q %q %q", pre, ctx, post)
		}},
		{"FIFO through the symbolizer", func(t *testing.T) {
			s := NewSymbolizer(Options{InAppInclude: []string{"main"}})
			f := s.Frame("main.handler", fifo(t, "handler.go"), 3)
			assert.Equal(t, "", f.ContextLine, "context line %q from a FIFO", f.ContextLine)
		}},
		{"device as a source file", func(t *testing.T) {
			c := newSourceCache(1 << 20)
			_, ctx, _ := c.context("/dev/zero", 1, 5)
			assert.Equal(t, "", ctx, "context line %q from /dev/zero", ctx)
		}},
		{"FIFO as go.mod", func(t *testing.T) {
			mod, _ := readModulePath(fifo(t, "go.mod"))
			assert.Equal(t, "", mod, "module %q from a FIFO", mod)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { childtest.Run(t, tt.run) })
	}
}

// TestHungFileAccessIsAbandoned stands in for a hung network mount, where
// even stat blocks: the access is abandoned after fileTimeout, and while it
// is stuck no other access starts.
func TestHungFileAccessIsAbandoned(t *testing.T) {
	release := make(chan struct{})
	err := bounded(func() error { <-release; return nil })
	require.ErrorIs(t, err, errFileSlow, "hung access: %v, want errFileSlow", err)
	started := false
	err = bounded(func() error { started = true; return nil })
	require.ErrorIs(t, err, errFileSlow, "access while another is stuck: err %v, started %v", err, started)
	assert.False(t, started, "access while another is stuck: err %v, started %v", err, started)
	close(release)
	for stuckReaders.Load() != 0 {
		runtime.Gosched() // the stuck goroutine ends once its access returns
	}
	assert.NoError(t, bounded(func() error { return nil }), "access after the stuck one ended")
}
