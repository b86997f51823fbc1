package errsightfiber_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentRequestsKeepTheirOwnScope runs requests at once whose
// handlers set a user, a tag and a breadcrumb through either of fiber's
// contexts: each event carries only its own request's, and neither the
// global scope nor the hub the requests were cloned from changes.
func TestConcurrentRequestsKeepTheirOwnScope(t *testing.T) {
	s := newSink(t)
	app := s.newApp()
	app.Use(errsightfiber.New(errsightfiber.Options{}))
	app.Get("/users/:name", func(c *fiber.Ctx) error {
		name := strings.Clone(c.Params("name"))
		ctx := c.UserContext()
		if c.Query("form") == "fasthttp" {
			ctx = c.Context()
		}
		errsight.ConfigureScope(ctx, func(sc *errsight.Scope) {
			sc.SetUser(errsight.User{ID: name})
			sc.SetTag("who", name)
		})
		errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "test", Message: "crumb " + name})
		errsight.CaptureMessage(ctx, "hello "+name, errsight.LevelError)
		return c.SendString("ok")
	})

	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			form := "user"
			if i%2 == 1 {
				form = "fasthttp"
			}
			status, _ := get(t, app, fmt.Sprintf("/users/u%d?form=%s", i, form))
			assert.Equal(t, http.StatusOK, status)
		})
	}
	wg.Wait()

	evs := s.events(t)
	require.Len(t, evs, n)
	for _, ev := range evs {
		name := strings.TrimPrefix(ev.Message, "hello ")
		assert.Equal(t, name, ev.User.ID, ev.Message)
		assert.Equal(t, name, ev.Tags["who"], ev.Message)
		assert.Equal(t, "GET /users/:name", ev.Tags["route"], ev.Message)
		assert.Equal(t, "GET", ev.Tags["http.method"], ev.Message)
		require.Len(t, ev.Breadcrumbs, 1, ev.Message)
		assert.Equal(t, "crumb "+name, ev.Breadcrumbs[0].Message)
	}
	assert.Empty(t, errsight.CurrentHub().Scope().Tags(), "global scope")
	assert.Equal(t, errsight.User{}, errsight.CurrentHub().Scope().User(), "global scope")
	assert.Empty(t, s.hub.Scope().Tags(), "the hub requests were cloned from")
	assert.Empty(t, s.hub.Scope().Breadcrumbs(), "the hub requests were cloned from")
}

// TestRouteTemplate checks that events captured inside handlers carry the
// template of the route that answered, however the route was registered,
// while the middleware runs before fiber has reached that route.
func TestRouteTemplate(t *testing.T) {
	capture := func(c *fiber.Ctx) error {
		errsight.CaptureMessage(c.UserContext(), "inside", errsight.LevelError)
		return nil
	}
	tests := []struct {
		name   string
		cfg    fiber.Config
		setup  func(app *fiber.App)
		target string
		route  string
	}{
		{"param", fiber.Config{}, func(app *fiber.App) {
			app.Get("/orders/:id", capture)
			app.Get("/orders/new", capture) // registered later: :id wins, as in fiber
		}, "/orders/42", "GET /orders/:id"},
		{"static route before param", fiber.Config{}, func(app *fiber.App) {
			app.Get("/orders/new", capture)
			app.Get("/orders/:id", capture)
		}, "/orders/new", "GET /orders/new"},
		{"group and wildcard", fiber.Config{}, func(app *fiber.App) {
			app.Group("/api/v1").Get("/files/*", capture)
		}, "/api/v1/files/a/b.txt", "GET /api/v1/files/*"},
		{"optional param and constraint", fiber.Config{}, func(app *fiber.App) {
			app.Get("/items/:id<int>/:part?", capture)
		}, "/items/7", "GET /items/:id<int>/:part?"},
		{"case insensitive by default", fiber.Config{}, func(app *fiber.App) {
			app.Get("/Orders/:id", capture)
		}, "/orders/9", "GET /Orders/:id"},
		{"other middleware between", fiber.Config{}, func(app *fiber.App) {
			app.Use(func(c *fiber.Ctx) error { return c.Next() })
			app.Post("/orders/:id", capture)
			app.Get("/orders/:id/lines", capture)
		}, "/orders/3/lines", "GET /orders/:id/lines"},
		{"mounted app", fiber.Config{}, func(app *fiber.App) {
			sub := fiber.New()
			sub.Get("/ping/:n", capture)
			app.Mount("/sub", sub)
		}, "/sub/ping/1", "GET /sub/ping/:n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			app := s.newApp(tt.cfg)
			app.Use(errsightfiber.New(errsightfiber.Options{}))
			tt.setup(app)
			status, _ := get(t, app, tt.target)
			require.Equal(t, http.StatusOK, status)
			evs := s.events(t)
			require.Len(t, evs, 1)
			assert.Equal(t, tt.route, evs[0].Tags["route"])
		})
	}
}

// TestRouteWhenInstalledOnTheRoute covers the middleware given to one
// route rather than app.Use, and a route registered after the first
// request.
func TestRouteWhenInstalledOnTheRoute(t *testing.T) {
	s := newSink(t)
	app := s.newApp()
	mw := errsightfiber.New(errsightfiber.Options{})
	capture := func(c *fiber.Ctx) error {
		errsight.CaptureMessage(c.Context(), strings.Clone(c.Path()), errsight.LevelError) // fiber strings are reused buffers
		return nil
	}
	app.Get("/a/:x", mw, capture)
	status, _ := get(t, app, "/a/1")
	require.Equal(t, http.StatusOK, status)
	app.Get("/b/:y", mw, capture)
	status, _ = get(t, app, "/b/2")
	require.Equal(t, http.StatusOK, status)

	got := byMessage(s.events(t))
	assert.Equal(t, "GET /a/:x", got["/a/1"].Tags["route"])
	assert.Equal(t, "GET /b/:y", got["/b/2"].Tags["route"])
}

// TestHandlerErrors checks which returned errors are reported, once, with
// their class and the status fiber answers with.
func TestHandlerErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		opts       errsightfiber.Options
		wantStatus int
		wantClass  string // "" when nothing may be reported
	}{
		{"plain error is a 500", errors.New("db down"), errsightfiber.Options{}, 500, "*errors.errorString"},
		{"fiber 404 is not reported", fiber.NewError(404, "no such order"), errsightfiber.Options{}, 404, ""},
		{"fiber 503 is reported", fiber.NewError(503, "busy"), errsightfiber.Options{}, 503, "*fiber.Error"},
		{"wrapped fiber error", fmt.Errorf("load: %w", fiber.NewError(502, "upstream")), errsightfiber.Options{}, 502, "*fiber.Error"},
		{"ReportStatus widens", fiber.NewError(404, "gone"), errsightfiber.Options{ReportStatus: func(s int) bool { return s >= 400 }}, 404, "*fiber.Error"},
		{"ReportStatus narrows", errors.New("x"), errsightfiber.Options{ReportStatus: func(int) bool { return false }}, 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			app := s.newApp()
			app.Use(errsightfiber.New(tt.opts))
			app.Get("/orders/:id", func(*fiber.Ctx) error { return tt.err })
			status, _ := get(t, app, "/orders/7")
			assert.Equal(t, tt.wantStatus, status)
			evs := s.events(t)
			if tt.wantClass == "" {
				assert.Empty(t, evs)
				return
			}
			require.Len(t, evs, 1)
			ev := evs[0]
			assert.Equal(t, "error", ev.Level)
			assert.Equal(t, tt.wantClass, ev.ExceptionClass())
			assert.NotEmpty(t, ev.ExceptionFrames())
			assert.Equal(t, fmt.Sprint(tt.wantStatus), ev.Tags["http.status_code"])
			assert.Equal(t, "GET /orders/:id", ev.Tags["route"])
		})
	}
}

// TestSecretsNeverSent sends credentials every way a request can carry
// them; none may reach the server.
func TestSecretsNeverSent(t *testing.T) {
	for _, sendIP := range []bool{false, true} {
		t.Run(fmt.Sprint("SendClientIP=", sendIP), func(t *testing.T) {
			s := newSink(t)
			app := s.newApp()
			app.Use(errsightfiber.New(errsightfiber.Options{SendClientIP: sendIP, SensitiveNames: []string{"voucher"}}))
			app.Get("/login", func(c *fiber.Ctx) error { return errors.New("login failed") })
			req := httptest.NewRequest(http.MethodGet, "/login?user=ann&access_token=tok-SECRET1&pass%77ord=SECRET2&voucher=SECRET8", nil)
			req.Header.Set("Authorization", "Bearer SECRET3")
			req.Header.Set("Cookie", "session=SECRET4")
			req.Header.Set("X-Api-Key", "SECRET5")
			req.Header.Set("Referer", "https://ann:SECRET6@shop.example/cart?api_key=SECRET7#frag")
			req.Header.Set("User-Agent", "test-agent")
			status, _ := do(t, app, req)
			require.Equal(t, 500, status)

			evs := s.events(t)
			require.Len(t, evs, 1)
			body := s.Bodies()
			assert.False(t, strings.Contains(body, "SECRET"), "a secret was sent")
			rd, _ := evs[0].Metadata["request"].(map[string]any)
			require.NotNil(t, rd)
			assert.Equal(t, "user=ann&access_token=[Filtered]&pass%77ord=[Filtered]&voucher=[Filtered]", rd["query"])
			assert.Equal(t, "http://example.com/login", rd["url"])
			headers, _ := rd["headers"].(map[string]any)
			assert.Equal(t, map[string]any{"User-Agent": "test-agent", "Referer": "https://shop.example/cart?api_key=[Filtered]"}, headers)
			if sendIP {
				assert.Equal(t, "0.0.0.0", rd["client_ip"])
				assert.Equal(t, "0.0.0.0", evs[0].User.IPAddress)
			} else {
				assert.NotContains(t, rd, "client_ip")
				assert.Empty(t, evs[0].User.IPAddress)
			}
		})
	}
}

// TestDisabledClientStillIsolatesRequests: without an enabled client the
// middleware reports nothing, but a handler's scope changes still stay off
// the global scope.
func TestDisabledClientStillIsolatesRequests(t *testing.T) {
	app := fiber.New()
	app.Use(errsightfiber.New(errsightfiber.Options{}))
	app.Get("/", func(c *fiber.Ctx) error {
		errsight.ConfigureScope(c.UserContext(), func(sc *errsight.Scope) { sc.SetTag("leak", "user-context") })
		errsight.ConfigureScope(c.Context(), func(sc *errsight.Scope) { sc.SetUser(errsight.User{ID: "leak"}) })
		return errors.New("ignored")
	})
	status, _ := get(t, app, "/")
	assert.Equal(t, 500, status)
	assert.Empty(t, errsight.CurrentHub().Scope().Tags())
	assert.Equal(t, errsight.User{}, errsight.CurrentHub().Scope().User())
}

// TestErrorHandlerSeesTheRequestHub: a custom ErrorHandler runs after the
// middleware has returned and still reports on the request's hub.
func TestErrorHandlerSeesTheRequestHub(t *testing.T) {
	s := newSink(t)
	app := s.newApp(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		errsight.CaptureErrorAtLevel(c.UserContext(), err, errsight.LevelWarning)
		return c.Status(fiber.StatusTeapot).SendString("handled")
	}})
	app.Use(errsightfiber.New(errsightfiber.Options{ReportStatus: func(int) bool { return false }}))
	app.Get("/tea/:kind", func(c *fiber.Ctx) error {
		errsight.ConfigureScope(c.UserContext(), func(sc *errsight.Scope) { sc.SetUser(errsight.User{ID: "u1"}) })
		return errors.New("no tea")
	})
	status, _ := get(t, app, "/tea/green")
	assert.Equal(t, fiber.StatusTeapot, status)
	evs := s.events(t)
	require.Len(t, evs, 1)
	assert.Equal(t, "u1", evs[0].User.ID)
	assert.Equal(t, "GET /tea/:kind", evs[0].Tags["route"])
}
