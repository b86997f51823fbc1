package logbridge

import (
	"runtime"
	"slices"

	"github.com/errsight/errsight-go/internal/text"
	"github.com/errsight/errsight-go/stacktrace"
)

// stackDepth is how many frames CallerStack records: the logger's own
// frames come first and are dropped.
const stackDepth = 64

// CallerStack returns the stack of the call into a logger: the current
// stack from the first frame whose package is none of pkgs (nor below one
// of them: "go.uber.org/zap" covers "go.uber.org/zap/zapcore") outwards.
// This package is always skipped. When every frame is skipped, it returns
// nil.
//
// runtime.Callers gives one program counter per logical frame, inlined ones
// included, so cutting the slice at a frame's index makes that frame the
// first one the symboliser sees.
func CallerStack(pkgs ...string) []uintptr {
	var buf [stackDepth]uintptr
	n := runtime.Callers(2, buf[:])
	frames := runtime.CallersFrames(buf[:n])
	for i := 0; ; i++ {
		f, more := frames.Next()
		if i < n && !skipped(f.Function, pkgs) {
			return slices.Clone(buf[i:n])
		}
		if !more || i >= n {
			return nil
		}
	}
}

const self = "github.com/errsight/errsight-go/internal/logbridge"

func skipped(function string, pkgs []string) bool {
	pkg, _ := stacktrace.SplitFunction(function)
	if pkg == self {
		return true
	}
	for _, p := range pkgs {
		if text.HasPathPrefix(pkg, p) {
			return true
		}
	}
	return false
}
