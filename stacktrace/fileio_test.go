//go:build unix

package stacktrace

import (
	"errors"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

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
			if pre, ctx, post := c.context(fifo(t, "main.go"), 3, 5); pre != nil || ctx != "" || post != nil {
				t.Errorf("context from a FIFO: %q %q %q", pre, ctx, post)
			}
		}},
		{"FIFO through the symbolizer", func(t *testing.T) {
			s := NewSymbolizer(Options{InAppInclude: []string{"main"}})
			f := s.Frame("main.handler", fifo(t, "handler.go"), 3)
			if f.ContextLine != "" {
				t.Errorf("context line %q from a FIFO", f.ContextLine)
			}
		}},
		{"device as a source file", func(t *testing.T) {
			c := newSourceCache(1 << 20)
			if _, ctx, _ := c.context("/dev/zero", 1, 5); ctx != "" {
				t.Errorf("context line %q from /dev/zero", ctx)
			}
		}},
		{"FIFO as go.mod", func(t *testing.T) {
			if mod, _ := readModulePath(fifo(t, "go.mod")); mod != "" {
				t.Errorf("module %q from a FIFO", mod)
			}
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
	if err := bounded(func() error { <-release; return nil }); !errors.Is(err, errFileSlow) {
		t.Fatalf("hung access: %v, want errFileSlow", err)
	}
	started := false
	if err := bounded(func() error { started = true; return nil }); !errors.Is(err, errFileSlow) || started {
		t.Errorf("access while another is stuck: err %v, started %v", err, started)
	}
	close(release)
	for stuckReaders.Load() != 0 {
		runtime.Gosched() // the stuck goroutine ends once its access returns
	}
	if err := bounded(func() error { return nil }); err != nil {
		t.Errorf("access after the stuck one ended: %v", err)
	}
}
