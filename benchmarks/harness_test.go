package benchmarks

import (
	"runtime"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
)

// The tests below check the harness itself: quick enough for CI's
// go test -race ./..., they make sure the benchmarks measure what they say.

func TestWithStack(t *testing.T) {
	for _, depth := range []int{shallowStack, deepStack} {
		var got int
		withStack(depth, func() {
			got = runtime.Callers(1, make([]uintptr, 512)) // this function and up
		})
		if got != depth {
			t.Errorf("withStack(%d): the stack is %d frames deep", depth, got)
		}
	}
}

// TestSetupsDeliver captures one error through each benchmark setup and
// checks that it reaches the transport or the loopback server.
func TestSetupsDeliver(t *testing.T) {
	for _, tr := range []string{trDiscard, trHTTP} {
		t.Run("tr="+tr+"/sdk=errsight", func(t *testing.T) {
			c, delivered := errsightClientCount(t, tr, errsight.Options{})
			if id := errsightHub(c).CaptureError(fixture.Wrapped()); id == "" {
				t.Fatal("CaptureError queued nothing")
			}
			if err := c.Flush(background); err != nil {
				t.Fatal(err)
			}
			if n := delivered(); n != 1 {
				t.Fatalf("delivered %d events, want 1", n)
			}
		})
		t.Run("tr="+tr+"/sdk=sentry", func(t *testing.T) {
			c, delivered := sentryClientCount(t, tr, sentry.ClientOptions{})
			if id := sentryHub(c).CaptureException(fixture.Wrapped()); id == nil {
				t.Fatal("CaptureException returned no id")
			}
			if !c.Flush(10 * time.Second) {
				t.Fatal("Flush timed out")
			}
			// sentry-go's Flush can return true while the event is between
			// its telemetry buffer and its transport (its scheduler took it
			// from the buffer, Flush found both empty): flush again until
			// it arrives, bounded.
			for deadline := time.Now().Add(10 * time.Second); delivered() == 0 && time.Now().Before(deadline); {
				c.Flush(time.Second)
				time.Sleep(time.Millisecond)
			}
			if n := delivered(); n != 1 {
				t.Fatalf("delivered %d events, want 1", n)
			}
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
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", r)
			switch {
			case r.Delivered == 0:
				t.Errorf("nothing delivered")
			case r.Delivered > cfg.Events:
				t.Errorf("delivered %d of %d events", r.Delivered, cfg.Events)
			case tt.exact && r.Delivered != cfg.Events:
				t.Errorf("delivered %d of %d events, want all", r.Delivered, cfg.Events)
			}
			if cfg.SDK != e2e.Errsight {
				return // sentry-go's accounting is what is being measured
			}
			if !r.CapHit {
				if r.Unaccounted != 0 || r.Sent != int64(r.Delivered) {
					t.Errorf("%d events unaccounted for; Stats().Sent = %d, the server accepted %d", r.Unaccounted, r.Sent, r.Delivered)
				}
				return
			}
			// When Close gives up, the batch in flight is cancelled and
			// counted as dropped; the server may have accepted it just
			// before: counted twice is allowed, lost is not.
			if r.Unaccounted > 0 || r.Sent > int64(r.Delivered) {
				t.Errorf("%d events neither delivered nor counted as dropped; Stats().Sent = %d, the server accepted %d", r.Unaccounted, r.Sent, r.Delivered)
			}
		})
	}
}
