package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
)

func ExampleSafe() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	jobs := []string{"resize a.png", "resize b.png", "resize c.png"}
	for _, job := range jobs {
		err := errsight.Safe(ctx, func(ctx context.Context) error {
			errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("job", job) })
			if job == "resize b.png" {
				panic("image: unknown format")
			}
			return nil
		})
		var p *errsight.PanicError
		if errors.As(err, &p) {
			fmt.Println(job, "failed:", err) // reported; the loop goes on
		}
	}
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Tags["job"])
	// Output:
	// resize b.png failed: panic: image: unknown format
	// fatal resize b.png
}
