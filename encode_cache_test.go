package errsight

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"

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

// TestWordSafe: wordSafe agrees with the byte-by-byte rule for every byte
// value at every position of a word.
func TestWordSafe(t *testing.T) {
	safeByte := func(c byte) bool { return c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf }
	for pos := range 8 {
		for v := range 256 {
			for _, fill := range []byte{'a', 0x20, 0x7f, '"'} {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(v)
				want := true
				for _, c := range w {
					want = want && safeByte(c)
				}
				require.Equal(t, want, wordSafe(string(w)), "wordSafe(%q)", w)
			}
		}
	}
}

// FuzzAppendStringMatchesBytewise: escaping by words writes exactly what
// the byte-by-byte escaping it replaced wrote.
func FuzzAppendStringMatchesBytewise(f *testing.F) {
	for _, s := range []string{"", "plain ascii text, long enough", "\tindented \"quoted\" \\ line\n", "héllo wörld \u2028\u2029 \x00\xff\xfe", "12345678\x1f12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, string(appendStringBytewise(nil, s)), string(appendString(nil, s)))
	})
}

// appendStringBytewise is appendString as it was before it escaped by
// words: the reference its output must match.
func appendStringBytewise(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case 0:
				b = append(b, `\ufffd`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
