package batcher

import (
	"math/rand/v2"
	"time"
)

// backoff returns the wait before the retry that follows the given number
// of earlier consecutive failures: a random duration in [0, cap), where cap
// starts at MinBackoff and doubles up to MaxBackoff. The randomness ("full
// jitter") keeps many clients that failed together from retrying together.
func backoff(failures int) time.Duration {
	return rand.N(backoffCap(failures))
}

// backoffCap is the upper bound of backoff's draw.
func backoffCap(failures int) time.Duration {
	if failures >= 30 { // far beyond MaxBackoff, and safe from overflow
		return MaxBackoff
	}
	return min(MinBackoff<<failures, MaxBackoff)
}
