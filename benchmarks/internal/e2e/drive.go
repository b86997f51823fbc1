package e2e

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
)

// burst runs capture(g, i) for every event, from cfg.Goroutines goroutines,
// and returns how many captures reported acceptance.
func burst(cfg Config, capture func(g, i int) bool) int {
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for g := range cfg.Goroutines {
		n := split(cfg.Events, cfg.Goroutines, g)
		wg.Go(func() {
			for i := range n {
				if capture(g, i) {
					accepted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(accepted.Load())
}

// fingerprint is the distinct fingerprint of event i of goroutine g.
func fingerprint(g, i int) []string {
	return []string{"e2e", strconv.Itoa(g), strconv.Itoa(i)}
}

func driveErrsight(cfg Config, t Target) (SDKResult, error) {
	c, err := errsight.NewClient(errsight.Options{
		APIKey:          t.APIKey,
		Host:            t.URL,
		BatchSize:       cfg.BatchSize,
		ShutdownTimeout: cfg.CloseTimeout,
		Release:         fixture.Release,
		Environment:     fixture.Environment,
	})
	if err != nil {
		return SDKResult{}, err
	}
	if !c.Enabled() {
		return SDKResult{}, errors.New("e2e: the errsight client is disabled (no API key)")
	}
	base := errsight.NewHub(c, nil)
	fixture.PopulateErrsight(base.Scope())
	ctx := errsight.ContextWithHub(context.Background(), base)
	capErr := fixture.Wrapped()

	var r SDKResult
	start := time.Now()
	r.Accepted = burst(cfg, func(g, i int) bool {
		cctx := ctx
		if cfg.Distinct {
			cctx = errsight.WithScope(ctx)
			errsight.ConfigureScope(cctx, func(s *errsight.Scope) { s.SetFingerprint(fingerprint(g, i)) })
		}
		return errsight.CaptureError(cctx, capErr) != ""
	})
	r.CaptureSeconds = time.Since(start).Seconds()

	fctx, cancel := context.WithDeadline(context.Background(), start.Add(cfg.Cap))
	if err := c.Flush(fctx); err != nil {
		r.FlushErr = err.Error()
		r.CapHit = errors.Is(err, context.DeadlineExceeded)
	}
	cancel()
	r.DeliverSeconds = time.Since(start).Seconds()

	closeStart := time.Now()
	var closeErr error
	if !bounded(cfg.CloseTimeout+closeGrace, func() { closeErr = c.Close() }) {
		r.CloseErr = fmt.Sprintf("errsight: Close did not return within %v", cfg.CloseTimeout+closeGrace)
	} else if closeErr != nil {
		r.CloseErr = closeErr.Error()
	}
	r.CloseSeconds = time.Since(closeStart).Seconds()

	st := c.Stats()
	r.Sent = int64(st.Sent)
	r.Pending = st.Pending
	r.Dropped = map[string]uint64{}
	for reason, n := range map[string]uint64{
		"queue_full":   st.Dropped.QueueFull,
		"before_send":  st.Dropped.BeforeSend,
		"rate_limited": st.Dropped.RateLimited,
		"rejected":     st.Dropped.Rejected,
		"too_large":    st.Dropped.TooLarge,
		"closed":       st.Dropped.Closed,
		"suppressed":   st.Dropped.Suppressed,
		"encode":       st.Dropped.Encode,
	} {
		if n > 0 {
			r.Dropped[reason] = n
		}
	}
	return r, nil
}

func driveSentry(cfg Config, t Target) (SDKResult, error) {
	opts := sentry.ClientOptions{
		Dsn:                    t.DSN,
		Release:                fixture.Release,
		Environment:            fixture.Environment,
		DisableTelemetryBuffer: cfg.SDK == SentryLegacy,
	}
	c, err := sentry.NewClient(opts)
	if err != nil {
		return SDKResult{}, fmt.Errorf("e2e: sentry.NewClient: %w", err)
	}
	base := sentry.NewHub(c, sentry.NewScope())
	fixture.PopulateSentry(base)
	capErr := fixture.Wrapped()

	r := SDKResult{Sent: -1}
	start := time.Now()
	r.Accepted = burst(cfg, func(g, i int) bool {
		h := base
		if cfg.Distinct {
			h = base.Clone()
			h.ConfigureScope(func(s *sentry.Scope) { s.SetFingerprint(fingerprint(g, i)) })
		}
		return h.CaptureException(capErr) != nil
	})
	r.CaptureSeconds = time.Since(start).Seconds()

	fctx, cancel := context.WithDeadline(context.Background(), start.Add(cfg.Cap))
	if !c.FlushWithContext(fctx) {
		r.FlushErr = "sentry: Flush returned false"
		r.CapHit = fctx.Err() != nil
	}
	cancel()
	r.DeliverSeconds = time.Since(start).Seconds()

	// What a sentry-go program does at exit: Flush with a timeout, Close.
	// Close is bounded here: after a Flush that timed out, sentry-go's
	// AsyncTransport.Close waits for its worker, which goes on draining
	// the whole queue (up to 1000 envelopes, one request each) first.
	closeStart := time.Now()
	if !c.Flush(cfg.CloseTimeout) {
		r.CloseErr = "sentry: Flush at close returned false"
	}
	if !bounded(closeGrace+5*time.Second, c.Close) { // 5 s: its telemetry processor's own Close timeout
		r.CloseErr += fmt.Sprintf("; sentry: Close did not return within %v (abandoned)", closeGrace+5*time.Second)
		r.CloseErr = strings.TrimPrefix(r.CloseErr, "; ")
	}
	r.CloseSeconds = time.Since(closeStart).Seconds()
	return r, nil
}

// closeGrace is how long past its own timeout an SDK's Close may take
// before the harness stops waiting for it.
const closeGrace = 5 * time.Second

// bounded runs f and waits for it at most d; it reports whether f returned.
// When it did not, f goes on running in the background.
func bounded(d time.Duration, f func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}
