package stacktrace

import (
	"strconv"
	"strings"
)

// MaxFrames is the most frames one stack keeps (the server's convention).
const MaxFrames = 50

// Frame is one stack frame, as sent in metadata.exception_frames. The server
// groups events by the first in-app frame's Filename and Function, so both
// are built to be identical across machines, build directories, -trimpath
// and Go versions; AbsPath is the only machine-specific field.
type Frame struct {
	// Filename is never empty. For the main module it is the path relative to
	// the module root ("internal/db/query.go"); for a dependency the module
	// path and the path inside the module, without the version
	// ("github.com/pkg/errors/errors.go"); for the standard library the path
	// under GOROOT/src ("net/http/server.go").
	Filename string `json:"filename"`
	// AbsPath is the file as the runtime reports it, when that is an absolute
	// path (not under -trimpath). It is where source context is read from.
	AbsPath string `json:"abs_path,omitempty"`
	// Lineno is the 1-based line of the call (or of the panic) in Filename.
	Lineno int `json:"lineno"`
	// Function is the function without its package path, normalised so that
	// one source construct has one name across Go versions: "(*Server).handle",
	// "Server.handle", "main", "Map[...]", and "Outer.func" for any function
	// literal, go or defer wrapper inside Outer. See [SplitFunction].
	Function string `json:"function"`
	// Module is the package path the function belongs to, as its symbol
	// names it ("github.com/acme/app/internal/db", "net/http", "main").
	Module string `json:"module,omitempty"`
	// InApp reports whether the frame is the application's own code; see
	// [Options] for the rules.
	InApp bool `json:"in_app"`
	// PreContext, ContextLine and PostContext are source lines around Lineno,
	// for in-app frames whose source file is readable.
	PreContext  []string `json:"pre_context,omitempty"`
	ContextLine string   `json:"context_line,omitempty"`
	PostContext []string `json:"post_context,omitempty"`
}

// Cause is one entry of metadata.exception_causes: an error below the
// captured one in its Unwrap tree.
type Cause struct {
	// Class is the error's type as %T prints it ("*fs.PathError").
	Class string `json:"class"`
	// Message is the error's Error() text, cut to at most 4 KiB.
	Message string `json:"message"`
	// Backtrace is "file:line in function" per frame, when this error itself
	// carries the stack it was created with (see [OriginPCs]).
	Backtrace []string `json:"backtrace,omitempty"`
}

// Backtrace renders frames as the legacy "file:line in function" lines the
// server also accepts as an event's backtrace. It returns nil for no frames.
func Backtrace(frames []Frame) []string {
	if len(frames) == 0 {
		return nil
	}
	out := make([]string, len(frames))
	var b strings.Builder
	for i, f := range frames {
		b.Reset()
		b.WriteString(f.Filename)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Lineno))
		b.WriteString(" in ")
		b.WriteString(f.Function)
		out[i] = b.String()
	}
	return out
}
