package stacktrace

import (
	"fmt"
	"io/fs"
	"testing"
)

// atDepth calls f with about n more frames on the stack.
//
//go:noinline
func atDepth(n int, f func()) {
	if n <= 0 {
		f()
		return
	}
	atDepth(n-1, f)
}

func BenchmarkCallers(b *testing.B) {
	pcs := make([]uintptr, 64)
	n := 0
	atDepth(16, func() {
		b.ReportAllocs()
		for b.Loop() {
			n = Callers(0, pcs)
		}
	})
	b.ReportMetric(float64(n), "frames")
}

func BenchmarkSymbolizePerFrame(b *testing.B) {
	s := NewSymbolizer(Options{})
	var pcs []uintptr
	atDepth(16, func() {
		pcs = make([]uintptr, 64)
		pcs = pcs[:Callers(0, pcs)]
	})
	s.Frames(pcs) // warm: names, locations and source lines are cached
	b.ReportAllocs()
	for b.Loop() {
		s.Frames(pcs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(pcs)), "ns/frame")
}

func BenchmarkSourceContextWarm(b *testing.B) {
	s := NewSymbolizer(Options{})
	file := thisBenchFile(b)
	s.src.context(file, 30, 5)
	b.ReportAllocs()
	for b.Loop() {
		s.src.context(file, 30, 5)
	}
}

func thisBenchFile(b *testing.B) string {
	pcs := make([]uintptr, 1)
	Callers(0, pcs)
	frames, _ := NewSymbolizer(Options{}).Frames(pcs)
	if len(frames) == 0 || frames[0].AbsPath == "" {
		b.Skip("source file not found")
	}
	return frames[0].AbsPath
}

func benchChain() error {
	pathErr := &fs.PathError{Op: "open", Path: "/etc/app.yaml", Err: fs.ErrNotExist}
	return fmt.Errorf("start: %w", fmt.Errorf("load config: %w", fmt.Errorf("read: %w", pathErr)))
}

func BenchmarkErrorClass(b *testing.B) {
	err := benchChain()
	b.ReportAllocs()
	for b.Loop() {
		ErrorClass(err)
	}
}

func BenchmarkCauses(b *testing.B) {
	s := NewSymbolizer(Options{})
	err := benchChain()
	b.ReportAllocs()
	for b.Loop() {
		s.Causes(err, 5)
	}
}

func BenchmarkOriginPCs(b *testing.B) {
	err := fmt.Errorf("outer: %w", fakePkgWrap(fakePkgNew("inner"), "middle"))
	b.ReportAllocs()
	for b.Loop() {
		OriginPCs(err)
	}
}
