package errsight

// The grouping corpus: one case per grouping promise of the README
// ("Grouping"), each captured through a real client and counted in issues
// by errsighttest's GroupingKey, which computes the real server's key.
//
// The same corpus runs against the real server (../shared/realserver) when
// ERRSIGHT_CORPUS_HOST and ERRSIGHT_CORPUS_KEY are set: every request is
// then also sent there, byte for byte, with the tag corpus_run set to
// ERRSIGHT_CORPUS_RUN, and the issues counted with
//
//	select tags->>'corpus_case', count(distinct fingerprint), count(*)
//	from events where tags->>'corpus_run' = '<run>' group by 1;
//
// Line shifts, a binary without its sources and another build directory
// are checked there by running this test binary built twice (see
// scripts/grouping-corpus.sh): the issue keys of both runs must be equal.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusCase is one grouping promise: run captures events, issues is how
// many issues they must make.
type corpusCase struct {
	name   string
	issues int
	run    func(h *Hub)
}

var corpus = []corpusCase{
	{"values differ", 1, func(h *Hub) {
		// One failure whose messages differ only in ids, numbers, quoted
		// values, addresses and durations.
		values := []struct {
			id   int
			name string
			d    time.Duration
		}{{42, "alice", 1500 * time.Millisecond}, {7, "bob smith", 300 * time.Millisecond}, {1234567, "", 2*time.Minute + 30*time.Second}}
		for _, v := range values {
			h.CaptureError(corpusLoadOrder(v.id, v.name, v.d))
		}
	}},
	{"two errors one function", 2, func(h *Hub) {
		for _, empty := range []bool{true, false, true, false} {
			h.CaptureError(corpusCheckout(empty))
		}
	}},
	{"helper, three handlers", 3, func(h *Hub) {
		for range 2 {
			for _, handler := range []func() error{corpusHandlerA, corpusHandlerB, corpusHandlerC} {
				corpusReport(h, handler())
			}
		}
	}},
	{"central handler, origin stacks", 3, func(h *Hub) {
		// The same text from three handlers: only where each error was
		// created tells them apart.
		for range 2 {
			for _, handler := range []func() error{corpusOriginA, corpusOriginB, corpusOriginC} {
				corpusServe(h, handler)
			}
		}
	}},
	{"join beside other errors", 2, func(h *Hub) {
		for range 2 {
			h.CaptureError(corpusValidate(true))
			h.CaptureError(corpusValidate(false))
		}
	}},
	{"same panic same site", 1, func(h *Hub) {
		for i := range 3 {
			corpusRecover(h, func() { corpusIndex(i + 5) })
		}
	}},
	{"same panic two sites", 2, func(h *Hub) {
		for i := range 2 {
			corpusRecover(h, func() { corpusIndexElsewhere(i + 5) })
			corpusRecover(h, func() { corpusIndexThird(i + 5) })
		}
	}},
	{"messages", 2, func(h *Hub) {
		for i := range 3 {
			h.CaptureMessage(fmt.Sprintf("cache rebuilt in %dms for %d keys", 100+i, i), LevelWarning)
			h.CaptureMessage("cache disabled", LevelWarning)
		}
	}},
}

//go:noinline
func corpusLoadOrder(id int, name string, d time.Duration) error {
	var p *int
	return fmt.Errorf("load order %d for user %q at %p: timeout after %v", id, name, &p, d)
}

var errDeclined = errors.New("card declined")

//go:noinline
func corpusCheckout(empty bool) error {
	if empty {
		return errors.New("checkout: cart is empty")
	}
	return fmt.Errorf("checkout: charge card: %w", errDeclined)
}

//go:noinline
func corpusReport(h *Hub, err error) { h.CaptureError(err) }

func corpusHandlerA() error { return errors.New("list users: permission denied") }
func corpusHandlerB() error {
	return &fs.PathError{Op: "open", Path: "/srv/data/users.json", Err: fs.ErrNotExist}
}
func corpusHandlerC() error { return fmt.Errorf("export: %w", errors.New("disk full")) }

// corpusServe is a central error handler: it calls the handler and reports
// what it returns, so the capture stack never shows the handler.
//
//go:noinline
func corpusServe(h *Hub, handler func() error) {
	if err := handler(); err != nil {
		h.CaptureError(err)
	}
}

//go:noinline
func corpusOriginA() error { return newOriginError("request failed") }

//go:noinline
func corpusOriginB() error { return newOriginError("request failed") }

//go:noinline
func corpusOriginC() error { return newOriginError("request failed") }

// newOriginError records where it was called from, as pkg/errors.New does.
//
//go:noinline
func newOriginError(msg string) error {
	pcs := make([]uintptr, 32)
	return &originError{msg: msg, pcs: pcs[:runtime.Callers(2, pcs)]}
}

//go:noinline
func corpusValidate(join bool) error {
	if join {
		return errors.Join(errors.New("name is empty"), errors.New("email is invalid"))
	}
	return errors.New("validate: unknown field")
}

//go:noinline
func corpusRecover(h *Hub, f func()) {
	defer func() { h.Recover(recover()) }()
	f()
}

//go:noinline
func corpusIndex(i int) int {
	s := []int{1, 2, 3}
	return s[i]
}

//go:noinline
func corpusIndexElsewhere(i int) int {
	s := []int{1, 2, 3}
	return s[i]
}

//go:noinline
func corpusIndexThird(i int) int {
	s := []int{1, 2, 3}
	return s[i]
}

// TestGroupingCorpus: every case makes exactly the issues it promises, as
// the real server groups them.
func TestGroupingCorpus(t *testing.T) {
	srv := errsighttest.NewServer()
	defer srv.Close()
	opts := Options{APIKey: srv.APIKey(), Host: srv.URL, AllowInsecureTransport: true, SpikeLimit: -1, BatchSize: 100}
	run := os.Getenv("ERRSIGHT_CORPUS_RUN")
	if host := os.Getenv("ERRSIGHT_CORPUS_HOST"); host != "" {
		test, err := transport.NewHTTP(transport.HTTPOptions{Host: srv.URL, APIKey: srv.APIKey()})
		require.NoError(t, err)
		real, err := transport.NewHTTP(transport.HTTPOptions{Host: host, APIKey: os.Getenv("ERRSIGHT_CORPUS_KEY")})
		require.NoError(t, err)
		opts.Transport = teeTransport{test, real}
		defer test.CloseIdleConnections()
		defer real.CloseIdleConnections()
		t.Logf("also sending to %s as corpus_run %q", host, run)
	}
	c, err := NewClient(opts)
	require.NoError(t, err)
	for _, cc := range corpus {
		h := NewHub(c, nil)
		h.Scope().SetTag("corpus_case", cc.name)
		if run != "" {
			h.Scope().SetTag("corpus_run", run)
		}
		cc.run(h)
	}
	require.NoError(t, c.Close())

	keys := map[string][]string{}
	for _, ev := range srv.Events() {
		assert.Empty(t, ev.Problems(), ev.Message)
		name := ev.Tags["corpus_case"]
		if k := ev.GroupingKey(); !slices.Contains(keys[name], k) {
			keys[name] = append(keys[name], k)
		}
	}
	all := map[string]string{}
	for _, cc := range corpus {
		assert.Len(t, keys[cc.name], cc.issues, "case %q", cc.name)
		for _, k := range keys[cc.name] {
			other, dup := all[k]
			assert.False(t, dup, "cases %q and %q share issue %s", other, cc.name, k)
			all[k] = cc.name
			t.Logf("%-32s %s", cc.name, k)
		}
	}
}

// TestGroupingIgnoresLinesAndSources: an event whose frames moved (lines
// inserted above) and lost their source context (a binary deployed without
// its sources), or whose build path differs, is in the same issue.
func TestGroupingIgnoresLinesAndSources(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	hub := NewHub(c, nil)
	ev := &Event{ID: newEventID(), Message: "checkout: cart is empty", Timestamp: time.Now(), err: corpusCheckout(true), pcs: callers(0), scope: hub.scope.snapshot()}
	ev.build(c)
	require.NotNil(t, ev.Exception)
	before := errsighttest.Event{Raw: appendEvent(nil, ev, shrinkNone)}.GroupingKey()
	for i := range ev.Exception.Frames {
		f := &ev.Exception.Frames[i]
		f.Lineno += 17
		f.AbsPath = "/elsewhere/build dir/" + f.Filename
		f.PreContext, f.ContextLine, f.PostContext = nil, "", nil
	}
	after := errsighttest.Event{Raw: appendEvent(nil, ev, shrinkNone)}.GroupingKey()
	assert.Equal(t, before, after)
}

// teeTransport sends every batch to both transports and reports the
// first's outcome.
type teeTransport struct{ first, second transport.Transport }

func (t teeTransport) Send(ctx context.Context, body []byte) transport.Outcome {
	t.second.Send(ctx, body)
	return t.first.Send(ctx, body)
}
