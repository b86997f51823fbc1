package benchmarks

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// BenchmarkMachine measures the building blocks of a capture on this
// machine, to read errsight-go's targets against: a heap allocation of an
// event-sized and of a small object (at the default GOGC, with the nearly
// empty heap of a benchmark, so that the garbage collector's share is
// included), a 20-frame runtime.Callers, time.Now and context.WithValue.
func BenchmarkMachine(b *testing.B) {
	b.Run("op=alloc-160B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink160 = new([160 / 8]uintptr)
		}
	})
	b.Run("op=alloc-416B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink416 = new([416 / 8]uintptr)
		}
	})
	b.Run("op=callers-20", func(b *testing.B) {
		pcs := make([]uintptr, 64)
		n := 0
		withStack(shallowStack, func() {
			for b.Loop() {
				n = runtime.Callers(1, pcs)
			}
		})
		if n != shallowStack {
			b.Fatalf("%d frames, want %d", n, shallowStack)
		}
	})
	b.Run("op=time.Now", func(b *testing.B) {
		for b.Loop() {
			sinkTime = time.Now()
		}
	})
	b.Run("op=context.WithValue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = context.WithValue(background, ctxKey{}, sink160)
		}
	})
}

type ctxKey struct{}

var (
	sink160  *[160 / 8]uintptr
	sink416  *[416 / 8]uintptr
	sinkTime time.Time
)
