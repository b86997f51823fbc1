package errsight

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/errsight/errsight-go/batcher"
	"github.com/errsight/errsight-go/internal/hosturl"
	"github.com/errsight/errsight-go/transport"
)

// Defaults applied to the zero fields of [Options]. Those the transport
// and batcher packages also apply are theirs, named here once.
const (
	DefaultHost            = transport.DefaultHost
	DefaultEnvironment     = "production"
	DefaultMinLevel        = LevelWarning
	DefaultTimeout         = transport.DefaultTimeout
	DefaultBatchSize       = batcher.DefaultBatchSize
	DefaultFlushInterval   = batcher.DefaultFlushInterval
	DefaultMaxQueueSize    = batcher.DefaultMaxQueueSize
	DefaultMaxQueueBytes   = 16 << 20
	DefaultShutdownTimeout = 5 * time.Second
	// DefaultMaxConcurrentSends keeps a slow server (200 ms a request) from
	// capping delivery at one batch per round trip, without opening more
	// connections than a small pool.
	DefaultMaxConcurrentSends = 5
	DefaultSpikeLimit         = 60
)

// Environment variables that seed the zero fields of [Options].
const (
	EnvAPIKey      = "ERRSIGHT_API_KEY"
	EnvEnvironment = "ERRSIGHT_ENV"
	EnvRelease     = "ERRSIGHT_RELEASE"
	EnvHost        = "ERRSIGHT_HOST"
	EnvDebug       = "ERRSIGHT_DEBUG"
	EnvServerName  = "ERRSIGHT_SERVER_NAME"
)

// Options configures a [Client]. Every zero value means "default": the
// environment first (for the fields that have a variable), then the default
// named on the field. An Options value is copied by [NewClient]; changing it
// afterwards has no effect.
type Options struct {
	// APIKey is the project's write key (elp_...). Blank disables the client:
	// every capture is then a cheap no-op. Env: ERRSIGHT_API_KEY.
	APIKey string
	// Environment tags every event. Default "production". Env: ERRSIGHT_ENV.
	Environment string
	// Release tags every event. Default, the first found of:
	// ERRSIGHT_RELEASE; the main module's version from the build info (a
	// tagged build, or the pseudo-version go build stamps from VCS data);
	// the build info's vcs.revision; then the commit variables that CI
	// systems and platforms set, in this order: SOURCE_VERSION,
	// HEROKU_BUILD_COMMIT, HEROKU_SLUG_COMMIT, GITHUB_SHA, CI_COMMIT_SHA,
	// BITBUCKET_COMMIT, CIRCLE_SHA1, BUILDKITE_COMMIT, TRAVIS_COMMIT,
	// CODEBUILD_RESOLVED_SOURCE_VERSION, RENDER_GIT_COMMIT,
	// VERCEL_GIT_COMMIT_SHA, RAILWAY_GIT_COMMIT_SHA, K_REVISION. Builds with
	// -buildvcs=false, or from a Docker context without .git, carry no VCS
	// data: set ERRSIGHT_RELEASE there.
	Release string
	// ServerName names the machine in every event's context
	// (Event.Contexts["server_name"]). Default: ERRSIGHT_SERVER_NAME, else
	// the hostname.
	ServerName string
	// Host is the API's base URL. Default https://errsight.com. Env: ERRSIGHT_HOST.
	Host string

	// MinLevel drops events below it before anything is built. Default
	// LevelWarning; LevelDebug sends everything.
	MinLevel Level

	// Timeout bounds each HTTP request. Default 5s.
	Timeout time.Duration
	// BatchSize is the number of events per request. Default 10; values above
	// the server's limit of 100 are lowered to 100.
	BatchSize int
	// FlushInterval is the longest an event waits for its batch to fill. Default 2s.
	FlushInterval time.Duration
	// MaxQueueSize bounds the events waiting for delivery; when it is full,
	// new events are dropped and counted (capture never waits). Default 1000.
	MaxQueueSize int
	// MaxQueueBytes bounds the memory the events waiting for delivery hold
	// (an estimate: their messages, stacks, tags and metadata strings, not
	// what they share with their scope). Beyond it new events are dropped
	// and counted as queue-full, as beyond MaxQueueSize. Default 16 MiB.
	MaxQueueBytes int
	// ShutdownTimeout bounds how long Close drains the queue. Default 5s.
	ShutdownTimeout time.Duration
	// MaxConcurrentSends is how many requests may be in flight at once.
	// Default 5; at most 32; 1 sends one batch at a time, in order. With
	// more, a custom Transport's Send is called concurrently and batches
	// may arrive out of order; a 429 still pauses every send.
	MaxConcurrentSends int

	// AttachStacktrace also attaches the caller's stack to messages.
	AttachStacktrace bool
	// InAppInclude and InAppExclude are package-path or file-path prefixes
	// forced into or out of "your code" (exclude wins). By default, exactly
	// the main module's packages are in-app.
	InAppInclude, InAppExclude []string

	// Debug prints the SDK's internal diagnostics to DebugWriter (default
	// stderr). Env: ERRSIGHT_DEBUG (any strconv.ParseBool true value).
	Debug       bool
	DebugWriter io.Writer

	// BeforeSend runs on the client's worker goroutine, one event at a
	// time, after the event is built (scope merged, stack frames and source
	// context included) and before it is encoded: never on the capturing
	// goroutine, so a capture costs the same with or without it. It may
	// change any exported field (the event's maps and slices are its own
	// copies) and returns the event, a replacement (completed with the
	// defaults CaptureEvent gives: id, timestamp, level, environment,
	// release), or nil to drop it. The capture has already returned the
	// event's id by then. It should not block: while it runs nothing is
	// delivered, and Close waits for it up to ShutdownTimeout.
	BeforeSend func(*Event) *Event
	// BeforeSendFailOpen sends the unmodified event when BeforeSend panics.
	// By default such an event is dropped (fail-closed): BeforeSend is the
	// scrubber, and sending what it failed to scrub would be a leak.
	BeforeSendFailOpen bool

	// SampleRate is the fraction of events sent, decided at random for
	// each capture before anything is built: 0.25 keeps one in four.
	// Default (0) and 1 send every event.
	SampleRate float64
	// IgnoreErrors drops, before anything is built, every captured error
	// (CaptureError, an error panic value, Event.SetError) that matches
	// one of them with errors.Is: context.Canceled, io.EOF...
	IgnoreErrors []error
	// IgnoreError drops, like IgnoreErrors, every captured error for which
	// it returns true. It runs on the capturing goroutine: keep it cheap.
	// A panic in it ignores nothing.
	IgnoreError func(error) bool
	// BeforeBreadcrumb runs on the goroutine adding a breadcrumb through a
	// Hub (the package-level AddBreadcrumb and the integrations included),
	// before it is recorded: it returns the breadcrumb to record, changed
	// or not, and true, or false to drop it. Keep it cheap. A panic drops
	// the breadcrumb.
	BeforeBreadcrumb func(Breadcrumb) (Breadcrumb, bool)

	// AllowInsecureTransport silences the warning printed once for a
	// cleartext http:// Host that is not a loopback address.
	AllowInsecureTransport bool
	// Transport replaces the HTTP transport entirely (custom routing, tests).
	Transport transport.Transport
	// HTTPClient is used by the default HTTP transport instead of its own.
	// It is never modified: the transport copies it and refuses redirects.
	HTTPClient *http.Client
	// HTTPTransport is the round tripper of the default HTTP transport's
	// client (proxies, custom TLS); default a clone of http.DefaultTransport.
	// With HTTPClient set too, it replaces the Transport of HTTPClient's copy.
	HTTPTransport http.RoundTripper

	// SpikeLimit is how many events of one issue (the issue key the server
	// will compute: see README, "Grouping") are sent per minute; the rest
	// are counted and the next one sent carries the count in its metadata
	// ("errsight_suppressed"). Default 60; negative disables spike protection.
	SpikeLimit int

	// ContextHooks add to each event what its capture context carries (a
	// trace span, a tenant): see [ContextHook]. Default none, which costs
	// the capture path nothing.
	ContextHooks []ContextHook

	// CrashMonitor starts a monitor process that reports unrecovered panics
	// and fatal runtime errors of any goroutine. See the package
	// documentation, "Panics and crashes".
	CrashMonitor bool
}

// OptionsFromEnv returns the options the environment alone gives.
func OptionsFromEnv() Options {
	o := Options{
		APIKey:      strings.TrimSpace(os.Getenv(EnvAPIKey)),
		Environment: os.Getenv(EnvEnvironment),
		Release:     os.Getenv(EnvRelease),
		Host:        os.Getenv(EnvHost),
		ServerName:  os.Getenv(EnvServerName),
	}
	if v, err := strconv.ParseBool(strings.TrimSpace(os.Getenv(EnvDebug))); err == nil {
		o.Debug = v
	}
	return o
}

// withDefaults returns o with every zero field seeded from the environment,
// then from the defaults, and checks what cannot work.
func (o Options) withDefaults() (Options, error) {
	env := OptionsFromEnv()
	if strings.TrimSpace(o.APIKey) == "" {
		o.APIKey = env.APIKey
	}
	o.APIKey = strings.TrimSpace(o.APIKey)
	o.Environment = firstNonBlank(o.Environment, env.Environment, DefaultEnvironment)
	o.Release = firstNonBlank(o.Release, env.Release)
	if o.Release == "" {
		o.Release = buildRelease()
	}
	o.ServerName = firstNonBlank(o.ServerName, env.ServerName)
	if o.ServerName == "" {
		o.ServerName = hostname()
	}
	o.Host = strings.TrimRight(firstNonBlank(o.Host, env.Host, DefaultHost), "/")
	if !o.Debug {
		o.Debug = env.Debug
	}
	if o.DebugWriter == nil {
		o.DebugWriter = os.Stderr
	}
	if o.MinLevel == 0 {
		o.MinLevel = DefaultMinLevel
	}

	var errs []error
	if err := checkHost(o.Host); err != nil {
		errs = append(errs, err)
	}
	if err := checkSampleRate(o.SampleRate); err != nil {
		errs = append(errs, err)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"Timeout", int64(o.Timeout)},
		{"BatchSize", int64(o.BatchSize)},
		{"FlushInterval", int64(o.FlushInterval)},
		{"MaxQueueSize", int64(o.MaxQueueSize)},
		{"MaxQueueBytes", int64(o.MaxQueueBytes)},
		{"ShutdownTimeout", int64(o.ShutdownTimeout)},
		{"MaxConcurrentSends", int64(o.MaxConcurrentSends)},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("errsight: Options.%s must not be negative", f.name))
		}
	}
	if len(errs) > 0 {
		return o, errors.Join(errs...)
	}

	o.Timeout = orDefault(o.Timeout, DefaultTimeout)
	o.BatchSize = min(orDefault(o.BatchSize, DefaultBatchSize), batcher.MaxBatchEvents)
	o.FlushInterval = orDefault(o.FlushInterval, DefaultFlushInterval)
	o.MaxQueueSize = orDefault(o.MaxQueueSize, DefaultMaxQueueSize)
	o.MaxQueueBytes = orDefault(o.MaxQueueBytes, DefaultMaxQueueBytes)
	o.ShutdownTimeout = orDefault(o.ShutdownTimeout, DefaultShutdownTimeout)
	o.MaxConcurrentSends = min(orDefault(o.MaxConcurrentSends, DefaultMaxConcurrentSends), batcher.MaxMaxInFlight)
	o.SpikeLimit = orDefault(o.SpikeLimit, DefaultSpikeLimit)
	return o, nil
}

// checkHost applies the transport's rule for a host (internal/hosturl) at
// Init, so that a host the HTTP transport would refuse fails there even
// with a custom Transport.
func checkHost(host string) error {
	_, err := hosturl.Parse(host)
	if errors.Is(err, hosturl.ErrCredentials) {
		return fmt.Errorf("errsight: Options.Host %w; use Options.APIKey", err)
	}
	if err != nil {
		return fmt.Errorf("errsight: Options.Host %w", err)
	}
	return nil
}

// insecureHost reports whether host sends cleartext to a non-loopback address.
func insecureHost(host string) bool {
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	return h != "localhost" && !strings.HasPrefix(h, "127.") && h != "::1"
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
