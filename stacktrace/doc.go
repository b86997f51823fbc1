// Package stacktrace captures, symbolises and classifies Go call stacks and
// error chains in the shape the ErrSight server groups by. It imports
// nothing from the root errsight package, and nothing outside the standard
// library.
//
// It is public because the SDK's integrations in other modules (the logging
// adapters) need the same error text and classes as the core, and because
// applications may want frames shaped as ErrSight groups them. Its exported
// names are supported API; the rules they follow (below) are the grouping's
// and change only with it.
//
// # Capturing and symbolising
//
// Capture is split in two so that the capturing goroutine pays almost
// nothing. [Callers] records program counters without allocating; later, on
// a worker goroutine, a [Symbolizer] turns them into [Frame]s:
//
//	pcs := make([]uintptr, 64)
//	pcs = pcs[:stacktrace.Callers(0, pcs)] // pcs[0] is this line's function
//	...
//	frames, omitted := sym.Frames(pcs)
//
// [Symbolizer.Frames] drops what every stack has and nobody needs (the
// panic machinery between a recover and the panicking function, the
// runtime's bottom frames), keeps at most [MaxFrames], reads source context
// for in-app frames, and remembers what it worked out.
//
// # Grouping
//
// The server groups events by exception class and by the first in-app
// frame's Filename and Function, so those are built to be identical for the
// same code on every machine, with or without -trimpath, in any build
// directory and on every Go version from 1.21:
//
//   - [Frame.Filename] is relative to the main module's root
//     ("internal/db/query.go"), module path plus path for dependencies
//     ("github.com/pkg/errors/errors.go", no version), and relative to
//     GOROOT/src for the standard library ("net/http/server.go").
//   - [Frame.Function] has no package path, and function literals, go and
//     defer wrappers are named after the function they are written in:
//     "Outer.func", whatever number, nesting or inlining the compiler chose.
//     See [SplitFunction] for the rules and why.
//   - [ErrorClass] names the most specific type in the Unwrap tree, looking
//     through the standard library's anonymous wrappers.
//
// # In-app frames
//
// The main module (from debug.ReadBuildInfo; under go test, the module being
// tested) is the application; the standard library, every dependency and
// this SDK are not. [Options.InAppInclude] and [Options.InAppExclude]
// adjust that by package or file prefix.
//
// # Errors
//
// Error values can misbehave: a typed nil, an Unwrap that panics or returns
// its receiver, a chain ten thousand deep. [ErrorClass], [ErrorMessage],
// [Symbolizer.Causes] and [OriginPCs] never panic and always end, except
// for what Go itself cannot recover from: an Error or Unwrap method that
// recurses until the stack overflows, or never returns.
//
// [OriginPCs] finds the stack an error was created with, for errors from
// pkg/errors, go-errors, cockroachdb/errors and alike, recognised by the
// shape of their methods so that none of them is imported.
package stacktrace
