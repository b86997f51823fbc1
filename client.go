package errsight

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/errsight/errsight-go/batcher"
	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/stacktrace"
	"github.com/errsight/errsight-go/transport"
)

// Client delivers events to ErrSight. It owns one background worker
// goroutine (none when disabled), which ends when Close returns.
//
// A Client is safe for concurrent use. A nil *Client is a valid, disabled
// client: every method is a no-op.
type Client struct {
	opts    Options
	enabled bool
	log     *debugLog
	sym     *stacktrace.Symbolizer
	queue   *batcher.Batcher[*capture]
	// idle closes the default HTTP transport's idle keep-alive connections
	// (nil for a user's Transport): Close calls it once the worker is done.
	idle    func()
	spike   *spikeGuard // owned by the worker goroutine
	scratch []byte      // encoding buffer, owned by the worker goroutine
	cache   encodeCache // what the worker encodes once; owned by the worker goroutine

	// contexts is the static part of every event's Contexts, never written
	// after NewClient.
	contexts map[string]string

	beforeSendDropped atomic.Uint64
	// spikeDropped counts the spike guard's drops: the batcher counts them
	// together with BeforeSend's (both are Encode's drops on purpose).
	spikeDropped     atomic.Uint64
	filtered         filterCounts
	queueBytesFull   atomic.Uint64 // captures dropped over MaxQueueBytes
	beforeSendPanics atomic.Uint64
	belowMinLevel    atomic.Uint64 // counted only under Debug, for its line
	keyReported      atomic.Uint64 // key-rejected drops already reported by Flush

	// replacedBy is the client a later Init bound to the global hub in this
	// one's place. Hubs forked before that Init (a long-lived job, an
	// errsight.Go goroutine) still hold this client; they follow the link,
	// so their captures reach the current client instead of a closed one.
	replacedBy atomic.Pointer[Client]

	closeOnce sync.Once
	closeErr  error

	queueBytes queueBytes // the queued captures' charges (see reserve)
}

// enabledClients counts the enabled clients the process has created. While
// it is zero, the package-level capture functions return before even looking
// at their context: the disabled path costs one atomic load. Close does not
// lower it: a capture on a closed client must still reach it, to be counted
// (Stats.Dropped.Closed) and heard of under Debug.
var enabledClients atomic.Int32

func noClients() bool { return enabledClients.Load() == 0 }

// NewClient builds a client from opts (zero fields from the environment,
// then defaults). Without an API key the client is disabled, not an error:
// it starts nothing and every capture is a cheap no-op. NewClient fails only
// for options that cannot work, such as a Host that is not a URL.
func NewClient(opts Options) (*Client, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o, log: newDebugLog(o.DebugWriter, o.Debug, o.APIKey), contexts: clientContexts(o)}
	c.cache.contexts = c.contexts
	if o.APIKey == "" {
		c.log.printf("no API key (set Options.APIKey or %s): client disabled, events are discarded", EnvAPIKey)
		return c, nil
	}
	if insecureHost(o.Host) && !o.AllowInsecureTransport {
		c.log.warn("Options.Host uses cleartext http:// to a non-loopback host: the API key and events are sent unencrypted (set AllowInsecureTransport to silence this)")
	}
	tr := o.Transport
	if tr == nil {
		h, err := transport.NewHTTP(transport.HTTPOptions{
			Host:         o.Host,
			APIKey:       o.APIKey,
			Timeout:      o.Timeout,
			Client:       o.HTTPClient,
			RoundTripper: o.HTTPTransport,
			UserAgent:    userAgent,
			MaxIdleConns: o.MaxConcurrentSends,
			Debugf:       c.log.printf,
		})
		if err != nil {
			// Options were checked already; say it in the user's terms.
			return nil, errors.New("errsight: cannot build the HTTP transport: " + strings.TrimPrefix(err.Error(), "transport: "))
		}
		tr, c.idle = h, h.CloseIdleConnections
	}
	c.sym = stacktrace.NewSymbolizer(stacktrace.Options{
		InAppInclude: o.InAppInclude,
		InAppExclude: o.InAppExclude,
	})
	c.spike = newSpikeGuard(o.SpikeLimit)
	c.enabled = true
	c.queue = batcher.New(batcher.Config[*capture]{
		Transport:     tr,
		EncodeTo:      c.encodeTo,
		ShrinkLevels:  shrinkLevels - 1,
		BatchSize:     o.BatchSize,
		FlushInterval: o.FlushInterval,
		MaxQueueSize:  o.MaxQueueSize,
		MaxInFlight:   o.MaxConcurrentSends,
		Debugf:        c.log.printf,
		Warnf:         c.log.warn,
	})
	enabledClients.Add(1)
	c.log.printf("client started: host %s, environment %q, release %q, SDK %s, crash monitor %s, batches of up to %d events every %v, queue of %d",
		o.Host, o.Environment, o.Release, userAgent, onOff(o.CrashMonitor), o.BatchSize, o.FlushInterval, o.MaxQueueSize)
	return c, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Init builds a client with NewClient and binds it to the global hub,
// closing the client it replaces. Hubs forked from the global hub before
// (long-lived jobs, errsight.Go goroutines, any hub holding the replaced
// client) report through the new client from then on, rather than lose
// their captures to a closed one. With Options.CrashMonitor it also starts
// the crash monitor; call Init first thing in main.
func Init(opts Options) (*Client, error) {
	if opts.CrashMonitor {
		// A crash monitor child must never run the application: it takes
		// over here and exits.
		maybeRunCrashMonitor()
	}
	c, err := NewClient(opts)
	if err != nil {
		return nil, err
	}
	old := globalHub.client.Swap(c)
	if old != nil && old != c {
		// Forward before closing, so that no capture of a fork falls in
		// between.
		old.replacedBy.Store(c)
		c.log.printf("Init replaces the previous client: hubs forked from it report through this one from now on")
		if err := old.Close(); err != nil {
			c.log.printf("closing the previous client: %v", err)
		}
	}
	if opts.CrashMonitor && c.enabled {
		startCrashMonitor(c)
	} else {
		stopCrashMonitor(c) // an earlier Init's, if any
	}
	return c, nil
}

// current follows the replacements made by Init from c to the client now
// in charge; nil stays nil.
func (c *Client) current() *Client {
	for c != nil {
		next := c.replacedBy.Load()
		if next == nil {
			return c
		}
		c = next
	}
	return nil
}

// Enabled reports whether the client sends events: false for a nil client
// and without an API key.
func (c *Client) Enabled() bool { return c != nil && c.enabled }

// Options returns the client's options with every default applied.
func (c *Client) Options() Options {
	if c == nil {
		return Options{}
	}
	return c.opts
}

// Flush waits until every event queued before the call is delivered or
// finally dropped. When ctx ends first it returns a [*DeliveryError]
// wrapping ctx.Err() that says how many events are still pending (they stay
// queued). It also returns one, matching [ErrAPIKeyRejected], when the
// server refused events for the API key since the previous Flush. Flush does not
// stop the client.
func (c *Client) Flush(ctx context.Context) error {
	if !c.Enabled() {
		return nil
	}
	return c.flushError(c.queue.Flush(ctx))
}

// Close delivers what is queued within Options.ShutdownTimeout, stops the
// worker and waits for it, then releases the HTTP transport's idle
// connections. When events were not delivered it returns a
// [*DeliveryError] saying how many and why: given up when ShutdownTimeout
// ran out ([ErrShutdownTimeout]), refused for the API key during the
// client's lifetime ([ErrAPIKeyRejected]) or for another reason.
//
// Close returns within ShutdownTimeout (and a few milliseconds) whatever
// the worker is doing: if it is stuck in user code that does not return (an
// Error, String, MarshalJSON or LogValue method of a captured value, a
// custom Transport ignoring its context), the error matches
// [ErrDeliveryStuck] and that goroutine is leaked until the code returns.
//
// Close is idempotent (later calls return the first call's result), safe to
// call concurrently with captures (which are then dropped and counted), and
// a no-op on a nil or disabled client.
func (c *Client) Close() error {
	if !c.Enabled() {
		return nil
	}
	c.closeOnce.Do(func() {
		crashMonitorClientClosed(c)
		c.closeErr = c.closeError(c.queue.Close(c.opts.ShutdownTimeout))
		if c.idle != nil {
			// Requests still in flight (a stuck worker) keep their own
			// connection; only the idle ones go.
			c.idle()
		}
	})
	return c.closeErr
}

// enqueue hands a capture to the worker. BeforeSend runs there too, with
// the event built: the capturing goroutine never symbolises, reads a file
// or runs the hook, whatever the options.
func (c *Client) enqueue(r *capture) EventID {
	if !c.reserve(r) {
		return ""
	}
	if !c.queue.Enqueue(r) {
		c.release(r)
		return ""
	}
	return r.id
}

// beforeSend runs the user's hook on the worker, containing a panic:
// fail-closed drops the event, fail-open sends the original. The hook gets
// an event whose maps and slices are its own (see Event.isolate), and an
// event it returns in place of ev is completed like one given to
// CaptureEvent.
func (c *Client) beforeSend(orig *Event) (out *Event) {
	// With fail-open, the hook works on a copy, so that the original can
	// still be sent unmodified if it panics halfway through its edits.
	ev := orig
	if c.opts.BeforeSendFailOpen {
		cp := *orig
		ev = &cp
	}
	defer func() {
		if r := recover(); r != nil {
			c.beforeSendPanics.Add(1)
			if c.opts.BeforeSendFailOpen {
				c.log.printf("BeforeSend panicked (%s); sending the event unmodified (BeforeSendFailOpen)", safe.PanicText(r))
				out = orig
				return
			}
			c.beforeSendDropped.Add(1)
			c.log.printf("BeforeSend panicked (%s); event %s dropped (fail-closed)", safe.PanicText(r), ev.ID)
			out = nil
		}
	}()
	id := ev.ID
	ev.isolate()
	out = c.opts.BeforeSend(ev)
	if out == nil {
		c.beforeSendDropped.Add(1)
		c.log.printf("event %s dropped by BeforeSend", id)
		return nil
	}
	if out != ev {
		c.completeReplacement(out, id)
	}
	return out
}

// completeReplacement gives an event BeforeSend returned in place of the
// original the defaults CaptureEvent gives (the original's id, so that the
// id the capture returned is the one sent): without them it went out with
// a zero timestamp and no environment. The capture's scope is not merged
// in: the hook chose what the replacement holds.
func (c *Client) completeReplacement(ev *Event, id EventID) {
	if ev.ID == "" {
		ev.ID = id
	}
	if ev.Timestamp.IsZero() {
		ev.Timestamp = time.Now()
	}
	ev.Level = defaultLevel(ev)
	ev.scope, ev.hooked = nil, nil
	ev.build(c) // environment, release, contexts, exception data
}
