package benchmarks

import (
	"runtime"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests below check the harness itself: quick enough for CI's
// go test -race ./..., they make sure the benchmarks measure what they say.

func TestWithStack(t *testing.T) {
	for _, depth := range []int{shallowStack, deepStack} {
		var got int
		withStack(depth, func() {
			got = runtime.Callers(1, make([]uintptr, 512)) // this function and up
		})
		assert.Equal(t, depth, got, "withStack(%d): frames deep", depth)
	}
}

// TestSetupsDeliver captures one error through each benchmark setup and
// checks that it reaches the transport or the loopback server.
func TestSetupsDeliver(t *testing.T) {
	for _, tr := range []string{trDiscard, trHTTP} {
		t.Run("tr="+tr+"/sdk=errsight", func(t *testing.T) {
			c, delivered := errsightClientCount(t, tr, errsight.Options{})
			require.NotEmpty(t, errsightHub(c).CaptureError(fixture.Wrapped()), "CaptureError queued nothing")
			require.NoError(t, c.Flush(background), "Flush")
			require.EqualValues(t, 1, delivered(), "events delivered")
		})
		t.Run("tr="+tr+"/sdk=sentry", func(t *testing.T) {
			c, delivered := sentryClientCount(t, tr, sentry.ClientOptions{})
			require.NotNil(t, sentryHub(c).CaptureException(fixture.Wrapped()), "CaptureException returned no id")
			require.True(t, c.Flush(10*time.Second), "Flush timed out")
			// sentry-go's Flush can return true while the event is between
			// its telemetry buffer and its transport (its scheduler took it
			// from the buffer, Flush found both empty): flush again until
			// it arrives, bounded.
			for deadline := time.Now().Add(10 * time.Second); delivered() == 0 && time.Now().Before(deadline); {
				c.Flush(time.Second)
				time.Sleep(time.Millisecond)
			}
			require.EqualValues(t, 1, delivered(), "events delivered")
		})
	}
}

// TestE2ESmoke runs the end-to-end harness with a tiny burst through every
// SDK pipeline, in-process.
func TestE2ESmoke(t *testing.T) {
	base := e2e.Config{Events: 200, Goroutines: 4, Cap: 10 * time.Second, CloseTimeout: 2 * time.Second, Distinct: true}
	tests := []struct {
		name string
		cfg  func(e2e.Config) e2e.Config
		// exact: every event delivered (the burst fits errsight's queue).
		exact bool
	}{
		{"errsight", func(c e2e.Config) e2e.Config { c.SDK = e2e.Errsight; return c }, true},
		{"errsight-b100", func(c e2e.Config) e2e.Config { c.SDK, c.BatchSize = e2e.Errsight, 100; return c }, true},
		{"errsight-identical", func(c e2e.Config) e2e.Config { c.SDK, c.Distinct = e2e.Errsight, false; return c }, false},
		{"errsight-capped", func(c e2e.Config) e2e.Config {
			// 20 requests of 50 ms cannot finish within the cap: Close
			// gives up, and the rest must be counted as dropped.
			c.SDK, c.Delay, c.Cap, c.CloseTimeout = e2e.Errsight, 50*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
			return c
		}, false},
		{"sentry", func(c e2e.Config) e2e.Config { c.SDK = e2e.Sentry; return c }, false},
		{"sentry-legacy", func(c e2e.Config) e2e.Config { c.SDK = e2e.SentryLegacy; return c }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg(base)
			r, err := e2e.Run(cfg)
			require.NoError(t, err)
			t.Logf("%+v", r)
			assert.NotZero(t, r.Delivered, "nothing delivered")
			assert.LessOrEqual(t, r.Delivered, cfg.Events, "events delivered")
			if tt.exact {
				assert.Equal(t, cfg.Events, r.Delivered, "events delivered, want all")
			}
			if cfg.SDK != e2e.Errsight {
				return // sentry-go's accounting is what is being measured
			}
			if !r.CapHit {
				assert.Zero(t, r.Unaccounted, "events unaccounted for")
				assert.Equal(t, int64(r.Delivered), r.Sent, "Stats().Sent (actual) against what the server accepted (expected)")
				return
			}
			// When Close gives up, the batch in flight is cancelled and
			// counted as dropped; the server may have accepted it just
			// before: counted twice is allowed, lost is not.
			assert.LessOrEqual(t, r.Unaccounted, int64(0), "events neither delivered nor counted as dropped")
			assert.LessOrEqual(t, r.Sent, int64(r.Delivered), "Stats().Sent against what the server accepted")
		})
	}
}
