package errsightgin_test

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
	"github.com/errsight/errsight-go/errsightgin"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	serve = sinktest.Serve
	get   = sinktest.Get
)

// quietRecovery is gin's recovery without its log output.
func quietRecovery(handle gin.RecoveryFunc) gin.HandlerFunc {
	if handle == nil {
		return gin.RecoveryWithWriter(io.Discard)
	}
	return gin.CustomRecoveryWithWriter(io.Discard, handle)
}

// otherKey is an application's context key.
type otherKey struct{}

// TestConcurrentRequestsKeepTheirOwnScope: whichever context form the
// handler passes (the *gin.Context, c.Request.Context(), a context derived
// from either), each event carries only its own request's user, tags and
// breadcrumbs, with the route; the parent and global scopes are unchanged.
func TestConcurrentRequestsKeepTheirOwnScope(t *testing.T) {
	sink := sinktest.New(t)
	parent := errsight.NewHub(sink.Client, nil)
	forms := map[string]func(c *gin.Context) context.Context{
		"gin":         func(c *gin.Context) context.Context { return c },
		"request":     func(c *gin.Context) context.Context { return c.Request.Context() },
		"derived":     func(c *gin.Context) context.Context { return context.WithValue(c.Request.Context(), otherKey{}, 1) },
		"derived-gin": func(c *gin.Context) context.Context { return context.WithValue(c, otherKey{}, 1) },
		"forked":      func(c *gin.Context) context.Context { return errsight.WithScope(c) },
	}
	r := gin.New()
	r.Use(errsightgin.New(errsightgin.Options{}))
	r.GET("/users/:name", func(c *gin.Context) {
		name, form := c.Param("name"), c.Query("form")
		ctx := forms[form](c)
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: name})
			s.SetTag("who", name)
		})
		errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Message: "crumb of " + name})
		errsight.CaptureMessage(ctx, "hello from "+name, errsight.LevelError)
	})
	ts := serve(t, parent, r)

	var wg sync.WaitGroup
	n := 0
	for form := range forms {
		for i := range 6 {
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

// TestPanicReportedOnce: one fatal event with the request data and gin's
// usual answer, whatever the order of gin's recovery and errsightgin.
func TestPanicReportedOnce(t *testing.T) {
	mw := errsightgin.New(errsightgin.Options{})
	tests := []struct {
		name       string
		chain      []gin.HandlerFunc
		wantStatus int
		wantEvents int
	}{
		{"Recovery outside (gin.Default)", []gin.HandlerFunc{quietRecovery(nil), mw}, 500, 1},
		{"Recovery inside with RecoveryFunc", []gin.HandlerFunc{mw, quietRecovery(errsightgin.RecoveryFunc(nil))}, 500, 1},
		{"RecoveryFunc outside too", []gin.HandlerFunc{quietRecovery(errsightgin.RecoveryFunc(nil)), mw}, 500, 1},
		{"RecoveryFunc with its own answer", []gin.HandlerFunc{mw, quietRecovery(errsightgin.RecoveryFunc(func(c *gin.Context, _ any) {
			c.String(http.StatusServiceUnavailable, "sorry")
		}))}, 503, 1},
		{"no recovery: net/http closes the connection", []gin.HandlerFunc{mw}, 0, 1},
		// Documented: gin's plain recovery inside the middleware stops the
		// panic unseen. Never a double report.
		{"plain Recovery inside", []gin.HandlerFunc{mw, quietRecovery(nil)}, 500, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			r := gin.New()
			r.Use(tt.chain...)
			r.GET("/orders/:id", func(c *gin.Context) { panic("boom") })
			ts := serve(t, errsight.NewHub(sink.Client, nil), r)
			assert.Equal(t, tt.wantStatus, get(t, ts.URL+"/orders/7", nil))
			events := sink.Events(t)
			require.Len(t, events, tt.wantEvents)
			for _, ev := range events {
				assert.Equal(t, "fatal", ev.Level)
				assert.Equal(t, "panic: boom", ev.Message)
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

// TestErrorsReportedByStatus: errors added with c.Error are reported once,
// with their class, when the status counts.
func TestErrorsReportedByStatus(t *testing.T) {
	tests := []struct {
		name   string
		opts   errsightgin.Options
		status int
		errs   int
		want   int
	}{
		{"500 with an error", errsightgin.Options{}, 500, 1, 1},
		{"502 with two errors", errsightgin.Options{}, 502, 2, 2},
		{"400 is the client's", errsightgin.Options{}, 400, 1, 0},
		{"200 after c.Error", errsightgin.Options{}, 200, 1, 0},
		{"500 without an error", errsightgin.Options{}, 500, 0, 0},
		{"ReportStatus >= 400", errsightgin.Options{ReportStatus: func(s int) bool { return s >= 400 }}, 404, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			r := gin.New()
			r.Use(errsightgin.New(tt.opts))
			r.GET("/pay", func(c *gin.Context) {
				for i := range tt.errs {
					_ = c.Error(fmt.Errorf("charging: %w", &paymentError{code: strconv.Itoa(i)}))
				}
				c.Status(tt.status)
			})
			ts := serve(t, errsight.NewHub(sink.Client, nil), r)
			assert.Equal(t, tt.status, get(t, ts.URL+"/pay", nil))
			events := sink.Events(t)
			require.Len(t, events, tt.want)
			for _, ev := range events {
				assert.Equal(t, "error", ev.Level)
				assert.Contains(t, ev.Message, "charging: payment declined")
				assert.Equal(t, strconv.Itoa(tt.status), ev.Tags["http.status_code"])
				assert.Equal(t, "GET /pay", ev.Tags["route"])
				var classes []string
				for _, c := range ev.ExceptionCauses() {
					classes = append(classes, c.Class)
				}
				assert.Contains(t, classes, "*errsightgin_test.paymentError", "class %s", ev.ExceptionClass())
				assert.NotEmpty(t, ev.ExceptionFrames())
			}
		})
	}
}

// TestSecretsNeverSent: query secrets, credentials in headers and the
// application's own names stay out of what reaches the server.
func TestSecretsNeverSent(t *testing.T) {
	sink := sinktest.New(t)
	r := gin.New()
	r.Use(quietRecovery(nil), errsightgin.New(errsightgin.Options{SensitiveNames: []string{"customer_ref"}}))
	r.GET("/capture", func(c *gin.Context) { errsight.CaptureMessage(c, "captured", errsight.LevelError) })
	r.GET("/panic", func(c *gin.Context) { panic("boom") })
	r.GET("/error", func(c *gin.Context) { _ = c.AbortWithError(500, errors.New("failed")) })
	ts := serve(t, errsight.NewHub(sink.Client, nil), r)
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

// TestClientIPOnlyWhenOptedIn: the client's address is personal data.
func TestClientIPOnlyWhenOptedIn(t *testing.T) {
	for _, send := range []bool{false, true} {
		t.Run(strconv.FormatBool(send), func(t *testing.T) {
			sink := sinktest.New(t)
			r := gin.New()
			r.Use(errsightgin.New(errsightgin.Options{SendClientIP: send}))
			r.GET("/", func(c *gin.Context) { errsight.CaptureMessage(c, "hi", errsight.LevelError) })
			get(t, serve(t, errsight.NewHub(sink.Client, nil), r).URL, http.Header{"X-Forwarded-For": {"203.0.113.9"}})
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
