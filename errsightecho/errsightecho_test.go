package errsightecho_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightecho"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	serve = sinktest.Serve
	get   = sinktest.Get
)

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	return e
}

// quietRecover is echo's Recover without its log output.
func quietRecover(cfg middleware.RecoverConfig) echo.MiddlewareFunc {
	if cfg.LogErrorFunc == nil {
		cfg.DisablePrintStack = true
	}
	return middleware.RecoverWithConfig(cfg)
}

// otherKey is an application's context key.
type otherKey struct{}

// TestConcurrentRequestsKeepTheirOwnScope: whichever context the handler
// passes (c.Request().Context(), one derived from it, a fork), each event
// carries only its own request's user, tags and breadcrumbs, with the
// route; the parent and global scopes are unchanged.
func TestConcurrentRequestsKeepTheirOwnScope(t *testing.T) {
	sink := sinktest.New(t)
	parent := errsight.NewHub(sink.Client, nil)
	forms := map[string]func(c echo.Context) context.Context{
		"request": func(c echo.Context) context.Context { return c.Request().Context() },
		"derived": func(c echo.Context) context.Context {
			return context.WithValue(c.Request().Context(), otherKey{}, 1)
		},
		"forked": func(c echo.Context) context.Context { return errsight.WithScope(c.Request().Context()) },
	}
	e := newEcho()
	e.Use(errsightecho.New(errsightecho.Options{}))
	e.GET("/users/:name", func(c echo.Context) error {
		name := c.Param("name")
		ctx := forms[c.QueryParam("form")](c)
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: name})
			s.SetTag("who", name)
		})
		errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Message: "crumb of " + name})
		errsight.CaptureMessage(ctx, "hello from "+name, errsight.LevelError)
		return c.NoContent(http.StatusOK)
	})
	ts := serve(t, parent, e)

	var wg sync.WaitGroup
	n := 0
	for form := range forms {
		for i := range 8 {
			n++
			wg.Go(func() { get(t, fmt.Sprintf("%s/users/%s-%d?form=%s", ts.URL, form, i, form), nil) })
		}
	}
	wg.Wait()

	events := sink.Events(t)
	require.Len(t, events, n)
	for _, ev := range events {
		name := strings.TrimPrefix(ev.Message, "hello from ")
		assert.Equal(t, name, ev.User.ID)
		assert.Equal(t, name, ev.Tags["who"])
		assert.Equal(t, "GET /users/:name", ev.Tags["route"])
		require.Len(t, ev.Breadcrumbs, 1)
		assert.Equal(t, "crumb of "+name, ev.Breadcrumbs[0].Message)
	}
	assert.Empty(t, parent.Scope().Tags())
	assert.True(t, parent.Scope().User().IsZero())
	assert.Empty(t, errsight.CurrentHub().Scope().Tags())
	assert.True(t, errsight.CurrentHub().Scope().User().IsZero())
	assert.Empty(t, errsight.CurrentHub().Scope().Breadcrumbs())
}

// TestPanicReportedOnce: one fatal event with the request data and echo's
// usual answer, whatever the order of Recover and errsightecho.
func TestPanicReportedOnce(t *testing.T) {
	mw := errsightecho.New(errsightecho.Options{})
	hook := middleware.RecoverConfig{LogErrorFunc: errsightecho.LogErrorFunc(nil)}
	tests := []struct {
		name       string
		chain      []echo.MiddlewareFunc
		wantStatus int
		wantEvents int
	}{
		{"Recover outside", []echo.MiddlewareFunc{quietRecover(middleware.RecoverConfig{}), mw}, 500, 1},
		{"Recover inside with LogErrorFunc", []echo.MiddlewareFunc{mw, quietRecover(hook)}, 500, 1},
		{"LogErrorFunc outside too", []echo.MiddlewareFunc{quietRecover(hook), mw}, 500, 1},
		{"Recover inside returning the error", []echo.MiddlewareFunc{mw, quietRecover(middleware.RecoverConfig{
			LogErrorFunc: errsightecho.LogErrorFunc(nil), DisableErrorHandler: true,
		})}, 500, 1},
		{"LogErrorFunc with its own logger", []echo.MiddlewareFunc{mw, quietRecover(middleware.RecoverConfig{
			LogErrorFunc: errsightecho.LogErrorFunc(func(c echo.Context, err error, _ []byte) error {
				return echo.NewHTTPError(http.StatusServiceUnavailable, "sorry")
			}),
		})}, 503, 1},
		{"no recovery: net/http closes the connection", []echo.MiddlewareFunc{mw}, 0, 1},
		// Documented: echo's plain Recover inside the middleware stops the
		// panic unseen. Never a double report.
		{"plain Recover inside", []echo.MiddlewareFunc{mw, quietRecover(middleware.RecoverConfig{})}, 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			e := newEcho()
			e.Use(tt.chain...)
			e.GET("/orders/:id", func(c echo.Context) error { panic("boom") })
			ts := serve(t, errsight.NewHub(sink.Client, nil), e)
			assert.Equal(t, tt.wantStatus, get(t, ts.URL+"/orders/7", nil))
			events := sink.Events(t)
			require.Len(t, events, tt.wantEvents)
			for _, ev := range events {
				assert.Equal(t, "fatal", ev.Level)
				assert.Equal(t, "panic: boom", ev.Message)
				assert.Equal(t, "panic", ev.ExceptionClass(), "grouped as the same panic whichever layer reports it")
				assert.Equal(t, "GET /orders/:id", ev.Tags["route"])
				req, _ := ev.Metadata["request"].(map[string]any)
				assert.Equal(t, "/orders/7", req["path"])
				frames := ev.ExceptionFrames()
				require.NotEmpty(t, frames)
				assert.Contains(t, frames[0].Function, "TestPanicReportedOnce", "the first frame is the panic site")
			}
		})
	}
}

type paymentError struct{ code string }

func (e *paymentError) Error() string { return "payment declined: " + e.code }

// TestErrorsReportedByStatus: errors returned by handlers are reported
// once, with their class, when the status echo answers them with counts.
func TestErrorsReportedByStatus(t *testing.T) {
	cause := func() error { return fmt.Errorf("charging: %w", &paymentError{code: "7"}) }
	tests := []struct {
		name       string
		opts       errsightecho.Options
		handler    echo.HandlerFunc
		wantStatus int
		want       int
	}{
		{"plain error: 500", errsightecho.Options{}, func(echo.Context) error { return cause() }, 500, 1},
		{"HTTPError 503 with an internal error", errsightecho.Options{}, func(echo.Context) error {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "down").WithInternal(cause())
		}, 503, 1},
		{"HTTPError 400", errsightecho.Options{}, func(echo.Context) error {
			return echo.NewHTTPError(http.StatusBadRequest, "bad").WithInternal(cause())
		}, 400, 0},
		{"error after a 200 was sent", errsightecho.Options{}, func(c echo.Context) error {
			_ = c.String(http.StatusOK, "ok")
			return cause()
		}, 200, 0},
		{"no error", errsightecho.Options{}, func(c echo.Context) error { return c.NoContent(http.StatusInternalServerError) }, 500, 0},
		{"ReportStatus >= 400", errsightecho.Options{ReportStatus: func(s int) bool { return s >= 400 }}, func(echo.Context) error {
			return echo.NewHTTPError(http.StatusNotFound).WithInternal(cause())
		}, 404, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			e := newEcho()
			e.Use(errsightecho.New(tt.opts))
			e.GET("/pay", tt.handler)
			ts := serve(t, errsight.NewHub(sink.Client, nil), e)
			assert.Equal(t, tt.wantStatus, get(t, ts.URL+"/pay", nil))
			events := sink.Events(t)
			require.Len(t, events, tt.want)
			for _, ev := range events {
				assert.Equal(t, "error", ev.Level)
				assert.Contains(t, ev.Message, "payment declined")
				assert.Equal(t, strconv.Itoa(tt.wantStatus), ev.Tags["http.status_code"])
				assert.Equal(t, "GET /pay", ev.Tags["route"])
				classes := []string{ev.ExceptionClass()}
				for _, c := range ev.ExceptionCauses() {
					classes = append(classes, c.Class)
				}
				assert.Contains(t, classes, "*errsightecho_test.paymentError")
				assert.NotEmpty(t, ev.ExceptionFrames())
			}
		})
	}
}

// TestSecretsNeverSent: query secrets, credentials in headers and the
// application's own names stay out of what reaches the server.
func TestSecretsNeverSent(t *testing.T) {
	sink := sinktest.New(t)
	e := newEcho()
	e.Use(quietRecover(middleware.RecoverConfig{}), errsightecho.New(errsightecho.Options{SensitiveNames: []string{"customer_ref"}}))
	e.GET("/capture", func(c echo.Context) error {
		errsight.CaptureMessage(c.Request().Context(), "captured", errsight.LevelError)
		return nil
	})
	e.GET("/panic", func(c echo.Context) error { panic("boom") })
	e.GET("/error", func(c echo.Context) error { return errors.New("failed") })
	ts := serve(t, errsight.NewHub(sink.Client, nil), e)
	// Made at run time: the panic's source context holds this file's lines.
	secret := "s3cr3t-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	header := http.Header{"Authorization": {"Bearer " + secret}, "Cookie": {"sid=" + secret}, "X-Api-Key": {secret}}
	for _, p := range []string{"/capture", "/panic", "/error"} {
		get(t, ts.URL+p+"?access_token="+secret+"&X-Amz-Signature="+secret+"&customerRef="+secret+"&page=1", header)
	}
	require.Len(t, sink.Events(t), 3)
	for _, req := range sink.Server.Requests() {
		assert.NotContains(t, string(req.Body), secret)
	}
}

// TestRouteWithPre: installed with e.Pre, before routing, the middleware
// still tags the events of the end of the request with the route.
func TestRouteWithPre(t *testing.T) {
	sink := sinktest.New(t)
	e := newEcho()
	e.Pre(errsightecho.New(errsightecho.Options{}))
	e.GET("/orders/:id", func(c echo.Context) error { return errors.New("failed") })
	ts := serve(t, errsight.NewHub(sink.Client, nil), e)
	assert.Equal(t, http.StatusInternalServerError, get(t, ts.URL+"/orders/7", nil))
	events := sink.Events(t)
	require.Len(t, events, 1)
	assert.Equal(t, "GET /orders/:id", events[0].Tags["route"])
}

// TestClientIPOnlyWhenOptedIn: the client's address is personal data.
func TestClientIPOnlyWhenOptedIn(t *testing.T) {
	for _, send := range []bool{false, true} {
		t.Run(strconv.FormatBool(send), func(t *testing.T) {
			sink := sinktest.New(t)
			e := newEcho()
			e.Use(errsightecho.New(errsightecho.Options{SendClientIP: send}))
			e.GET("/", func(c echo.Context) error {
				errsight.CaptureMessage(c.Request().Context(), "hi", errsight.LevelError)
				return nil
			})
			get(t, serve(t, errsight.NewHub(sink.Client, nil), e).URL, http.Header{"X-Forwarded-For": {"203.0.113.9"}})
			events := sink.Events(t)
			require.Len(t, events, 1)
			want := ""
			if send {
				want = "127.0.0.1" // X-Forwarded-For from an untrusted peer is ignored
			}
			assert.Equal(t, want, events[0].User.IPAddress)
		})
	}
}
