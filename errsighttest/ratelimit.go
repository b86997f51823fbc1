package errsighttest

import (
	"math"
	"time"
)

// rateLimiter models the project's fixed-window ingestion limit. The zero
// value is off. It is guarded by Server.mu.
type rateLimiter struct {
	limit  int           // events per window; 0: off
	window time.Duration // window length
	start  time.Time     // start of the current window; zero: none yet
	count  int           // events accepted in the current window
}

// take tries to count n events at now. It returns whether they are allowed
// and, if not, the whole seconds (at least 1) until the window ends.
func (r *rateLimiter) take(n int, now time.Time) (ok bool, retryAfter int) {
	if r.limit <= 0 {
		return true, 0
	}
	if r.start.IsZero() || !now.Before(r.start.Add(r.window)) {
		r.start, r.count = now, 0
	}
	if r.count+n <= r.limit {
		r.count += n
		return true, 0
	}
	left := r.start.Add(r.window).Sub(now)
	return false, max(1, int(math.Ceil(left.Seconds())))
}
