package errsightgin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgin"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/gin-gonic/gin"
)

func ExampleNew() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	hub := errsight.NewHub(client, nil) // errsight.Init binds the global hub instead

	r := gin.New()
	r.Use(gin.RecoveryWithWriter(nil), errsightgin.New(errsightgin.Options{}))
	r.GET("/orders/:id", func(c *gin.Context) {
		// The *gin.Context reaches this request's own hub.
		errsight.ConfigureScope(c, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: "alice"})
		})
		// Reported once the handlers have run: the status is 500 or more.
		_ = c.AbortWithError(http.StatusBadGateway, errors.New("inventory unavailable"))
	})

	req := httptest.NewRequest("GET", "/orders/42?token=secret", nil)
	r.ServeHTTP(httptest.NewRecorder(), req.WithContext(errsight.ContextWithHub(req.Context(), hub)))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Message, "| user", ev.User.ID, "| route", ev.Tags["route"], "| status", ev.Tags["http.status_code"])
	fmt.Println(ev.Metadata["request"].(map[string]any)["query"])
	// Output:
	// inventory unavailable | user alice | route GET /orders/:id | status 502
	// token=[Filtered]
}

// When gin's recovery runs inside errsightgin's middleware, it stops panics
// before the middleware sees them: RecoveryFunc reports them.
func ExampleRecoveryFunc() {
	r := gin.New()
	r.Use(errsightgin.New(errsightgin.Options{}))
	r.Use(gin.CustomRecovery(errsightgin.RecoveryFunc(func(c *gin.Context, _ any) {
		c.String(http.StatusInternalServerError, "something went wrong")
	})))
}
