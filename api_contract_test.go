package errsight_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsightslog"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/transport"
)

// TestAPIContract pins every name and signature of the public API contract
// (shared/API.md): if it compiles, users' programs compile.
func TestAPIContract(t *testing.T) {
	var (
		_ func(errsight.Options) (*errsight.Client, error) = errsight.Init
		_ func(errsight.Options) (*errsight.Client, error) = errsight.NewClient
		_ func(context.Context) error                      = (*errsight.Client)(nil).Flush
		_ func() error                                     = (*errsight.Client)(nil).Close
		_ io.Closer                                        = (*errsight.Client)(nil)
		_ func() bool                                      = (*errsight.Client)(nil).Enabled
		_ func(context.Context) error                      = errsight.Flush
		_ func() error                                     = errsight.Close
		_ func() errsight.Options                          = errsight.OptionsFromEnv

		_ func() *errsight.Hub                                           = errsight.CurrentHub
		_ func(context.Context) *errsight.Hub                            = errsight.HubFromContext
		_ func(context.Context, *errsight.Hub) context.Context           = errsight.ContextWithHub
		_ func(context.Context) context.Context                          = errsight.WithScope
		_ func(*errsight.Client, *errsight.Scope) *errsight.Hub          = errsight.NewHub
		_ func() *errsight.Scope                                         = errsight.NewScope
		_ func(string) (errsight.Level, error)                           = errsight.ParseLevel
		_ func(context.Context, error) errsight.EventID                  = errsight.CaptureError
		_ func(context.Context, error, errsight.Level) errsight.EventID  = errsight.CaptureErrorAtLevel
		_ func(context.Context, string, errsight.Level) errsight.EventID = errsight.CaptureMessage
		_ func(context.Context, *errsight.Event) errsight.EventID        = errsight.CaptureEvent
		_ func(context.Context, func(*errsight.Scope))                   = errsight.ConfigureScope
		_ func(context.Context, errsight.Breadcrumb)                     = errsight.AddBreadcrumb
		_ func(context.Context)                                          = errsight.Recover
		_ func(context.Context, func(context.Context))                   = errsight.Go
		_ func(context.Context) (*errsight.Group, context.Context)       = errsight.NewGroup
		_ func(func(context.Context) error)                              = (*errsight.Group)(nil).Go
		_ func() error                                                   = (*errsight.Group)(nil).Wait
	)
	h := errsight.NewHub(nil, nil)
	var (
		_ func() *errsight.Hub                          = h.Clone
		_ func() *errsight.Client                       = h.Client
		_ func() *errsight.Scope                        = h.Scope
		_ func(error) errsight.EventID                  = h.CaptureError
		_ func(error, errsight.Level) errsight.EventID  = h.CaptureErrorAtLevel
		_ func(string, errsight.Level) errsight.EventID = h.CaptureMessage
		_ func(*errsight.Event) errsight.EventID        = h.CaptureEvent
		_ func(func(*errsight.Scope))                   = h.ConfigureScope
		_ func(errsight.Breadcrumb)                     = h.AddBreadcrumb
	)
	s := errsight.NewScope()
	var (
		_ func(errsight.User)       = s.SetUser
		_ func(string, string)      = s.SetTag
		_ func(map[string]string)   = s.SetTags
		_ func(string)              = s.RemoveTag
		_ func(string, any)         = s.SetMetadata
		_ func([]string)            = s.SetFingerprint
		_ func(errsight.Breadcrumb) = s.AddBreadcrumb
		_ func()                    = s.ClearBreadcrumbs
		_ func()                    = s.Clear
	)
	_ = errsight.Options{
		APIKey: "", Environment: "", Release: "", Host: "",
		MinLevel: errsight.LevelWarning, Timeout: time.Second, BatchSize: 1,
		FlushInterval: time.Second, MaxQueueSize: 1, ShutdownTimeout: time.Second,
		AttachStacktrace: true, InAppInclude: nil, InAppExclude: nil,
		Debug: false, DebugWriter: io.Discard,
		BeforeSend:         func(ev *errsight.Event) *errsight.Event { return ev },
		BeforeSendFailOpen: false, AllowInsecureTransport: false,
		Transport: transport.Transport(nil), CrashMonitor: false,
	}
	levels := []errsight.Level{errsight.LevelDebug, errsight.LevelInfo, errsight.LevelWarning, errsight.LevelError, errsight.LevelFatal}
	for i := 1; i < len(levels); i++ {
		require.Less(t, levels[i-1], levels[i], "levels not ordered: %v >= %v", levels[i-1], levels[i])
	}
	_ = errsight.User{ID: "", Email: "", Username: "", IPAddress: ""}
	_ = errsight.Breadcrumb{Category: "", Message: "", Level: errsight.LevelInfo, Data: map[string]any{}, Timestamp: time.Time{}}
	ev := errsight.Event{}
	var (
		_ errsight.EventID    = ev.ID
		_ errsight.Level      = ev.Level
		_ string              = ev.Message
		_ time.Time           = ev.Timestamp
		_ string              = ev.Environment
		_ string              = ev.Release
		_ map[string]string   = ev.Tags
		_ map[string]any      = ev.Metadata
		_ errsight.User       = ev.User
		_                     = ev.Breadcrumbs
		_ []string            = ev.Fingerprint
		_ *errsight.Exception = ev.Exception
	)
	var _ interface {
		Send(context.Context, []byte) transport.Outcome
	} = transport.Transport(nil)
	_ = []transport.Kind{transport.Delivered, transport.Retry, transport.RateLimited, transport.TooLarge, transport.Rejected}
	_ = transport.NewHTTP

	var (
		_ func() *errsighttest.Server = errsighttest.NewServer
		_                             = func(s *errsighttest.Server) string { return s.URL }
		_ func() string               = (*errsighttest.Server)(nil).APIKey
		_                             = (*errsighttest.Server)(nil).Events
		_                             = (*errsighttest.Server)(nil).WaitForEvents
	)

	var (
		_ func(errsighthttp.Options) func(http.Handler) http.Handler = errsighthttp.Middleware
		_ func(http.RoundTripper) http.RoundTripper                  = errsighthttp.NewTransport
		_ func(*errsightslog.HandlerOptions) *errsightslog.Handler   = errsightslog.NewHandler
		_ slog.Handler                                               = errsightslog.NewHandler(nil)
		_                                                            = errsightslog.HandlerOptions{Next: slog.Handler(nil)}
	)
	assert.NotNil(t, errsighthttp.Middleware(errsighthttp.Options{}), "the zero errsighthttp.Options must give a working middleware")
}
