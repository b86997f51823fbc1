package errsightfiber_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fasthttp"
)

// secretQuery is far from the panicking handler: source context around
// the panic site is reported, and must not hold the secret itself.
const secretQuery = "token=SECRET"

var withHook = recover.Config{EnableStackTrace: true, StackTraceHandler: errsightfiber.StackTraceHandler}

// TestPanicReportedOnce installs fiber's recover middleware in every
// position around ours: each panic gives exactly one event and fiber's
// usual 500.
func TestPanicReportedOnce(t *testing.T) {
	noFlush := errsightfiber.Options{FlushTimeout: -1}
	tests := []struct {
		name      string
		opts      errsightfiber.Options
		before    []fiber.Handler // installed outside ours
		after     []fiber.Handler // installed inside ours
		wantLevel string
	}{
		{"recover outside", noFlush, []fiber.Handler{recover.New()}, nil, "fatal"},
		{"recover outside with the hook", noFlush, []fiber.Handler{recover.New(withHook)}, nil, "fatal"},
		{"recover inside with the hook", noFlush, nil, []fiber.Handler{recover.New(withHook)}, "fatal"},
		{"recover on both sides with the hook", noFlush, []fiber.Handler{recover.New(withHook)}, []fiber.Handler{recover.New(withHook)}, "fatal"},
		// Without the hook, recover inside hands us a plain error.
		{"recover inside without the hook", noFlush, nil, []fiber.Handler{recover.New()}, "error"},
		{"RecoverWith500, no recover", errsightfiber.Options{RecoverWith500: true}, nil, nil, "fatal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			app := s.newApp()
			for _, h := range tt.before {
				app.Use(h)
			}
			app.Use(errsightfiber.New(tt.opts))
			for _, h := range tt.after {
				app.Use(h)
			}
			app.Get("/orders/:id", func(c *fiber.Ctx) error {
				errsight.ConfigureScope(c.UserContext(), func(sc *errsight.Scope) { sc.SetUser(errsight.User{ID: "u7"}) })
				var items []int
				items[c.QueryInt("i", 3)]++ // index out of range
				return nil
			})
			status, _ := get(t, app, "/orders/7?"+secretQuery)
			assert.Equal(t, http.StatusInternalServerError, status)

			evs := s.events(t)
			require.Len(t, evs, 1, "exactly one event")
			ev := evs[0]
			assert.Equal(t, tt.wantLevel, ev.Level)
			assert.Contains(t, ev.Message, "index out of range [3] with length 0")
			assert.Equal(t, "u7", ev.User.ID)
			assert.Equal(t, "GET /orders/:id", ev.Tags["route"])
			require.Contains(t, ev.Metadata, "request")
			assert.False(t, strings.Contains(s.Bodies(), "SECRET"), "a secret was sent")
			if tt.wantLevel == "fatal" {
				frames := ev.ExceptionFrames()
				require.NotEmpty(t, frames)
				assert.Contains(t, frames[0].Function, "TestPanicReportedOnce", "the stack starts at the panic site")
			}
		})
	}
}

// TestPanicRepanicsByDefault: without a recover middleware the panic goes
// on, as fiber without errsight would let it, after one fatal event has
// been delivered (the default FlushTimeout waits for it).
func TestPanicRepanicsByDefault(t *testing.T) {
	s := newSink(t)
	app := s.newApp()
	app.Use(errsightfiber.New(errsightfiber.Options{}))
	app.Get("/boom", func(*fiber.Ctx) error { panic("boom") })

	var fctx fasthttp.RequestCtx
	fctx.Request.SetRequestURI("/boom")
	fctx.Request.Header.SetMethod(http.MethodGet)
	assert.PanicsWithValue(t, "boom", func() { app.Handler()(&fctx) })

	// Delivered before the re-panic: no flush needed to see it.
	evs := s.Server.Events()
	require.Len(t, evs, 1)
	assert.Equal(t, "fatal", evs[0].Level)
	assert.True(t, strings.HasPrefix(evs[0].Message, "panic: boom"), evs[0].Message)
	assert.Equal(t, "GET /boom", evs[0].Tags["route"])
}
