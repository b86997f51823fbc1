package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
)

func ExampleScope_SetFingerprint() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)

	// Every timeout of the billing API is one issue, whatever its message.
	hub.Scope().SetFingerprint([]string{"billing-api", "timeout"})
	hub.CaptureError(errors.New("GET /invoices/1834: timeout after 30s"))
	hub.CaptureError(errors.New("GET /invoices/77: timeout after 30s"))
	client.Close()

	events, _ := srv.WaitForEvents(2, time.Second)
	fmt.Println(events[0].GroupingKey() == events[1].GroupingKey(), events[0].Fingerprint)
	// Output: true [billing-api timeout]
}

func ExampleScope_Clear() {
	scope := errsight.NewScope()
	scope.SetUser(errsight.User{ID: "u-1"})
	scope.SetTag("tenant", "acme")
	scope.AddBreadcrumb(errsight.Breadcrumb{Message: "login"})
	scope.Clear() // e.g. when a pooled worker picks up the next job
	fmt.Println(scope.User() == errsight.User{}, len(scope.Tags()), len(scope.Breadcrumbs()))
	// Output: true 0 0
}

func ExampleHub_CaptureError() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)

	id := hub.CaptureError(fmt.Errorf("sync inventory: %w", context.DeadlineExceeded))
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].IngestionID == string(id), events[0].ExceptionClass())
	// Output: true context.deadlineExceededError
}

func ExampleHub_Recover() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)

	// A job runner that must survive its jobs' panics reports them and
	// carries on: Hub.Recover neither re-panics nor flushes.
	runJob := func(job func()) {
		defer func() {
			if r := recover(); r != nil {
				hub.Recover(r)
			}
		}()
		job()
	}
	runJob(func() { panic("job exploded") })
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Message)
	// Output: fatal panic: job exploded
}
