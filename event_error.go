package errsight

import "github.com/errsight/errsight-go/internal/safe"

// This file lets integrations (errsightslog) hand-build an event that
// carries an error's exception data, which only the capture functions could
// attach before: ev.err and ev.pcs are unexported.

// SetError attaches err's exception data to a hand-built event: its class,
// its cause chain and its frames. The frames come from err's origin stack
// when it carries one (github.com/pkg/errors, go-errors...), else from the
// stack set by [Event.SetStack]. The work is done when the event is built
// (on the client's worker, before BeforeSend), so err must not be
// modified after the event is captured. SetError does not change
// ev.Message; a nil err (or a nil pointer in an error interface) detaches
// any error set before.
func (ev *Event) SetError(err error) {
	if safe.IsNilError(err) {
		ev.err = nil
		return
	}
	ev.err = err
}

// SetStack sets the program counters of the event's stack, innermost first,
// as runtime.Callers returns them (return addresses; a single slog.Record.PC
// works too). They are symbolised when the event is built. An error set by
// [Event.SetError] that carries its own origin stack takes precedence. The
// event keeps pcs: don't modify the slice afterwards.
func (ev *Event) SetStack(pcs []uintptr) {
	if len(pcs) == 0 {
		ev.pcs = nil
		return
	}
	ev.pcs = pcs
}
