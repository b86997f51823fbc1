// Package transport delivers encoded event batches to the ErrSight ingestion
// API. The [Transport] interface is the seam between the SDK's background
// worker and the network; [NewHTTP] builds the default implementation.
//
// # What this package promises
//
// transport is an extension point: errsight.Options.Transport takes any
// [Transport], to route batches elsewhere, record them in tests, or wrap
// [HTTP]. Its contract is the Transport interface with [Outcome] and
// [Kind] (what each answer means to the delivery policy), [NewHTTP] with
// [HTTPOptions], and the helpers a custom Transport needs to answer like
// the default one: [ParseRetryAfter] and [Redact]. The policy itself
// (pauses, backoff, splitting, Close's deadline) is not here: it belongs to
// the SDK's worker, which decides by the Outcome alone.
package transport

import (
	"context"
	"fmt"
	"time"
)

// Transport sends one batch of events.
//
// Contract:
//   - body is a JSON array of event objects; Send must not retain or modify
//     it after returning.
//   - Send honours ctx: when ctx ends it returns promptly with an outcome of
//     kind [Retry] (the batch is still worth sending later).
//   - Send never panics and performs no retries of its own: the caller owns
//     the retry, backoff and rate-limit policy, and decides by the Outcome.
//   - Send is called concurrently, by up to Options.MaxConcurrentSends
//     goroutines of the SDK's worker (errsight.Options, default 5):
//     implementations must be safe for concurrent use.
type Transport interface {
	Send(ctx context.Context, body []byte) Outcome
}

// Kind classifies the result of a Send.
type Kind int

const (
	// Delivered: the server accepted the batch (2xx).
	Delivered Kind = iota
	// Retry: a transient failure (5xx, timeout, connection error); send the
	// same batch again after a backoff.
	Retry
	// RateLimited: the server asked the client to back off (429).
	// Outcome.RetryAfter, RetryAfterSet and Limit say for how long and why.
	RateLimited
	// TooLarge: the server refused the body as too large (413). A batch of
	// more than one event should be split; a single event dropped.
	TooLarge
	// Rejected: the server refused the batch for good (400, 401, 403, 422,
	// a redirect, or any other non-retryable answer). Drop it.
	Rejected
)

var kindNames = [...]string{"delivered", "retry", "rate_limited", "too_large", "rejected"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Outcome is what happened to one Send.
type Outcome struct {
	Kind Kind
	// Status is the HTTP status code, or 0 when no response was received.
	Status int
	// RetryAfter is the server-requested delay for RateLimited outcomes.
	// A positive value is always honoured. 0 means "the server gave no
	// delay, apply your default" unless RetryAfterSet is true, when it means
	// "retry now" (Retry-After: 0, or a date in the past).
	RetryAfter time.Duration
	// RetryAfterSet reports that the server sent a valid Retry-After, so
	// that a RetryAfter of 0 reads as "retry now" rather than "none given".
	RetryAfterSet bool
	// Limit is the project's rate limit in events per window
	// (X-RateLimit-Limit) for RateLimited outcomes, 0 when not given. The
	// server counts a whole request against it and admits it only if it
	// fits, so a request of more than Limit events is refused for ever.
	Limit int
	// Err describes a failure for diagnostics. It never contains the API key.
	Err error
}
