package batcher

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// item is the test payload: an id to trace it end to end, and the size of
// its encoding at each shrink level (the last size is the smallest it gets).
type item struct {
	id       int
	sizes    []int // nil: a small event
	err      error // returned by Encode at shrink 0, when set
	panic    bool  // Encode panics
	suppress bool  // Encode drops it on purpose (nil, nil)
}

// encodeItem is the Config.Encode of the tests: {"id":N,"pad":"xxx"} padded
// to the wanted size.
func encodeItem(it *item, shrink int) ([]byte, error) {
	if it.panic {
		panic("encode exploded")
	}
	if it.err != nil {
		return nil, it.err
	}
	if it.suppress {
		return nil, nil
	}
	size := 0
	if it.sizes != nil {
		size = it.sizes[min(shrink, len(it.sizes)-1)]
	}
	b := fmt.Appendf(nil, `{"id":%d,"pad":"`, it.id)
	if pad := size - len(b) - 2; pad > 0 {
		b = append(b, strings.Repeat("x", pad)...)
	}
	return append(b, `"}`...), nil
}

// items returns n small items with ids from first.
func items(first, n int) []*item {
	out := make([]*item, n)
	for i := range out {
		out[i] = &item{id: first + i}
	}
	return out
}

// call is one Send seen by the fake transport.
type call struct {
	at   time.Time
	ids  []int
	body string
	out  transport.Outcome
}

// fakeTransport records every Send and answers from a script. It runs in
// memory, so inside a synctest bubble every wait is on the fake clock.
type fakeTransport struct {
	// script decides the outcome of the n-th call (from 0); nil delivers.
	script func(n int, ids []int) transport.Outcome
	// hang makes every Send block until its context ends (then: Retry).
	hang bool
	// entered, when set, receives a value each time a Send starts.
	entered chan struct{}

	mu    sync.Mutex
	calls []call
}

func (f *fakeTransport) Send(ctx context.Context, body []byte) transport.Outcome {
	var events []struct{ ID int }
	if err := json.Unmarshal(body, &events); err != nil {
		panic(fmt.Sprintf("fake transport: body is not a JSON array: %v", err))
	}
	ids := make([]int, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	out := transport.Outcome{Kind: transport.Delivered, Status: 202}
	if f.hang {
		<-ctx.Done()
		out = transport.Outcome{Kind: transport.Retry, Err: ctx.Err()}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.script != nil && !f.hang {
		out = f.script(len(f.calls), ids)
	}
	f.calls = append(f.calls, call{at: time.Now(), ids: ids, body: string(body), out: out})
	return out
}

// Calls returns a copy of the calls so far.
func (f *fakeTransport) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// delivered returns the ids of every delivered event, in delivery order.
func (f *fakeTransport) delivered() []int {
	var ids []int
	for _, c := range f.Calls() {
		if c.out.Kind == transport.Delivered {
			ids = append(ids, c.ids...)
		}
	}
	return ids
}

// batchSizes returns the number of events in each call.
func (f *fakeTransport) batchSizes() []int {
	var n []int
	for _, c := range f.Calls() {
		n = append(n, len(c.ids))
	}
	return n
}

// outcomes returns a script that plays kinds in order, then delivers.
func outcomes(kinds ...transport.Outcome) func(int, []int) transport.Outcome {
	return func(n int, _ []int) transport.Outcome {
		if n < len(kinds) {
			return kinds[n]
		}
		return transport.Outcome{Kind: transport.Delivered, Status: 202}
	}
}

// newTest builds a batcher for *item on tr, with the given tweaks. With
// viaEncodeTo set, the Encode the test configured is given as an EncodeTo.
func newTest(tr transport.Transport, tweak func(*Config[*item])) *Batcher[*item] {
	cfg := Config[*item]{Transport: tr, Encode: encodeItem, ShrinkLevels: maxShrinkLevels}
	if tweak != nil {
		tweak(&cfg)
	}
	if viaEncodeTo && cfg.Encode != nil {
		// Given by the test rather than built by New from Encode.
		cfg.EncodeTo, cfg.Encode = encodeToOf(cfg.Encode), nil
	}
	return New(cfg)
}

// viaEncodeTo makes newTest configure EncodeTo (TestSuiteViaEncodeTo).
var viaEncodeTo bool

// enqueueAll enqueues every item and fails the test on a drop.
func enqueueAll(t *testing.T, b *Batcher[*item], its []*item) {
	t.Helper()
	for _, it := range its {
		require.True(t, b.Enqueue(it), "Enqueue(%d) dropped the item", it.id)
	}
}

// seq returns the ints from first to first+n-1.
func seq(first, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = first + i
	}
	return out
}

// mustClose closes b and fails the test on an error.
func mustClose(t *testing.T, b *Batcher[*item]) {
	t.Helper()
	assert.NoError(t, b.Close(5*time.Second), "Close")
}

// checkAccounting verifies the invariant: every accepted event is
// delivered, dropped, or pending, and the transport saw exactly Sent
// delivered events.
func checkAccounting(t *testing.T, b *Batcher[*item], tr *fakeTransport) {
	t.Helper()
	s := b.Stats()
	var lost uint64
	for r := DropRejected; r < NumDropReasons; r++ {
		lost += s.Dropped[r]
	}
	// DropClosed mixes Enqueue-side and worker-side drops; the tests that
	// call this never enqueue after Close.
	lost += s.Dropped[DropClosed]
	assert.Equal(t, s.Sent+lost+uint64(s.Pending), s.Enqueued, "Enqueued %d != Sent %d + dropped after enqueue %d + Pending %d", s.Enqueued, s.Sent, lost, s.Pending)
	got := uint64(len(tr.delivered()))
	assert.Equal(t, s.Sent, got, "transport received %d delivered events, Stats.Sent = %d", got, s.Sent)
}
