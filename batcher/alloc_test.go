package batcher

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestEnqueueAllocs guards the capture hot path: handing a pointer to the
// batcher allocates nothing, whether it is accepted or dropped.
func TestEnqueueAllocs(t *testing.T) {
	tr := &fakeTransport{hang: true, entered: make(chan struct{}, 1)}
	b := newTest(tr, func(c *Config[*item]) { c.BatchSize = 1; c.MaxQueueSize = 1500 })
	it := &item{id: 1}
	b.Enqueue(it)
	<-tr.entered // the worker is parked in Send: it allocates nothing more

	tests := []struct {
		name  string
		setup func()
	}{
		{"accepted", func() {}},
		{"queue full", func() {
			for b.Enqueue(it) {
			}
		}},
		{"closed", func() { _ = b.Close(0) }},
	}
	for _, tt := range tests {
		tt.setup()
		n := testing.AllocsPerRun(1000, func() { b.Enqueue(it) })
		assert.Zero(t, n, "%s: Enqueue allocates %v times per call, want 0", tt.name, n)
	}
	_ = b.Close(time.Second)
}
