// Package errsighttest provides an in-process ErrSight ingestion API for
// tests, in the manner of net/http/httptest.
//
// A [Server] listens on loopback, enforces the rules of the real ErrSight
// server for POST /api/v1/events, records what it receives, and can be told
// to fail. It imports nothing from the SDK, so it can check any client:
// the SDK's own tests, and the tests of programs that report errors with
// it.
//
// # Starting a server
//
// [NewServer] starts a server; [Server.Close] stops it. Point the client at
// [Server.URL] with [Server.APIKey]:
//
//	srv := errsighttest.NewServer()
//	defer srv.Close()
//
//	client, err := errsight.NewClient(errsight.Options{
//		Host:                   srv.URL,
//		APIKey:                 srv.APIKey(),
//		AllowInsecureTransport: true,
//	})
//	...
//	events, err := srv.WaitForEvents(1, 5*time.Second)
//
// The client reports only where it is bound: captures made with a context
// carrying no hub go to the global hub. Put the client in a hub in the
// context the code under test captures with (errsight.ContextWithHub(ctx,
// errsight.NewHub(client, nil))), or use package
// github.com/errsight/errsight-go/errsighttest/testhub, whose New(t) does
// all of it and cleans up when the test ends.
//
// NewServer takes no testing.T, so it also works in Example functions.
// [NewTLSServer] serves HTTPS; [Server.Client] returns a client that trusts
// it.
//
// # The rules
//
// Requests to any other path are answered 404, other methods on the
// endpoint 405. For POST [Path] the server checks, in the real server's
// order:
//
//	401 {"error":"Invalid or missing API key"}     no key, a key not matching
//	                                               ^(elp|elr)_[0-9a-f]{48}$, or an unknown key
//	403 {"error":"Organization is no longer active"}  see SetOrganizationInactive
//	403 {"error":"API key lacks required scope: write"}  the ReadKey
//	413 {"error":...,"code":"PAYLOAD_TOO_LARGE"}   Content-Length over 524,288
//	429 {"error":...,"code":"INGESTION_PAUSED"}    see SetIngestionPaused; no Retry-After
//	413 {"error":...,"code":"PAYLOAD_TOO_LARGE"}   more than 524,288 bytes read
//	400 {"error":"Invalid JSON payload","code":"INVALID_JSON"}
//	                                               not one strict JSON object or array
//	                                               of objects, or not valid UTF-8
//	422 {"error":"Batch size exceeds limit of 100"}  more than 100 events
//	429 {"error":...,"code":"RATE_LIMIT_EXCEEDED","retry_after":N}
//	                                               see SetRateLimit; Retry-After and
//	                                               X-RateLimit-Limit headers
//	202 {"status":"accepted","queued":N}
//
// The key is read from X-API-Key, or when that is blank from Authorization
// with a leading "Bearer " removed. Like the real server, this one does not
// look at Content-Type (assert it on [Server.Requests] if you care).
//
// # What is recorded
//
// [Server.Requests] returns every request ([Request]: method, path,
// headers, body, status, event count). [Server.Events] returns every
// accepted event ([Event]), keeping the raw JSON as sent (key order
// included) next to decoded fields: level, message, tags, user,
// breadcrumbs, metadata with its keys in order, and the exception data
// ([Event.ExceptionClass], [Event.ExceptionFrames], [Event.ExceptionCauses]).
// [Server.WaitForEvents] and [Server.WaitForRequests] block until enough
// arrived. [Server.Reset] forgets everything recorded.
//
// # What the real server would keep
//
// The real server accepts an event first (202) and sanitises it later,
// silently. [Event.Stored] applies that sanitising and returns a
// [StoredEvent]: the level normalised, the message stripped of ANSI escapes
// and cut at 10,000 characters, only the first 50 metadata keys, the first
// 30 tags, the first 50 breadcrumbs, and so on. Its Fingerprint is the
// issue the event is grouped under ([Event.GroupingKey]): the event's
// fingerprint, else exception_class and the first in-app frame, else the
// legacy message-and-backtrace hash. [Event.Problems] lists each way an
// event departs from the protocol, so a test of an SDK can require none:
//
//	for _, ev := range srv.Events() {
//		if p := ev.Problems(); len(p) > 0 {
//			t.Errorf("event %s: %v", ev.Message, p)
//		}
//	}
//
// # Faults
//
// A [Fault] replaces the answer to a request: a status (429 with or without
// Retry-After, 503, ...), a body, a delay, a request that hangs, or a
// connection closed without an answer. [Server.Fail] queues faults for the
// next requests, one each; [Server.SetFault] sets one for every request
// until [Server.ClearFaults]:
//
//	srv.Fail(
//		errsighttest.Fault{Status: 503},
//		errsighttest.Fault{Status: 429, RetryAfter: "2"},
//	)
//	// The first request gets 503, the second 429, the third is served normally.
//
// Events of a faulted request are never accepted. [Server.Close] releases
// requests held by a delay or a hang, so it never blocks on them.
// Project states are modelled by [Server.SetIngestionPaused],
// [Server.SetOrganizationInactive] and [Server.SetRateLimit].
//
// # Differences from the real server
//
// Where the real server would crash (500) or queue an empty event, on a
// top-level string, number or null, or an array holding one, this server
// answers 400. Both answer 400 to invalid UTF-8 (measured: the real
// server's parameter parser refuses a JSON body that is not UTF-8).
//
// A NUL character (U+0000) in any string makes the real server's
// processing job fail after the 202: the events of the request before it
// are stored, it and the ones after it are lost (with the job run inline,
// as in its development setup, it answers 500 after storing the earlier
// ones, so a retry stores those twice). This server accepts and records
// every event of such a request; [Event.Problems] flags the NUL and
// [StoredEvent.Rejection] says the event would not be stored. A key
// repeated in one object keeps its first position and its last value on
// both; Problems flags it. The real server replaces "ingestion_id" with an
// id of its own, so an SDK that wants its id found must send it in a field
// the server keeps (the Go SDK sends the tag and metadata key
// errsight_event_id); [Event.IngestionID] is what was sent.
//
// GET on the endpoint is the real
// server's read API; here it is 405. The rate limit is off until
// [Server.SetRateLimit] (the real server's default project limit is 60
// events per minute: SetRateLimit(60, 0) tests against it), and its windows
// start at the first request instead of on the clock's minutes. [Event.Stored] parses
// fewer time formats than Rails does. Everything else follows the real
// server's source.
//
// # Concurrency
//
// Every method of [Server] is safe for concurrent use, also while requests
// are served. [Event], [Request] and [StoredEvent] are plain values owned
// by whoever holds them.
package errsighttest
