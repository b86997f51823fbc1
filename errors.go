package errsight

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/errsight/errsight-go/batcher"
)

// Errors that Flush and Close wrap, for callers that branch on why events
// were not delivered: test them with errors.Is. The error returned is a
// [*DeliveryError], which says how many events and what to do.
var (
	// ErrAPIKeyRejected: the server refused the API key (401 or 403): no
	// event is delivered until the key is fixed (Options.APIKey or
	// ERRSIGHT_API_KEY must be a write key, elp_...) or the project is
	// active again. A configuration error, not a transient one.
	ErrAPIKeyRejected = errors.New("errsight: the server rejected the API key")
	// ErrShutdownTimeout: Close ran out of Options.ShutdownTimeout before
	// it could deliver everything queued (a slow or unreachable server, or
	// a rate-limit pause that outlasts it).
	ErrShutdownTimeout = errors.New("errsight: shutdown timeout reached")
	// ErrDeliveryStuck: the delivery goroutine was inside code that does not
	// return (a user's Error, String, MarshalJSON or LogValue method, a
	// BeforeSend-built value, or a custom Transport ignoring its context)
	// when Close's time was up. Close returned anyway; that goroutine is
	// leaked until the code returns, then drops what is left and exits.
	ErrDeliveryStuck = errors.New("errsight: the delivery goroutine is stuck in user code")
)

// DeliveryError is what [Client.Flush] and [Client.Close] return when events
// were not delivered: how many, why, and what to do. It matches, with
// errors.Is, each cause that applies: [ErrAPIKeyRejected],
// [ErrShutdownTimeout], [ErrDeliveryStuck], and for Flush the context's
// error.
type DeliveryError struct {
	// Op is the call that returned it: "Flush" or "Close".
	Op string
	// Pending counts the events still waiting: for Flush, those it waited
	// for when its context ended (they stay queued); for Close, those a
	// stuck delivery goroutine still holds.
	Pending int
	// GaveUp counts the events Close dropped because ShutdownTimeout ran
	// out: RateLimited for those a 429 pause held back, Closed for the rest.
	GaveUp DroppedStats
	// KeyRejected counts the events the server refused because of the API
	// key: during the Flush call, or in the client's lifetime for Close.
	KeyRejected uint64
	// Rejected counts the events the server refused for good for another
	// reason (400, 422) in the client's lifetime (Close only).
	Rejected uint64

	shutdownTimeout time.Duration
	causes          []error
}

// Error says what happened and what to do, e.g. "errsight: Close: 12 events
// not delivered: 8 held back by the server's rate limit and 4 still queued
// when ShutdownTimeout (5s) ran out; raise Options.ShutdownTimeout or Flush
// earlier".
func (e *DeliveryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "errsight: %s: ", e.Op)
	var parts []string
	if e.Op == "Flush" && e.Pending > 0 {
		parts = append(parts, fmt.Sprintf("%d events still waiting for delivery when the context ended (%v); they stay queued: Flush again, or Close", e.Pending, e.ctxErr()))
	}
	if n := e.GaveUp.RateLimited + e.GaveUp.Closed; n > 0 {
		var what []string
		if e.GaveUp.RateLimited > 0 {
			what = append(what, fmt.Sprintf("%d held back by the server's rate limit", e.GaveUp.RateLimited))
		}
		if e.GaveUp.Closed > 0 {
			what = append(what, fmt.Sprintf("%d still queued", e.GaveUp.Closed))
		}
		parts = append(parts, fmt.Sprintf("%s when ShutdownTimeout (%v) ran out; raise Options.ShutdownTimeout or Flush earlier",
			strings.Join(what, " and "), e.shutdownTimeout))
	}
	if e.Op == "Close" && e.Pending > 0 {
		parts = append(parts, fmt.Sprintf("%d held by the delivery goroutine, which is stuck in user code (an Error, String, MarshalJSON or LogValue method, or a Transport, that does not return); it is left running and drops them when that code returns", e.Pending))
	}
	if e.KeyRejected > 0 {
		parts = append(parts, fmt.Sprintf("%d refused because the server rejected the API key (401/403); check Options.APIKey or %s (a write key, elp_...) and that the project is active", e.KeyRejected, EnvAPIKey))
	}
	if e.Rejected > 0 {
		parts = append(parts, fmt.Sprintf("%d refused by the server for good (run with Options.Debug to see why)", e.Rejected))
	}
	fmt.Fprintf(&b, "%d events not delivered: %s", e.total(), strings.Join(parts, "; "))
	return b.String()
}

func (e *DeliveryError) total() uint64 {
	return uint64(e.Pending) + e.GaveUp.RateLimited + e.GaveUp.Closed + e.KeyRejected + e.Rejected
}

func (e *DeliveryError) ctxErr() error {
	for _, c := range e.causes {
		if c != ErrAPIKeyRejected && c != ErrShutdownTimeout && c != ErrDeliveryStuck {
			return c
		}
	}
	return nil
}

// Unwrap returns the causes errors.Is and errors.As match.
func (e *DeliveryError) Unwrap() []error { return e.causes }

// flushError translates the batcher's Flush outcome for the user. Events
// refused for the API key since the previous Flush are reported once: a
// request answered just before the call is still news to the caller.
func (c *Client) flushError(err error) error {
	e := &DeliveryError{Op: "Flush"}
	var fe *batcher.FlushError
	if errors.As(err, &fe) {
		e.Pending = fe.Pending
		e.causes = append(e.causes, fe.Err)
	} else if err != nil {
		return fmt.Errorf("errsight: Flush: %w", err) // not expected: the batcher has no other error
	}
	total := c.queue.Stats().Dropped[batcher.DropUnauthorized]
	if n := total - c.keyReported.Swap(total); n > 0 && total > 0 {
		e.KeyRejected = n
		e.causes = append(e.causes, ErrAPIKeyRejected)
	}
	if e.total() == 0 {
		return nil
	}
	return e
}

// closeError translates the batcher's Close outcome for the user, adding
// what the server refused during the client's lifetime.
func (c *Client) closeError(err error) error {
	e := &DeliveryError{Op: "Close", shutdownTimeout: c.opts.ShutdownTimeout}
	var ce *batcher.CloseError
	if errors.As(err, &ce) {
		e.GaveUp.RateLimited = ce.GaveUp[batcher.DropRateLimited]
		e.GaveUp.Closed = ce.GaveUp[batcher.DropClosed]
		if e.GaveUp.RateLimited+e.GaveUp.Closed > 0 {
			e.causes = append(e.causes, ErrShutdownTimeout)
		}
		if ce.Stuck {
			e.Pending = ce.Unresolved
			e.causes = append(e.causes, ErrDeliveryStuck)
			if len(e.causes) == 1 {
				e.causes = append(e.causes, ErrShutdownTimeout)
			}
		}
	} else if err != nil {
		return fmt.Errorf("errsight: Close: %w", err) // not expected: the batcher has no other error
	}
	st := c.queue.Stats()
	if e.KeyRejected = st.Dropped[batcher.DropUnauthorized]; e.KeyRejected > 0 {
		e.causes = append(e.causes, ErrAPIKeyRejected)
	}
	e.Rejected = st.Dropped[batcher.DropRejected]
	if e.total() == 0 {
		return nil
	}
	return e
}
