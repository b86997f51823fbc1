package errsight

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/errsight/errsight-go/internal/scrub"
)

// The exception data is the bulk of an error event (a frame with source
// context is ~1 KB), and every event passes through here on the worker:
// these write it directly rather than through encoding/json's reflection.
// The field names and omitempty rules are those of stacktrace.Frame's and
// stacktrace.Cause's JSON tags, which TestFrameEncodingMatchesJSONTags pins.

func appendFrames(b []byte, frames []Frame) []byte {
	return appendFramesCached(b, frames, nil)
}

// appendFramesCached is appendFrames taking the source context of each
// frame from sc when it was encoded before (sc may be nil).
func appendFramesCached(b []byte, frames []Frame, sc *sourceCache) []byte {
	b = append(b, '[')
	for i := range frames {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFrame(b, &frames[i], sc)
	}
	return append(b, ']')
}

func appendFrame(b []byte, f *Frame, sc *sourceCache) []byte {
	b = append(b, `{"filename":`...)
	b = appendString(b, f.Filename)
	if f.AbsPath != "" {
		b = append(b, `,"abs_path":`...)
		b = appendString(b, f.AbsPath)
	}
	b = append(b, `,"lineno":`...)
	b = strconv.AppendInt(b, int64(f.Lineno), 10)
	b = append(b, `,"function":`...)
	b = appendString(b, f.Function)
	if f.Module != "" {
		b = append(b, `,"module":`...)
		b = appendString(b, f.Module)
	}
	b = append(b, `,"in_app":`...)
	b = strconv.AppendBool(b, f.InApp)
	return append(sc.appendContext(b, f), '}')
}

// appendSourceContext writes a frame's pre_context, context_line and
// post_context fields, each with a leading comma, or nothing.
func appendSourceContext(b []byte, f *Frame) []byte {
	if len(f.PreContext) > 0 {
		b = append(b, `,"pre_context":`...)
		b = appendSourceLines(b, f.PreContext)
	}
	if f.ContextLine != "" {
		b = append(b, `,"context_line":`...)
		b = appendString(b, scrub.Text(f.ContextLine))
	}
	if len(f.PostContext) > 0 {
		b = append(b, `,"post_context":`...)
		b = appendSourceLines(b, f.PostContext)
	}
	return b
}

// maxSourceCacheEntries bounds sourceCache: about 1 KB of JSON each, it is
// enough for the in-app frames of a few hundred distinct call sites.
const maxSourceCacheEntries = 512

// sourceCache holds the encoded source context of frames by file and line.
// The same call sites fail again and again, each with about 11 source lines
// that scrubbing and escaping cost more than the rest of the frame; this
// does that once per call site. It belongs to the worker goroutine (the
// Client's encode), so it takes no lock. Its output is byte-identical to
// appendSourceContext: an entry is used only when the frame's lines are
// the very strings it was made from, so a source file that changed, or two
// files with one name, are encoded afresh. The encoding is cached after
// scrubbing, since it is appendSourceContext's output.
type sourceCache struct {
	m map[sourceKey]*sourceEntry
}

type sourceKey struct {
	file, abs string
	line      int
}

type sourceEntry struct {
	pre, post []string
	line      string
	enc       []byte
}

// appendContext writes f's source context fields (see appendSourceContext),
// from the cache when it holds them. A nil cache encodes every time.
func (sc *sourceCache) appendContext(b []byte, f *Frame) []byte {
	if sc == nil || (len(f.PreContext) == 0 && f.ContextLine == "" && len(f.PostContext) == 0) {
		return appendSourceContext(b, f)
	}
	key := sourceKey{file: f.Filename, abs: f.AbsPath, line: f.Lineno}
	if e, ok := sc.m[key]; ok && e.line == f.ContextLine && slices.Equal(e.pre, f.PreContext) && slices.Equal(e.post, f.PostContext) {
		return append(b, e.enc...)
	}
	start := len(b)
	b = appendSourceContext(b, f)
	if sc.m == nil || len(sc.m) >= maxSourceCacheEntries {
		// Full: start again rather than track use. The worker's call sites
		// are few, so this is rare, and it bounds the memory held.
		sc.m = make(map[sourceKey]*sourceEntry)
	}
	sc.m[key] = &sourceEntry{pre: f.PreContext, post: f.PostContext, line: f.ContextLine, enc: bytes.Clone(b[start:])}
	return b
}

func appendCauses(b []byte, causes []Cause) []byte {
	b = append(b, '[')
	for i, c := range causes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"class":`...)
		b = appendString(b, c.Class)
		b = append(b, `,"message":`...)
		b = appendString(b, scrub.Text(c.Message)) // see appendEventWith
		if len(c.Backtrace) > 0 {
			b = append(b, `,"backtrace":`...)
			b = appendStrings(b, c.Backtrace)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendSourceLines writes source context with its URLs scrubbed: a URL
// written in the code that failed ("http.Get(\"https://h/?token=...\")") is
// quoted in the context lines of the frame that called it.
func appendSourceLines(b []byte, lines []string) []byte {
	b = append(b, '[')
	for i, s := range lines {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, scrub.Text(s))
	}
	return append(b, ']')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}
