package errsight

import "time"

// spikeWindow is the period of the spike guard's budget.
const spikeWindow = time.Minute

// maxSpikeKeys bounds the guard's memory: past it, keys whose window has
// ended are forgotten, and if none has, the guard starts afresh.
const maxSpikeKeys = 4096

// spikeGuard collapses an error loop. Events of one issue — the same issue
// key the server will compute, Client.groupKey — beyond limit per minute
// are counted instead of sent, and the next one sent carries that count as
// metadata.errsight_suppressed. One hot loop then cannot burn the project's
// rate limit and starve every other error, and the guard never drops an
// event of another issue. It is owned by the worker goroutine: no locks.
type spikeGuard struct {
	limit int
	keys  map[string]*spikeCount
}

type spikeCount struct {
	windowStart time.Time
	sent        int
	suppressed  int32
}

func newSpikeGuard(limit int) *spikeGuard {
	if limit < 0 {
		return nil
	}
	return &spikeGuard{limit: limit, keys: map[string]*spikeCount{}}
}

// suppress reports whether ev, of issue key, goes over its key's budget.
// When it does not, it moves the key's suppressed count onto the event.
func (g *spikeGuard) suppress(ev *Event, key string, now time.Time) bool {
	if g == nil {
		return false
	}
	sc := g.keys[key]
	if sc == nil {
		if len(g.keys) >= maxSpikeKeys {
			g.evict(now)
		}
		sc = &spikeCount{windowStart: now}
		g.keys[key] = sc
	}
	if now.Sub(sc.windowStart) >= spikeWindow {
		sc.windowStart, sc.sent = now, 0
	}
	if sc.sent >= g.limit {
		sc.suppressed++
		return true
	}
	sc.sent++
	ev.suppressed, sc.suppressed = sc.suppressed, 0
	return false
}

func (g *spikeGuard) evict(now time.Time) {
	for k, sc := range g.keys {
		if now.Sub(sc.windowStart) >= spikeWindow && sc.suppressed == 0 {
			delete(g.keys, k)
		}
	}
	if len(g.keys) >= maxSpikeKeys {
		clear(g.keys)
	}
}
