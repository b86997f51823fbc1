// Package e2e is the end-to-end delivery harness of the benchmarks module: a
// burst of errors captured from several goroutines through one SDK's real
// HTTP pipeline to a loopback server, with loss accounting.
//
// The work is split in two halves so that the SDK's memory can be measured on
// its own: [NewServer] runs the receiving side (errsighttest for errsight, an
// envelope endpoint for sentry-go) and counts what it accepted; [Drive] runs
// the SDK side and reports what the SDK says about its events. cmd/e2e runs
// them in two processes; [Run] runs both in one, for the smoke test.
package e2e

import (
	"errors"
	"fmt"
	"time"
)

// The SDK pipelines the harness knows.
const (
	// Errsight is errsight-go with default options (Config.BatchSize aside).
	Errsight = "errsight"
	// Sentry is sentry-go v0.46's default pipeline: the telemetry buffer
	// (a ring of 100 error events, dropping the oldest) and its async
	// transport, one HTTP request per event.
	Sentry = "sentry"
	// SentryLegacy is sentry-go with DisableTelemetryBuffer: the legacy
	// HTTPTransport (a queue of 1000 envelopes), one HTTP request per event.
	SentryLegacy = "sentry-legacy"
)

// SDKs lists the pipelines in the order results are reported.
var SDKs = []string{Errsight, Sentry, SentryLegacy}

// Defaults of the zero fields of Config.
const (
	DefaultEvents       = 20000
	DefaultGoroutines   = 4
	DefaultCap          = 20 * time.Second
	DefaultCloseTimeout = 5 * time.Second
)

// Config describes one run. Zero fields mean the defaults above.
type Config struct {
	SDK string
	// BatchSize is errsight's Options.BatchSize (0: its default, 10).
	BatchSize int
	// Events is the number of capture calls, split evenly among Goroutines.
	Events     int
	Goroutines int
	// Delay is how long the server takes to answer each request.
	Delay time.Duration
	// Cap bounds the wait for delivery, counted from the start of the burst.
	Cap time.Duration
	// CloseTimeout bounds the SDK's shutdown after the cap (errsight:
	// Options.ShutdownTimeout; sentry-go: its Flush, its Close has its own).
	CloseTimeout time.Duration
	// Distinct gives each event its own fingerprint (on a hub forked per
	// event, the same in both SDKs), so that errsight's spike protection,
	// which collapses identical events beyond 60 a minute, does not apply
	// and the run measures delivery. With Distinct false the burst is 20,000
	// identical errors, which errsight collapses and counts as suppressed.
	Distinct bool
}

// WithDefaults returns c with its zero fields set to the defaults, or an
// error for a Config that cannot run.
func (c Config) WithDefaults() (Config, error) {
	switch c.SDK {
	case Errsight, Sentry, SentryLegacy:
	default:
		return c, fmt.Errorf("e2e: unknown SDK %q (want %s, %s or %s)", c.SDK, Errsight, Sentry, SentryLegacy)
	}
	if c.Events < 0 || c.Goroutines < 0 || c.Delay < 0 || c.Cap < 0 || c.CloseTimeout < 0 || c.BatchSize < 0 {
		return c, errors.New("e2e: negative Config field")
	}
	if c.Events == 0 {
		c.Events = DefaultEvents
	}
	if c.Goroutines == 0 {
		c.Goroutines = DefaultGoroutines
	}
	if c.Cap == 0 {
		c.Cap = DefaultCap
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	return c, nil
}

// Name is a short label for the run, e.g. "errsight-b100 delay=200ms".
func (c Config) Name() string {
	sdk := c.SDK
	if c.SDK == Errsight {
		b := c.BatchSize
		if b == 0 {
			b = 10
		}
		sdk = fmt.Sprintf("%s-b%d", sdk, b)
	}
	if !c.Distinct {
		sdk += "-identical"
	}
	return fmt.Sprintf("%s delay=%v", sdk, c.Delay)
}

// SDKResult is what the SDK side of a run observed and what the SDK itself
// reports about its events.
type SDKResult struct {
	// Accepted counts capture calls that returned an event id (errsight:
	// queued; sentry-go: handed to its pipeline, which may drop it later).
	Accepted int `json:"accepted"`
	// Sent is what the SDK says it delivered (errsight: Stats().Sent; -1
	// when the SDK does not say).
	Sent int64 `json:"sdk_sent"`
	// Dropped are the drops the SDK counts in-process, by reason (errsight:
	// Stats().Dropped). sentry-go keeps its counts private and only reports
	// them to the server (see ServerResult.Reported).
	Dropped map[string]uint64 `json:"sdk_dropped,omitempty"`
	// Pending is what the SDK says it still holds after Close (errsight).
	Pending int `json:"sdk_pending"`

	CaptureSeconds float64 `json:"capture_seconds"` // the burst itself
	// DeliverSeconds runs from the start of the burst until Flush returned
	// (everything delivered or finally dropped), or the cap.
	DeliverSeconds float64 `json:"deliver_seconds"`
	CloseSeconds   float64 `json:"close_seconds"`
	CapHit         bool    `json:"cap_hit"`
	FlushErr       string  `json:"flush_error,omitempty"`
	CloseErr       string  `json:"close_error,omitempty"`

	// Memory of the process that ran the SDK (cmd/e2e only; 0 in-process).
	BaselineRSSKB int64   `json:"baseline_rss_kb,omitempty"` // VmRSS before the SDK started
	PeakRSSKB     int64   `json:"peak_rss_kb,omitempty"`     // VmHWM at the end
	CPUSeconds    float64 `json:"cpu_seconds,omitempty"`     // user+system of that process
}

// ServerResult is what the receiving side counted.
type ServerResult struct {
	// Delivered counts events the server accepted (errsighttest: 202; the
	// sentry endpoint: event items of envelopes answered 200).
	Delivered int `json:"delivered"`
	Requests  int `json:"requests"`
	// Reported are the drops the SDK reported to the server (sentry-go's
	// client reports, category "error", by reason).
	Reported map[string]uint64 `json:"reported_dropped,omitempty"`
}

// Result is one run's outcome, printed by cmd/e2e as one JSON line.
type Result struct {
	Name       string  `json:"name"`
	SDK        string  `json:"sdk"`
	BatchSize  int     `json:"batch_size,omitempty"`
	Events     int     `json:"events"`
	Goroutines int     `json:"goroutines"`
	DelayMS    float64 `json:"delay_ms"`
	Distinct   bool    `json:"distinct"`
	CapSeconds float64 `json:"cap_seconds"`
	SDKResult
	ServerResult
	// DroppedReported sums the drops the SDK accounts for, in-process or
	// to the server.
	DroppedReported uint64 `json:"dropped_reported"`
	// Unaccounted = Events - Delivered - DroppedReported - Pending: events
	// neither delivered nor reported as dropped (nor still held).
	Unaccounted int64 `json:"unaccounted"`
	// DeliveredRatio = Delivered / Events.
	DeliveredRatio float64 `json:"delivered_ratio"`
	// EventsPerSecond = Delivered / DeliverSeconds.
	EventsPerSecond float64 `json:"events_per_second"`
}

// Merge combines the two halves of a run.
func Merge(cfg Config, s SDKResult, srv ServerResult) Result {
	r := Result{
		Name:         cfg.Name(),
		SDK:          cfg.SDK,
		Events:       cfg.Events,
		Goroutines:   cfg.Goroutines,
		DelayMS:      float64(cfg.Delay) / float64(time.Millisecond),
		Distinct:     cfg.Distinct,
		CapSeconds:   cfg.Cap.Seconds(),
		SDKResult:    s,
		ServerResult: srv,
	}
	if cfg.SDK == Errsight {
		r.BatchSize = cfg.BatchSize
		if r.BatchSize == 0 {
			r.BatchSize = 10
		}
	}
	for _, n := range s.Dropped {
		r.DroppedReported += n
	}
	for _, n := range srv.Reported {
		r.DroppedReported += n
	}
	r.Unaccounted = int64(cfg.Events) - int64(srv.Delivered) - int64(r.DroppedReported) - int64(s.Pending)
	if cfg.Events > 0 {
		r.DeliveredRatio = float64(srv.Delivered) / float64(cfg.Events)
	}
	if s.DeliverSeconds > 0 {
		r.EventsPerSecond = float64(srv.Delivered) / s.DeliverSeconds
	}
	return r
}

// Run runs cfg with the server and the SDK in the calling process.
func Run(cfg Config) (Result, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return Result{}, err
	}
	srv := NewServer(cfg.SDK, cfg.Delay)
	s, err := Drive(cfg, srv.Target())
	srv.Close()
	if err != nil {
		return Result{}, err
	}
	return Merge(cfg, s, srv.Result()), nil
}

// Drive runs the SDK side of cfg against target (errsight: the server's
// base URL and API key, "URL KEY"; sentry-go: the DSN), from the burst to
// the SDK's shutdown.
func Drive(cfg Config, target Target) (SDKResult, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return SDKResult{}, err
	}
	if cfg.SDK == Errsight {
		return driveErrsight(cfg, target)
	}
	return driveSentry(cfg, target)
}

// Target is where the SDK sends: errsight's Host and APIKey, or sentry-go's
// DSN.
type Target struct {
	URL    string `json:"url,omitempty"`
	APIKey string `json:"api_key,omitempty"`
	DSN    string `json:"dsn,omitempty"`
}

// split returns how many events goroutine g of n captures, out of total.
func split(total, n, g int) int {
	k := total / n
	if g < total%n {
		k++
	}
	return k
}
