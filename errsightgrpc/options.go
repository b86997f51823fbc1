package errsightgrpc

import (
	"slices"
	"strings"
	"time"

	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/internal/reqscope"
	"google.golang.org/grpc/codes"
)

// Options configures the interceptors. The zero Options is a working
// default: a hub per call, the full method and call data on every event,
// handler errors with the codes Unknown, Internal and DataLoss reported,
// panics reported then re-panicked (waiting up to 2 s for delivery first),
// no client IP. The client interceptors use none of the fields.
//
// Options is copied by the interceptor constructors; changing it (or its
// slices) afterwards has no effect.
type Options struct {
	// ReportCode decides which errors returned by server handlers are
	// reported, by the code gRPC answers them with ([CodeOf]: Unknown for
	// a plain error, Canceled or DeadlineExceeded for a context error).
	// The function must be safe for concurrent use.
	//
	// Nil (the default) reports Unknown, Internal and DataLoss: the codes
	// that mean the server is broken (a plain Go error is Unknown). Not
	// reported by default: the codes that describe the request
	// (InvalidArgument, NotFound, AlreadyExists, PermissionDenied,
	// Unauthenticated, FailedPrecondition, OutOfRange), the caller's own
	// deadline or cancellation (DeadlineExceeded, Canceled),
	// Unimplemented (a client calling a method this server does not
	// have), and Unavailable and ResourceExhausted, which servers return on
	// purpose to make clients back off and retry: reporting each would
	// flood the project during every overload, when the root cause
	// (reported where it happened) is what matters.
	ReportCode func(codes.Code) bool

	// RecoverWithInternal makes the server interceptors stop a panic after
	// reporting it and fail the call with codes.Internal ("internal
	// error", without the panic's value, which may hold data the caller
	// must not see), as grpc-ecosystem's recovery interceptor does.
	//
	// By default (false) the panic is reported, then re-panicked with the
	// same value, so that a recovery interceptor installed outside this one
	// sees it. gRPC itself does not recover handler panics: without a
	// recovery interceptor the panic ends the process, as it would without
	// errsight.
	RecoverWithInternal bool

	// FlushTimeout bounds how long a server interceptor waits for a
	// panic's report to be delivered before it re-panics: a panic that
	// nothing recovers kills the process, and with it the queued report.
	// Zero means 2 s; negative never waits. Not used with
	// RecoverWithInternal.
	FlushTimeout time.Duration

	// Metadata adds incoming metadata keys to the allow-list of those
	// reported (user-agent, content-type, :authority, x-request-id). Keys
	// are matched case-insensitively. Binary keys ("-bin") are never
	// reported, and the value of a key whose name looks secret (see
	// SensitiveNames) is filtered even when listed.
	Metadata []string

	// SensitiveNames adds names of the application's own secrets to the
	// shared scrubbing rules of errsighthttp (errsighthttp.IsSensitiveName),
	// applied to metadata keys. Nil: the default rules only.
	SensitiveNames errsighthttp.SensitiveNames

	// SendClientIP reports the peer's IP address, as the user's
	// ip_address and in the call data. Off by default: an IP address is
	// personal data.
	SendClientIP bool
}

// defaultMetadata is the allow-list of incoming metadata keys: an
// allow-list, so that a key someone adds tomorrow (x-internal-token) is
// never sent. authorization and cookies are never among them.
var defaultMetadata = [...]string{"user-agent", "content-type", ":authority", "x-request-id"}

// config is Options resolved once per interceptor.
type config struct {
	opts     Options
	flush    time.Duration
	metadata []string // lower-case allow-list
}

func newConfig(opts Options) *config {
	c := &config{opts: opts}
	c.opts.SensitiveNames = slices.Clone(opts.SensitiveNames)
	c.opts.Metadata = nil
	c.flush = reqscope.FlushTimeout(opts.FlushTimeout)
	c.metadata = append(c.metadata, defaultMetadata[:]...)
	for _, k := range opts.Metadata {
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "" && !strings.HasSuffix(k, "-bin") && !slices.Contains(c.metadata, k) {
			c.metadata = append(c.metadata, k)
		}
	}
	return c
}

// reports reports whether a handler error with code should be reported.
func (c *config) reports(code codes.Code) bool {
	if c.opts.ReportCode != nil {
		return c.opts.ReportCode(code)
	}
	switch code {
	case codes.Unknown, codes.Internal, codes.DataLoss:
		return true
	}
	return false
}
