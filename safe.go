package errsight

import (
	"context"

	"github.com/errsight/errsight-go/internal/safe"
)

// Safe calls f on the calling goroutine with a forked scope (see
// [WithScope]) and, if f panics, reports the panic as a fatal event, as
// [Recover] does, then returns it as a *[PanicError] instead of crashing.
// Otherwise it returns what f returned (not captured: the caller decides).
//
// It is the one call for code that must report a panic and carry on: a
// worker loop, a consumer, a scheduler.
//
//	for job := range jobs {
//		if err := errsight.Safe(ctx, func(ctx context.Context) error {
//			return handle(ctx, job)
//		}); err != nil {
//			log.Printf("job %s: %v", job.ID, err)
//		}
//	}
//
// Recover and Go keep crashing by default: a panic usually leaves state
// half-updated, and carrying on is a decision to take where the state is
// known to be per call. http.ErrAbortHandler is re-panicked unreported, so
// that net/http still aborts the response. Safe does not flush: the
// program goes on, and the client's worker delivers the event. It panics if
// f is nil.
func Safe(ctx context.Context, f func(ctx context.Context) error) (err error) {
	if f == nil {
		panic("errsight: Safe called with a nil function")
	}
	ctx = WithScope(ctx)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if safe.IsAbortHandler(r) {
			panic(r)
		}
		err = &PanicError{Value: r, EventID: reportRecovered(ctx, r)}
	}()
	return f(ctx)
}

// PanicError is the error [Safe] returns for a panic it recovered.
type PanicError struct {
	// Value is what the function panicked with.
	Value any
	// EventID is the id of the fatal event reporting it, "" when nothing
	// was queued (disabled client, full queue, BeforeSend dropped it).
	EventID EventID
}

// Error returns "panic: " and the value's text, as the event's message.
func (e *PanicError) Error() string { return safe.PanicMessage(e.Value) }

// Unwrap returns the panic value when it is an error, so that errors.Is and
// errors.As see through the panic.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// reportRecovered reports r, recovered by the caller's deferred function,
// containing any panic of the report itself. Its stack, like Recover's,
// starts at the runtime's panic machinery, cut above the function that
// panicked.
func reportRecovered(ctx context.Context, r any) (id EventID) {
	h := HubFromContext(ctx)
	defer func() {
		if p := recover(); p != nil {
			if c := h.Client(); c != nil {
				c.log.printf("reporting a panic failed: %s", safe.PanicText(p))
			}
			id = ""
		}
	}()
	return h.capturePanic(ctx, r, 2)
}
