package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
)

func ExampleNewGroup() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	g, ctx := errsight.NewGroup(ctx)
	for _, shard := range []string{"eu", "us"} {
		g.Go(func(ctx context.Context) error {
			// Each function has its own scope: this tag stays on its events.
			errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("shard", shard) })
			if shard == "us" {
				return errors.New("us: replica lagging")
			}
			return nil
		})
	}
	err := g.Wait() // the first error, as errgroup returns it
	errsight.CaptureError(ctx, err)
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(err, len(events))
	// Output: us: replica lagging 1
}

func ExampleGroup_SetCaptureErrors() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	g, _ := errsight.NewGroup(ctx)
	g.SetCaptureErrors(true) // every error, on its goroutine's scope
	g.SetLimit(1)            // one at a time, as errgroup's SetLimit
	for _, file := range []string{"a.csv", "b.csv"} {
		g.Go(func(ctx context.Context) error {
			errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("file", file) })
			return fmt.Errorf("%s: bad header", file)
		})
	}
	fmt.Println(g.Wait())
	client.Close()

	events, _ := srv.WaitForEvents(2, time.Second)
	fmt.Println(len(events), "events")
	// Output:
	// a.csv: bad header
	// 2 events
}
