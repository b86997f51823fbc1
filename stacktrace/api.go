// Package stacktrace captures, symbolises and classifies Go call stacks and
// error chains in the shape the ErrSight server groups by. It imports nothing
// from the root errsight package.
//
// API CONTRACT (used by the root package; keep these names and signatures):
package stacktrace

// MaxFrames is the most frames one stack keeps (the server's convention).
const MaxFrames = 50

// Frame is one stack frame, as sent in metadata.exception_frames.
type Frame struct {
	Filename    string   `json:"filename"`           // module-relative for the main module; module path + relative path for dependencies; never empty
	AbsPath     string   `json:"abs_path,omitempty"` // real path on the build machine, when known
	Lineno      int      `json:"lineno"`
	Function    string   `json:"function"`         // without package path, normalised: "(*Server).handle", "main.func1" -> "func1"...
	Module      string   `json:"module,omitempty"` // package path, e.g. "github.com/acme/app/internal/db"
	InApp       bool     `json:"in_app"`
	PreContext  []string `json:"pre_context,omitempty"`
	ContextLine string   `json:"context_line,omitempty"`
	PostContext []string `json:"post_context,omitempty"`
}

// Cause is one entry of metadata.exception_causes.
type Cause struct {
	Class     string   `json:"class"`
	Message   string   `json:"message"`
	Backtrace []string `json:"backtrace,omitempty"` // "file:line in function", when the cause carries its own stack
}

// Options configures a Symbolizer. Zero values mean defaults.
type Options struct {
	InAppInclude []string // package-path or file-path prefixes forced in-app
	InAppExclude []string // package-path or file-path prefixes forced out of app (wins)
	ContextLines int      // lines of source each side of an in-app frame; default 5, negative disables
	MaxFrames    int      // default MaxFrames
	CacheBytes   int      // source cache budget; default 8 MiB
}

// Symbolizer turns program counters into Frames. Safe for concurrent use.
type Symbolizer struct{}

// NewSymbolizer builds a Symbolizer; the main module comes from debug.ReadBuildInfo.
func NewSymbolizer(opts Options) *Symbolizer { panic("TODO") }

// Callers fills pcs with the calling goroutine's program counters, skipping
// skip frames above the caller of Callers (skip 0 = the caller of Callers is
// the first frame). It never allocates.
func Callers(skip int, pcs []uintptr) int { panic("TODO") }

// Frames symbolises pcs (innermost first, as runtime.Callers gives them) into
// at most MaxFrames frames with in-app flags and source context for in-app
// frames. omitted is how many frames were left out of the middle.
func (s *Symbolizer) Frames(pcs []uintptr) (frames []Frame, omitted int) { panic("TODO") }

// Frame builds one frame from a fully-qualified function name (as
// runtime.Frame.Function or a traceback prints it), a file path and a line,
// with the same normalisation, in-app classification and source context as Frames.
func (s *Symbolizer) Frame(function, file string, line int) Frame { panic("TODO") }

// Backtrace renders frames as legacy "file:line in function" lines.
func Backtrace(frames []Frame) []string { panic("TODO") }

// ErrorClass is the most specific Go type name in err's chain, as Go prints it
// ("*fs.PathError"), skipping the standard library's anonymous wrappers.
// Never panics.
func ErrorClass(err error) string { panic("TODO") }

// ErrorMessage is err.Error(), recovering from a panicking or cyclic Error
// method (then a placeholder saying so). Never panics.
func ErrorMessage(err error) string { panic("TODO") }

// Causes walks err's Unwrap tree depth-first (not including err itself),
// returning at most max entries, with cycle detection. Never panics.
func (s *Symbolizer) Causes(err error, max int) []Cause { panic("TODO") }

// OriginPCs returns the program counters of the innermost error in err's
// chain that carries its own creation stack (pkg/errors StackTrace(),
// go-errors Callers(), or any []uintptr-returning StackTrace/Callers method),
// or nil when none does. Never panics.
func OriginPCs(err error) []uintptr { panic("TODO") }
