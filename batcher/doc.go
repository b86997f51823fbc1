// Package batcher owns the SDK's bounded event queue and the single worker
// goroutine that encodes, batches and delivers events through a
// [transport.Transport].
//
// # What this package promises
//
// batcher is the errsight root package's delivery engine, public so that
// its policy can be read and tested on its own; it is not an extension
// point. Its contract with the root is [New], [Config], [Batcher] and its
// methods, [Stats], [DropReason], [CloseError] and [FlushError], and the
// policy constants below (the API's limits, the default pause and the
// backoff bounds). Anything else is unexported on purpose. Applications
// configure delivery through errsight.Options and plug in through
// transport.Transport, never through this package.
//
// The root package uses it like this (these names and signatures are its
// contract):
//
//	b := batcher.New(batcher.Config[T]{...})   // starts exactly one worker goroutine
//	ok := b.Enqueue(item)                      // never blocks; false = dropped (counted)
//	err := b.Flush(ctx)                        // waits for everything enqueued before the call
//	err = b.Close(timeout)                     // drain within timeout, stop worker; idempotent
//	st := b.Stats()
//
// # Queue
//
// [Batcher.Enqueue] is a non-blocking send on a channel of
// Config.MaxQueueSize items: capture must never wait for the network. When
// the queue is full the new item is dropped and counted under
// [DropQueueFull]; after Close every item is dropped under [DropClosed].
// Nothing is lost without a count: Enqueued equals Sent plus the drops of
// accepted items plus Pending at all times.
//
// # Batches
//
// The worker encodes each item once, when it takes it from the queue, and
// keeps the bytes until the item is delivered or dropped, so a retried
// event is byte for byte the same (same ingestion_id: the server can
// de-duplicate). A request body is "[" + events joined by "," + "]", at
// most Config.MaxBatchBytes long and at most Config.BatchSize events. A
// batch goes out when it is full or Config.FlushInterval after its oldest
// event arrived. An event too large for a request on its own is re-encoded
// at higher shrink levels (up to Config.ShrinkLevels) until it fits, or
// dropped under [DropTooLarge].
//
// # Delivery policy
//
// The [transport.Outcome] of each send decides, in one place (worker.go):
//
//   - Delivered: counted in Sent; the backoff resets.
//   - RateLimited (429): every send pauses until the server's Retry-After
//     ([DefaultRetryAfter] when it gave none, at most [MaxRetryAfter];
//     "Retry-After: 0" or a past date means at once, then the backoff if the
//     server keeps saying so); the batch is held and goes first afterwards.
//     The server counts a whole request against its per-minute limit and
//     admits it only if it fits, so a request larger than the limit is
//     refused for ever: from then on no request carries more events than
//     the limit the 429 advertises (X-RateLimit-Limit), or half the batch
//     when it advertises none, and held batches are split to match.
//   - Retry (5xx, network): the batch is held and re-sent after an
//     exponential backoff with full jitter ([MinBackoff] to [MaxBackoff]).
//   - TooLarge (413): the batch is split in halves, first half first; a
//     single event is dropped under [DropTooLarge].
//   - Rejected: the batch is dropped under [DropRejected] ([DropUnauthorized]
//     for 401 and 403: the API key was refused, which Config.Warnf hears of
//     once); later batches still go out.
//
// Every drop, of any reason, is counted in [Stats] and heard of in
// Config.Debugf (the first, then one line per power of two of the count).
//
// # Concurrent sends
//
// Up to Config.MaxInFlight requests are in flight at once (default 1), each
// Send on a goroutine of its own that hands its outcome back to the worker,
// which alone applies the policy above: a 429 or a backoff holds every
// send that has not started, Close's deadline cancels those in flight and
// waits for them, and Stats count each batch once. While a batch is held,
// nothing newer is cut; with one request in flight events arrive in the
// order they were enqueued, with more they may not. The worker stops taking
// items from the queue once it holds a batch for every request it may have
// in flight: memory stays bounded by the queue and MaxInFlight batches, and
// Enqueue keeps dropping-and-counting rather than blocking.
//
// # Flush and Close
//
// [Batcher.Flush] wakes the worker to send everything accepted before the
// call without waiting for the FlushInterval (a 429 pause or a backoff is
// still honoured), and waits for it or for its context. [Batcher.Close] does
// the same within a timeout, gives up early when a pause outlasts it,
// cancels the send in flight at the deadline, stops the worker, waits for
// it to exit and reports how many events were not delivered, and why. Both
// return at their deadline even when the worker is stuck in code that
// ignores it (a user's Error method inside Encode, a Transport that ignores
// its context): the worker is then leaked until that code returns
// ([Batcher.Done]).
package batcher
