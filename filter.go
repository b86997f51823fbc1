package errsight

import (
	"errors"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/errsight/errsight-go/internal/safe"
)

// This file holds the filters a capture passes before anything is built:
// Options.SampleRate, Options.IgnoreErrors and Options.IgnoreError, and
// the breadcrumb hook Options.BeforeBreadcrumb. Each costs one comparison
// when unset.

// filterCounts counts, under Debug only, what the filters dropped, so the
// debug line can say how many (at 1, 2, 4, 8... drops: a line, not a flood).
type filterCounts struct {
	sampled, ignored, crumbs atomic.Uint64
}

// checkSampleRate says what cannot work: a rate outside [0, 1].
func checkSampleRate(r float64) error {
	if math.IsNaN(r) || r < 0 || r > 1 {
		return errors.New("errsight: Options.SampleRate must be between 0 and 1 (0 means 1: send every event)")
	}
	return nil
}

// sampledOut reports whether this capture is left out by SampleRate.
func (c *Client) sampledOut() bool {
	r := c.opts.SampleRate
	if r == 0 || r >= 1 || rand.Float64() < r {
		return false
	}
	if c.log.enabled {
		if n := c.filtered.sampled.Add(1); n&(n-1) == 0 {
			c.log.printf("capture dropped: sampled out (SampleRate %g); %d dropped for this reason so far", r, n)
		}
	}
	return true
}

// ignored reports whether err matches Options.IgnoreErrors (errors.Is) or
// Options.IgnoreError. A panicking predicate ignores nothing: losing a
// report to a bug in a filter is worse than sending one too many.
func (c *Client) ignored(err error) bool {
	if err == nil || (len(c.opts.IgnoreErrors) == 0 && c.opts.IgnoreError == nil) {
		return false
	}
	if !c.matchesIgnore(err) {
		return false
	}
	if c.log.enabled {
		if n := c.filtered.ignored.Add(1); n&(n-1) == 0 {
			c.log.printf("capture dropped: the error matches IgnoreErrors or IgnoreError; %d dropped for this reason so far", n)
		}
	}
	return true
}

func (c *Client) matchesIgnore(err error) (match bool) {
	defer func() {
		if r := recover(); r != nil {
			c.log.printf("IgnoreError (or an Is method) panicked (%s); the error is reported", safe.PanicText(r))
			match = false
		}
	}()
	for _, target := range c.opts.IgnoreErrors {
		if errors.Is(err, target) {
			return true
		}
	}
	return c.opts.IgnoreError != nil && c.opts.IgnoreError(err)
}

// beforeBreadcrumb runs Options.BeforeBreadcrumb, on the goroutine adding
// the breadcrumb. A panic drops the breadcrumb (fail-closed, as BeforeSend:
// the hook is usually a scrubber).
func (c *Client) beforeBreadcrumb(b Breadcrumb) (out Breadcrumb, keep bool) {
	defer func() {
		if r := recover(); r != nil {
			c.log.printf("BeforeBreadcrumb panicked (%s); breadcrumb dropped", safe.PanicText(r))
			out, keep = Breadcrumb{}, false
		}
	}()
	out, keep = c.opts.BeforeBreadcrumb(b)
	if !keep && c.log.enabled {
		if n := c.filtered.crumbs.Add(1); n&(n-1) == 0 {
			c.log.printf("breadcrumb dropped by BeforeBreadcrumb; %d dropped so far", n)
		}
	}
	return out, keep
}

// Err returns the error the event was captured for: the error given to
// CaptureError, a panic value that is an error, or the one set with
// [Event.SetError]; nil for messages. In BeforeSend it lets a filter look
// at the error itself rather than its text:
//
//	if errors.Is(ev.Err(), context.Canceled) {
//		return nil
//	}
func (ev *Event) Err() error { return ev.cause }
