package errsight

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/errsight/errsight-go/internal/redact"
	"github.com/errsight/errsight-go/internal/safeval"
)

// debugLog writes the SDK's diagnostics. Every line passes through redact,
// so the API key never reaches the writer even if some error text holds it.
type debugLog struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	key     string
	warned  map[string]bool
}

func newDebugLog(w io.Writer, enabled bool, key string) *debugLog {
	return &debugLog{w: w, enabled: enabled, key: key}
}

// printf writes one line when Debug is on. It is safe for concurrent use and
// never panics, whatever the arguments' String methods do.
func (l *debugLog) printf(format string, args ...any) {
	if l == nil || !l.enabled {
		return
	}
	l.write(safeSprintf(format, args...))
}

// warn writes a line once per client, even when Debug is off: for
// configurations that are probably mistakes.
func (l *debugLog) warn(msg string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	if l.warned[msg] {
		l.mu.Unlock()
		return
	}
	if l.warned == nil {
		l.warned = map[string]bool{}
	}
	l.warned[msg] = true
	l.mu.Unlock()
	l.write("warning: " + msg)
}

func (l *debugLog) write(line string) {
	line = "errsight: " + l.redact(strings.TrimRight(line, "\n")) + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, line)
}

func (l *debugLog) redact(s string) string { return redact.String(s, l.key) }

func safeSprintf(format string, args ...any) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = format + " (arguments could not be printed)"
		}
	}()
	// The arguments may be user values (a panic value, an error's
	// payload) that contain themselves: fmt would recurse without end.
	return fmt.Sprintf(format, safeval.Args(args)...)
}
