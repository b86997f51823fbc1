package errsightfiber_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

func ExampleNew() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, err := errsight.Init(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	app := fiber.New()
	app.Use(errsightfiber.New(errsightfiber.Options{}))
	app.Get("/orders/:id", func(c *fiber.Ctx) error {
		// c.UserContext() and c.Context() both carry this request's hub.
		errsight.ConfigureScope(c.UserContext(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: "u-42"})
		})
		errsight.CaptureError(c.Context(), errors.New("order not found"))
		return fiber.ErrNotFound // a 404: answered, not reported
	})

	// A real program serves it: app.Listen(":8080").
	resp, _ := app.Test(httptest.NewRequest("GET", "/orders/7?token=abc&page=2", nil))
	_ = resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, "user", ev.User.ID)
	fmt.Println("route:", ev.Tags["route"])
	request := ev.Metadata["request"].(map[string]any)
	fmt.Println(request["url"], request["query"])
	// Output:
	// status: 404
	// error order not found user u-42
	// route: GET /orders/:id
	// http://example.com/orders/7 token=[Filtered]&page=2
}

func ExampleStackTraceHandler() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	app := fiber.New()
	// Without errsight.Init, hand the middleware a parent hub.
	app.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(errsight.ContextWithHub(c.UserContext(), errsight.NewHub(client, nil)))
		return c.Next()
	})
	app.Use(errsightfiber.New(errsightfiber.Options{}))
	// recover inside the middleware stops panics before the middleware
	// sees them: its StackTraceHandler hook reports them instead.
	app.Use(recover.New(recover.Config{
		EnableStackTrace:  true,
		StackTraceHandler: errsightfiber.StackTraceHandler,
	}))
	app.Get("/checkout", func(c *fiber.Ctx) error {
		var cart []string
		return c.SendString(cart[2]) // index out of range
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/checkout", nil))
	_ = resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)

	_ = client.Flush(context.Background())
	for _, ev := range srv.Events() {
		fmt.Println(ev.Level, ev.Message)
	}
	// Output:
	// status: 500
	// fatal panic: runtime error: index out of range [2] with length 0
}

func ExampleOptions() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(errsight.ContextWithHub(c.UserContext(), errsight.NewHub(client, nil)))
		return c.Next()
	})
	app.Use(errsightfiber.New(errsightfiber.Options{
		// Report 4xx answers too, except 404.
		ReportStatus: func(status int) bool { return status >= 400 && status != fiber.StatusNotFound },
	}))
	app.Post("/orders", func(c *fiber.Ctx) error {
		return fiber.NewError(fiber.StatusConflict, "order already placed")
	})

	resp, _ := app.Test(httptest.NewRequest("POST", "/orders", nil))
	_ = resp.Body.Close()

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, ev.Tags["http.status_code"], ev.ExceptionClass())
	// Output:
	// error order already placed 409 *fiber.Error
}

func ExampleStatusOf() {
	fmt.Println(errsightfiber.StatusOf(errors.New("db down")))
	fmt.Println(errsightfiber.StatusOf(fmt.Errorf("load order: %w", fiber.ErrNotFound)))
	// Output:
	// 500
	// 404
}
