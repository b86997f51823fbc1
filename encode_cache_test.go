package errsight

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSourceCacheByteIdentical: frames encoded through the worker's source
// context cache are byte for byte what appendFrames writes without it, on
// the first encoding, on a hit, and when the lines at a file and line
// changed (a rebuilt file, two files of one name); the cached lines are
// scrubbed.
func TestSourceCacheByteIdentical(t *testing.T) {
	frame := func(ctx string) Frame {
		return Frame{
			Filename: "app/handler.go", AbsPath: "/src/app/handler.go", Lineno: 42, Function: "app.Handle", InApp: true,
			PreContext:  []string{"func Handle() {", "\turl := \"https://u:p@h/?token=abc\""},
			ContextLine: ctx,
			PostContext: []string{"\treturn \"\\u2028\x00\xff\"", "}"},
		}
	}
	tests := []struct {
		name   string
		frames [][]Frame // encoded in turn through one cache
	}{
		{"hit", [][]Frame{{frame("\thttp.Get(url)")}, {frame("\thttp.Get(url)")}}},
		{"line changed", [][]Frame{{frame("\thttp.Get(url)")}, {frame("\thttp.Post(url)")}}},
		{"no context", [][]Frame{{{Filename: "a.go", Lineno: 1, Function: "f"}}, {{Filename: "a.go", Lineno: 1, Function: "f"}}}},
		{"two frames one line", [][]Frame{{frame("x"), frame("x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc sourceCache
			for _, frames := range tt.frames {
				want := appendFrames(nil, frames)
				got := appendFramesCached(nil, frames, &sc)
				require.Equal(t, string(want), string(got))
				assert.NotContains(t, string(got), "token=abc", "source lines are scrubbed before they are cached")
			}
		})
	}
}

// TestSourceCacheBounded: the cache never holds more than
// maxSourceCacheEntries call sites.
func TestSourceCacheBounded(t *testing.T) {
	var sc sourceCache
	for i := range 3 * maxSourceCacheEntries {
		f := Frame{Filename: "a.go", Lineno: i, Function: "f", ContextLine: "x"}
		sc.appendContext(nil, &f)
		require.LessOrEqual(t, len(sc.m), maxSourceCacheEntries)
	}
}

// TestEncodeCachedMatchesAppendEvent: the worker's encode, with its
// caches warm, writes the same bytes as appendEvent.
func TestEncodeCachedMatchesAppendEvent(t *testing.T) {
	c, _ := newTestClient(t, Options{SpikeLimit: -1})
	h := populatedHub(c)
	err := wrappedTwice()
	var proto Event
	atDepth(5, func() {
		proto = Event{Level: LevelError, err: err, Message: err.Error(), pcs: callers(0), ID: newEventID()}
	})
	proto.Timestamp = time.Now()
	proto.scope = h.scope.snapshot()
	for range 3 {
		ev := proto
		got, err := c.encode(&capture{ev: &ev}, shrinkNone)
		require.NoError(t, err)
		assert.Equal(t, string(appendEvent(nil, &ev, shrinkNone)), string(got))
	}
}
