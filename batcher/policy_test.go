//go:build go1.25

// testing/synctest is Go 1.25's: these tests need it, the package itself
// builds with the module's older go line.

package batcher

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

var (
	delivered   = transport.Outcome{Kind: transport.Delivered, Status: 202}
	unavailable = transport.Outcome{Kind: transport.Retry, Status: 503, Err: errors.New("server error (503)")}
	rejected    = transport.Outcome{Kind: transport.Rejected, Status: 422, Err: errors.New("rejected (422)")}
	tooLarge    = transport.Outcome{Kind: transport.TooLarge, Status: 413}
)

// rateLimited is a 429 as the real server sends it: Retry-After (when d > 0)
// with X-RateLimit-Limit.
func rateLimited(d time.Duration) transport.Outcome {
	return transport.Outcome{Kind: transport.RateLimited, Status: 429, RetryAfter: d, RetryAfterSet: d > 0, Limit: 60}
}

// retryNow is a 429 with "Retry-After: 0".
var retryNow = transport.Outcome{Kind: transport.RateLimited, Status: 429, RetryAfterSet: true, Limit: 60}

// TestRetryAfterZero: "Retry-After: 0" means retry now (RFC 9110), not the
// default pause; a server that keeps saying so gets the backoff, not a hot
// loop.
func TestRetryAfterZero(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{script: outcomes(retryNow, retryNow, retryNow, retryNow)}
		b := newTest(tr, nil)
		defer mustClose(t, b)
		start := time.Now()
		enqueueAll(t, b, items(1, 10))
		err := b.Flush(context.Background())
		require.NoError(t, err, fmt.Sprint(err))
		calls := tr.Calls()
		require.Len(t, calls, 5, "%d sends, delivered %v; want 5 sends delivering 1..10", len(calls), tr.delivered())
		require.True(t, slices.Equal(tr.delivered(), seq(1, 10)), "%d sends, delivered %v; want 5 sends delivering 1..10", len(calls), tr.delivered())
		d := calls[1].at.Sub(start)
		assert.Zero(t, d, "first retry after %v, want at once", d)
		for i := 2; i < len(calls); i++ {
			gap, limit := calls[i].at.Sub(calls[i-1].at), backoffCap(i-2)
			assert.Less(t, gap, limit, "retry %d after %v, want a backoff below %v", i, gap, limit)
		}
		elapsed := calls[4].at.Sub(start)
		assert.Less(t, elapsed, DefaultRetryAfter, "delivered after %v, want well before the default pause (%v)", elapsed, DefaultRetryAfter)
		s := b.Stats()
		assert.EqualValues(t, 4, s.Retries, "Retries = %d, want 4", s.Retries)
		checkAccounting(t, b, tr)
	})
}

// windowServer answers like the real server's rate limiter: at most limit
// events per minute, a request counted whole and admitted only if it fits.
// withHeader says whether its 429 carries X-RateLimit-Limit.
func windowServer(limit int, withHeader bool) func(int, []int) transport.Outcome {
	var start time.Time
	count := 0
	return func(_ int, ids []int) transport.Outcome {
		now := time.Now()
		if start.IsZero() || now.Sub(start) >= time.Minute {
			start, count = now, 0
		}
		if count+len(ids) > limit {
			out := transport.Outcome{Kind: transport.RateLimited, Status: 429,
				RetryAfter: max(time.Second, start.Add(time.Minute).Sub(now).Round(time.Second)), RetryAfterSet: true}
			if withHeader {
				out.Limit = limit
			}
			return out
		}
		count += len(ids)
		return delivered
	}
}

// TestRateLimitSplitsBatches: the server refuses for ever a request of more
// events than its per-minute limit. The batcher must never send more than
// the advertised limit in one request, split what it holds, and adapt when
// the limit is not advertised.
func TestRateLimitSplitsBatches(t *testing.T) {
	tests := []struct {
		name       string
		withHeader bool
		maxPerReq  int // the largest request allowed after the first 429
	}{
		{"limit advertised", true, 60},
		{"limit not advertised: halve", false, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := &fakeTransport{script: windowServer(60, tt.withHeader)}
				b := newTest(tr, func(c *Config[*item]) { c.BatchSize = 100; c.MaxQueueSize = 200 })
				defer mustClose(t, b)
				enqueueAll(t, b, items(1, 120))
				err := b.Flush(context.Background())
				require.NoError(t, err, fmt.Sprint(err))
				got := tr.delivered()
				require.True(t, slices.Equal(got, seq(1, 120)), "delivered %d events, want 1..120 in order", len(got))
				for i, c := range tr.Calls() {
					if i > 0 {
						assert.LessOrEqual(t, len(c.ids), tt.maxPerReq, "request %d carried %d events, more than %d", i, len(c.ids), tt.maxPerReq)
					}
				}
				checkAccounting(t, b, tr)
			})
		})
	}
}

func TestRateLimitPause(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration
		wantPause  time.Duration
	}{
		{"server delay", 2 * time.Second, 2 * time.Second},
		{"no delay given", 0, DefaultRetryAfter},
		{"negative delay", -time.Second, DefaultRetryAfter},
		{"capped", 3 * time.Hour, MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := &fakeTransport{script: outcomes(rateLimited(tt.retryAfter))}
				b := newTest(tr, func(c *Config[*item]) { c.MaxQueueSize = 30 })
				defer mustClose(t, b)
				start := time.Now()

				enqueueAll(t, b, items(1, 10)) // a full batch: sent at once, answered 429
				synctest.Wait()
				require.Equal(t, tt.wantPause, b.Stats().PausedUntil.Sub(start), "PausedUntil - start")
				enqueueAll(t, b, items(11, 10)) // a second full batch waits behind the pause
				// Enqueue keeps working during the pause, the queue stays bounded.
				var dropped int
				for _, it := range items(100, 100) {
					if !b.Enqueue(it) {
						dropped++
					}
				}
				require.NotZero(t, dropped, "during the pause %d of 100 extra items dropped (counted %d), want the queue to bound them", dropped, b.Stats().Dropped[DropQueueFull])
				assert.Equal(t, uint64(dropped), b.Stats().Dropped[DropQueueFull], "during the pause %d of 100 extra items dropped (counted %d), want the queue to bound them", dropped, b.Stats().Dropped[DropQueueFull])

				time.Sleep(tt.wantPause - time.Millisecond)
				synctest.Wait()
				n := len(tr.Calls())
				require.EqualValues(t, 1, n, "%d sends during the pause, want only the first", n)
				time.Sleep(time.Millisecond)
				synctest.Wait()
				calls := tr.Calls()
				require.GreaterOrEqual(t, len(calls), 3, "%d sends after the pause, want at least 3", len(calls))
				require.True(t, slices.Equal(calls[1].ids, seq(1, 10)), "first send after the pause = %v, want the held batch 1..10, byte for byte", calls[1].ids)
				assert.Equal(t, calls[0].body, calls[1].body, "first send after the pause = %v, want the held batch 1..10, byte for byte", calls[1].ids)
				assert.True(t, slices.Equal(calls[2].ids, seq(11, 10)), "second send after the pause = %v, want 11..20", calls[2].ids)
				d := calls[1].at.Sub(start)
				assert.Equal(t, tt.wantPause, d, "resumed after %v, want %v", d, tt.wantPause)
				err := b.Flush(context.Background())
				require.NoError(t, err, fmt.Sprint(err))
				s := b.Stats()
				require.EqualValues(t, 1, s.Retries, "Retries = %d, PausedUntil = %v; want 1 and zero", s.Retries, s.PausedUntil)
				assert.True(t, s.PausedUntil.IsZero(), "Retries = %d, PausedUntil = %v; want 1 and zero", s.Retries, s.PausedUntil)
				checkAccounting(t, b, tr)
			})
		})
	}
}

func TestRetryBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{script: outcomes(unavailable, unavailable)}
		b := newTest(tr, nil)
		defer mustClose(t, b)
		enqueueAll(t, b, items(1, 25))
		require.NoError(t, b.Flush(context.Background()), "Flush")
		calls := tr.Calls()
		got := tr.delivered()
		assert.True(t, slices.Equal(got, seq(1, 25)), "delivered %v, want 1..25 exactly once, in order", got)
		require.Len(t, calls, 5, "calls = %v, want the first batch three times, byte for byte, then two more", tr.batchSizes())
		require.Equal(t, calls[0].body, calls[1].body, "calls = %v, want the first batch three times, byte for byte, then two more", tr.batchSizes())
		require.Equal(t, calls[0].body, calls[2].body, "calls = %v, want the first batch three times, byte for byte, then two more", tr.batchSizes())
		// Full jitter: the n-th retry waits less than MinBackoff << (n-1).
		d := calls[1].at.Sub(calls[0].at)
		assert.Less(t, d, MinBackoff, "first retry after %v, want < %v", d, MinBackoff)
		d = calls[2].at.Sub(calls[1].at)
		assert.Less(t, d, 2*MinBackoff, "second retry after %v, want < %v", d, 2*MinBackoff)
		s := b.Stats()
		require.EqualValues(t, 2, s.Retries, "Retries = %d, Sent = %d; want 2 and 25", s.Retries, s.Sent)
		assert.EqualValues(t, 25, s.Sent, "Retries = %d, Sent = %d; want 2 and 25", s.Retries, s.Sent)
		checkAccounting(t, b, tr)
	})
}

func TestBackoffCap(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {5, 32 * time.Second},
		{6, MaxBackoff}, {40, MaxBackoff}, {1 << 20, MaxBackoff},
	}
	for _, tt := range tests {
		got := backoffCap(tt.failures)
		assert.Equal(t, tt.want, got, "backoffCap(%d) = %v, want %v", tt.failures, got, tt.want)
		for range 100 {
			d := backoff(tt.failures)
			require.GreaterOrEqual(t, d, time.Duration(0), "backoff(%d) = %v, outside [0, %v)", tt.failures, d, tt.want)
			require.Less(t, d, tt.want, "backoff(%d) = %v, outside [0, %v)", tt.failures, d, tt.want)
		}
	}
}

func TestTooLargeSplits(t *testing.T) {
	tests := []struct {
		name      string
		script    func(int, []int) transport.Outcome
		wantSizes []int
		wantSent  []int
		wantDrop  uint64
	}{
		{
			name: "halves until they fit",
			script: func(_ int, ids []int) transport.Outcome {
				if len(ids) > 2 {
					return tooLarge
				}
				return delivered
			},
			wantSizes: []int{10, 5, 3, 2, 1, 2, 5, 3, 2, 1, 2},
			wantSent:  seq(1, 10),
		},
		{
			name: "a single event too large is dropped",
			script: func(_ int, ids []int) transport.Outcome {
				if slices.Contains(ids, 3) {
					return tooLarge
				}
				return delivered
			},
			wantSizes: []int{10, 5, 3, 2, 1, 2, 5},
			wantSent:  []int{1, 2, 4, 5, 6, 7, 8, 9, 10},
			wantDrop:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tr := &fakeTransport{script: tt.script}
				b := newTest(tr, nil)
				defer mustClose(t, b)
				enqueueAll(t, b, items(1, 10))
				require.NoError(t, b.Flush(context.Background()), "Flush")
				assert.True(t, slices.Equal(tr.batchSizes(), tt.wantSizes))
				got := tr.delivered()
				assert.True(t, slices.Equal(got, tt.wantSent), "delivered %v, want %v", got, tt.wantSent)
				s := b.Stats()
				require.Equal(t, tt.wantDrop, s.Dropped[DropTooLarge], "DropTooLarge = %d, Retries = %d; want %d and 0", s.Dropped[DropTooLarge], s.Retries, tt.wantDrop)
				assert.Zero(t, s.Retries, "DropTooLarge = %d, Retries = %d; want %d and 0", s.Dropped[DropTooLarge], s.Retries, tt.wantDrop)
				checkAccounting(t, b, tr)
			})
		})
	}
}

func TestRejectedDropsOnlyItsBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{script: func(_ int, ids []int) transport.Outcome {
			if slices.Contains(ids, 15) {
				return rejected
			}
			return delivered
		}}
		var debug []string
		b := newTest(tr, func(c *Config[*item]) {
			c.Debugf = func(format string, args ...any) { debug = append(debug, format) }
		})
		enqueueAll(t, b, items(1, 30))
		require.NoError(t, b.Flush(context.Background()), "Flush")
		want := append(seq(1, 10), seq(21, 10)...)
		got := tr.delivered()
		assert.True(t, slices.Equal(got, want), "delivered %v, want %v", got, want)
		s := b.Stats()
		require.EqualValues(t, 10, s.Dropped[DropRejected], "stats = %+v, want 10 rejected, 20 sent, no retry", s)
		require.EqualValues(t, 20, s.Sent, "stats = %+v, want 10 rejected, 20 sent, no retry", s)
		assert.Zero(t, s.Retries, "stats = %+v, want 10 rejected, 20 sent, no retry", s)
		checkAccounting(t, b, tr)
		mustClose(t, b)
		assert.True(t, slices.ContainsFunc(debug, func(s string) bool { return strings.Contains(s, "rejected") }), "debug lines %q, want one about the rejected batch", debug)
	})
}

// TestMixedOutcomes drives every policy branch in one run and checks that
// the counters account for each event exactly once.
func TestMixedOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		kinds := []transport.Outcome{delivered, unavailable, delivered, rejected, rateLimited(time.Second),
			delivered, tooLarge, delivered, unavailable, unavailable, delivered, rejected}
		tr := &fakeTransport{script: func(n int, ids []int) transport.Outcome { return kinds[n%len(kinds)] }}
		b := newTest(tr, func(c *Config[*item]) { c.BatchSize = 7; c.MaxQueueSize = 500 })
		defer mustClose(t, b)
		enqueueAll(t, b, items(1, 400))
		require.NoError(t, b.Flush(context.Background()), "Flush")
		var rejectedIDs, tooLargeDrops int
		seen := map[int]bool{}
		for _, c := range tr.Calls() {
			switch c.out.Kind {
			case transport.Delivered:
				for _, id := range c.ids {
					require.False(t, seen[id], "event %d delivered twice", id)
					seen[id] = true
				}
			case transport.Rejected:
				rejectedIDs += len(c.ids)
			case transport.TooLarge:
				if len(c.ids) == 1 {
					tooLargeDrops++
				}
			}
		}
		s := b.Stats()
		require.Equal(t, uint64(rejectedIDs), s.Dropped[DropRejected], "Dropped = %v, transport saw %d rejected and %d too large", s.Dropped, rejectedIDs, tooLargeDrops)
		assert.Equal(t, uint64(tooLargeDrops), s.Dropped[DropTooLarge], "Dropped = %v, transport saw %d rejected and %d too large", s.Dropped, rejectedIDs, tooLargeDrops)
		require.EqualValues(t, 400, s.Sent+uint64(rejectedIDs+tooLargeDrops), "Sent %d + dropped %d != 400 (Pending %d)", s.Sent, rejectedIDs+tooLargeDrops, s.Pending)
		assert.Zero(t, s.Pending, "Sent %d + dropped %d != 400 (Pending %d)", s.Sent, rejectedIDs+tooLargeDrops, s.Pending)
		checkAccounting(t, b, tr)
	})
}

// TestRejectedKeyWarnsOnce: a rejected API key is a configuration error:
// the user hears of it once even without debugging, and its drops are
// counted apart from the server's other refusals.
func TestRejectedKeyWarnsOnce(t *testing.T) {
	for _, status := range []int{401, 403} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				out := transport.Outcome{Kind: transport.Rejected, Status: status, Err: errors.New("the API key was rejected")}
				tr := &fakeTransport{script: func(int, []int) transport.Outcome { return out }}
				var warnings []string
				b := newTest(tr, func(c *Config[*item]) { c.Warnf = func(msg string) { warnings = append(warnings, msg) } })
				enqueueAll(t, b, items(1, 25))
				err := b.Flush(context.Background())
				require.NoError(t, err, fmt.Sprint(err))
				mustClose(t, b)
				require.Len(t, warnings, 1, "warnings = %q, want one about the key", warnings)
				assert.Contains(t, warnings[0], "rejected the API key", "warnings = %q, want one about the key", warnings)
				s := b.Stats()
				require.EqualValues(t, 25, s.Dropped[DropUnauthorized], "Dropped = %v, want 25 unauthorized", s.Dropped)
				assert.Zero(t, s.Dropped[DropRejected], "Dropped = %v, want 25 unauthorized", s.Dropped)
			})
		})
	}
}

// TestEveryDropIsHeard: each drop reason gives a debug line, and a flood
// of drops gives a handful (one per power of two).
func TestEveryDropIsHeard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var lines []string
		var mu sync.Mutex
		b := newTest(&fakeTransport{hang: true}, func(c *Config[*item]) {
			c.MaxQueueSize = 1
			c.Debugf = func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				lines = append(lines, fmt.Sprintf(format, args...))
			}
		})
		enqueueAll(t, b, []*item{{id: 1, suppress: true}})
		synctest.Wait()
		for i := range 100 { // the worker is stuck in a hanging Send after the first
			b.Enqueue(&item{id: 10 + i})
		}
		_ = b.Close(time.Second)
		b.Enqueue(&item{id: 1000})
		mu.Lock()
		defer mu.Unlock()
		count := func(reason DropReason) int {
			n := 0
			for _, l := range lines {
				if strings.Contains(l, "("+reason.String()+")") {
					n++
				}
			}
			return n
		}
		for _, tc := range []struct {
			reason   DropReason
			min, max int
		}{{DropSuppressed, 1, 1}, {DropQueueFull, 1, 8}, {DropClosed, 1, 3}} {
			n := count(tc.reason)
			require.GreaterOrEqual(t, n, tc.min, "%d debug lines for %v, want %d to %d; lines: %q", n, tc.reason, tc.min, tc.max, lines)
			assert.LessOrEqual(t, n, tc.max, "%d debug lines for %v, want %d to %d; lines: %q", n, tc.reason, tc.min, tc.max, lines)
		}
	})
}

// TestConcurrentSends: with MaxInFlight > 1 the worker keeps that many
// requests in flight, and every delivery rule still holds for all of them:
// a 429 pauses every send, Close's deadline ends them all, Stats stay exact.
func TestConcurrentSends(t *testing.T) {
	t.Run("in flight together", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			inFlight, peak := 0, 0
			tr := sendFunc(func(ctx context.Context, body []byte) transport.Outcome {
				mu.Lock()
				inFlight++
				peak = max(peak, inFlight)
				mu.Unlock()
				time.Sleep(200 * time.Millisecond) // a slow server
				mu.Lock()
				inFlight--
				mu.Unlock()
				return delivered
			})
			b := New(Config[*item]{Transport: tr, Encode: encodeItem, MaxInFlight: 4, MaxQueueSize: 100})
			start := time.Now()
			enqueueAll(t, b, items(1, 80))
			err := b.Flush(context.Background())
			require.NoError(t, err, fmt.Sprint(err))
			// 8 batches of 10, 4 at a time: two rounds of 200 ms, not eight.
			d := time.Since(start)
			assert.Equal(t, 400*time.Millisecond, d, "80 events took %v, want 400ms", d)
			assert.EqualValues(t, 4, peak, "at most %d requests in flight, want 4", peak)
			s := b.Stats()
			require.EqualValues(t, 80, s.Sent, "Stats = %+v, want 80 sent", s)
			assert.Zero(t, s.Pending, "Stats = %+v, want 80 sent", s)
			mustClose(t, b)
		})
	})
	t.Run("a 429 pauses every send", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tr := &fakeTransport{script: outcomes(rateLimited(5 * time.Second))}
			b := newTest(tr, func(c *Config[*item]) { c.MaxInFlight = 4; c.MaxQueueSize = 100 })
			defer mustClose(t, b)
			start := time.Now()
			enqueueAll(t, b, items(1, 80))
			err := b.Flush(context.Background())
			require.NoError(t, err, fmt.Sprint(err))
			// The first round went out together; after the 429 nothing
			// starts before the pause ends.
			for _, c := range tr.Calls() {
				if d := c.at.Sub(start); d != 0 {
					assert.GreaterOrEqual(t, d, 5*time.Second, "a send started %v after the start, inside the 5s pause", d)
				}
			}
			got := tr.delivered()
			assert.Len(t, got, 80, "delivered %d events, want 80", len(got))
			s := b.Stats()
			assert.EqualValues(t, 1, s.Retries, "Retries = %d, want 1", s.Retries)
			checkAccounting(t, b, tr)
		})
	})
	t.Run("Close ends every send", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tr := &fakeTransport{hang: true}
			b := newTest(tr, func(c *Config[*item]) { c.MaxInFlight = 4; c.MaxQueueSize = 100 })
			enqueueAll(t, b, items(1, 60))
			synctest.Wait()
			n := len(tr.Calls())
			require.Zero(t, n, "%d sends returned already, want all hanging", n)
			err := b.Close(time.Second)
			var ce *CloseError
			require.True(t, errors.As(err, &ce), "Close = %v, want 60 closed", err)
			require.EqualValues(t, 60, ce.GaveUp[DropClosed], "Close = %v, want 60 closed", err)
			assert.False(t, ce.Stuck, "Close = %v, want 60 closed", err)
			assert.Len(t, tr.Calls(), 4, "sends, want 4 in flight, all cancelled")
			s := b.Stats()
			require.Zero(t, s.Pending, "Stats = %+v", s)
			assert.EqualValues(t, 60, s.Dropped[DropClosed], "Stats = %+v", s)
		})
	})
}
