package errsightfiber_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/gofiber/fiber/v2"

	"github.com/stretchr/testify/require"
)

// sink is an errsighttest server with an enabled client and a hub for it.
// Tests hand the hub to the middleware through an outer layer that puts it
// in c.UserContext(), never through the global hub, so they can run in
// parallel and check that the global scope stays untouched.
type sink struct {
	*sinktest.Sink
	hub *errsight.Hub
}

func newSink(t testing.TB) *sink {
	t.Helper()
	base := sinktest.New(t)
	return &sink{Sink: base, hub: errsight.NewHub(base.Client, nil)}
}

// events flushes the client and returns what the server accepted.
func (s *sink) events(t testing.TB) []errsighttest.Event {
	t.Helper()
	return s.Events(t)
}

// newApp returns an app whose first layer gives requests the sink's hub (as
// errsight.Init would through the global hub), then the given handlers.
func (s *sink) newApp(cfg ...fiber.Config) *fiber.App {
	app := fiber.New(cfg...)
	if s != nil {
		app.Use(func(c *fiber.Ctx) error {
			c.SetUserContext(errsight.ContextWithHub(c.UserContext(), s.hub))
			return c.Next()
		})
	}
	return app
}

// do sends req through app.Test and returns the status and body.
func do(t testing.TB, app *fiber.App, req *http.Request) (int, string) {
	t.Helper()
	resp, err := app.Test(req, -1)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t testing.TB, app *fiber.App, target string) (int, string) {
	t.Helper()
	return do(t, app, httptest.NewRequest(http.MethodGet, target, nil))
}

// byMessage indexes events by message.
func byMessage(evs []errsighttest.Event) map[string]errsighttest.Event {
	m := make(map[string]errsighttest.Event, len(evs))
	for _, ev := range evs {
		m[ev.Message] = ev
	}
	return m
}
