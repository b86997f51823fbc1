package errsightzerolog

import (
	"sync"

	"github.com/errsight/errsight-go/internal/logbridge"
	"github.com/errsight/errsight-go/stacktrace"
	"github.com/rs/zerolog"
)

// zerolog's Event.Err encodes the error through the global
// zerolog.ErrorMarshalFunc and keeps nothing else of it: neither a hook nor
// a writer can get the error value, which holds the class, the causes and
// the origin stack. MarshalErrors sees it on its way through, and files it
// under its text, which the event's "error" field holds, so that the hook
// can find it again.
//
// The text is the only key both sides have. Two errors with the same text
// logged at the same time by different goroutines may swap values: the
// class and causes are then almost surely the same, the origin stack maybe
// not. The registry keeps at most maxRemembered errors; past that it starts
// afresh (errors logged without the hook are never taken).

const maxRemembered = 1024

var registry struct {
	mu   sync.Mutex
	errs map[string]error
}

// remember files err under its text.
func remember(err error) {
	if logbridge.IsNilError(err) {
		return
	}
	text := stacktrace.ErrorMessage(err)
	registry.mu.Lock()
	if registry.errs == nil || len(registry.errs) >= maxRemembered {
		registry.errs = make(map[string]error)
	}
	registry.errs[text] = err
	registry.mu.Unlock()
}

// errorFor returns the last error remembered under text, nil if none.
func errorFor(text string) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	return registry.errs[text]
}

// MarshalErrors wraps an ErrorMarshalFunc (nil: zerolog's default, the
// error itself) so that the errors it marshals are remembered for the
// [Writer]'s events. Its output is next's: the logs are unchanged.
// [NewWriter] installs it on its first call; call it yourself when you set
// zerolog.ErrorMarshalFunc after that:
//
//	zerolog.ErrorMarshalFunc = errsightzerolog.MarshalErrors(myMarshal)
func MarshalErrors(next func(err error) any) func(err error) any {
	if next == nil {
		next = func(err error) any { return err }
	}
	return func(err error) any {
		remember(err)
		return next(err)
	}
}

var installOnce sync.Once

// installMarshalErrors wraps zerolog.ErrorMarshalFunc once per process.
func installMarshalErrors() {
	installOnce.Do(func() {
		zerolog.ErrorMarshalFunc = MarshalErrors(zerolog.ErrorMarshalFunc)
	})
}
