package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
)

// Errors a service expects are dropped before anything is built; BeforeSend
// sees the error itself, not only its text; breadcrumbs are scrubbed as
// they are added.
func ExampleOptions_ignoreErrors() {
	srv, opts := testServer()
	defer srv.Close()
	opts.IgnoreErrors = []error{context.Canceled}
	opts.BeforeSend = func(ev *errsight.Event) *errsight.Event {
		if errors.Is(ev.Err(), io.ErrUnexpectedEOF) {
			ev.Tags = map[string]string{"cause": "truncated upload"}
		}
		return ev
	}
	opts.BeforeBreadcrumb = func(b errsight.Breadcrumb) (errsight.Breadcrumb, bool) {
		b.Message = strings.ReplaceAll(b.Message, "hunter2", "[scrubbed]")
		return b, b.Category != "healthcheck"
	}
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)
	hub.AddBreadcrumb(errsight.Breadcrumb{Category: "healthcheck", Message: "GET /healthz"})
	hub.AddBreadcrumb(errsight.Breadcrumb{Category: "auth", Message: "login with hunter2"})
	hub.CaptureError(fmt.Errorf("request: %w", context.Canceled)) // ignored
	hub.CaptureError(fmt.Errorf("upload: %w", io.ErrUnexpectedEOF))
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(len(srv.Events()), events[0].Message, events[0].Tags["cause"], events[0].Breadcrumbs[0].Message)
	// Output: 1 upload: unexpected EOF truncated upload login with [scrubbed]
}

func ExampleOptions_sampleRate() {
	opts := errsight.Options{SampleRate: 0.25} // send one event in four, at random
	fmt.Println(opts.SampleRate)
	// Output: 0.25
}
