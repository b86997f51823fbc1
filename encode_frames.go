package errsight

import (
	"strconv"

	"github.com/errsight/errsight-go/internal/scrub"
)

// The exception data is the bulk of an error event (a frame with source
// context is ~1 KB), and every event passes through here on the worker:
// these write it directly rather than through encoding/json's reflection.
// The field names and omitempty rules are those of stacktrace.Frame's and
// stacktrace.Cause's JSON tags, which TestFrameEncodingMatchesJSONTags pins.

func appendFrames(b []byte, frames []Frame) []byte {
	b = append(b, '[')
	for i := range frames {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFrame(b, &frames[i])
	}
	return append(b, ']')
}

func appendFrame(b []byte, f *Frame) []byte {
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
	return append(b, '}')
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
