package errsightecho_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightecho"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func ExampleNew() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	hub := errsight.NewHub(client, nil) // errsight.Init binds the global hub instead

	e := echo.New()
	e.Use(middleware.Recover())
	e.Use(errsightecho.New(errsightecho.Options{}))
	e.GET("/orders/:id", func(c echo.Context) error {
		// The request's context carries its own hub.
		errsight.ConfigureScope(c.Request().Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: "alice"})
		})
		// Reported: echo answers it with 502.
		return echo.NewHTTPError(http.StatusBadGateway, "inventory unavailable")
	})

	req := httptest.NewRequest("GET", "/orders/42?token=secret", nil)
	e.ServeHTTP(httptest.NewRecorder(), req.WithContext(errsight.ContextWithHub(req.Context(), hub)))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Message, "| user", ev.User.ID, "| route", ev.Tags["route"], "| status", ev.Tags["http.status_code"])
	fmt.Println(ev.Metadata["request"].(map[string]any)["query"])
	// Output:
	// code=502, message=inventory unavailable | user alice | route GET /orders/:id | status 502
	// token=[Filtered]
}

// When echo's Recover runs inside errsightecho's middleware, it stops
// panics before the middleware sees them: LogErrorFunc reports them.
func ExampleLogErrorFunc() {
	e := echo.New()
	e.Use(errsightecho.New(errsightecho.Options{}))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: errsightecho.LogErrorFunc(nil),
	}))
}
