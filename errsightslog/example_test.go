package errsightslog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
	"github.com/errsight/errsight-go/errsighttest"
)

func ExampleNewHandler() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	// In a server, the errsighthttp middleware puts a hub in each request's
	// context; here one unit of work gets its own.
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	logger := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{
		// Keep writing the logs; the time is dropped for a stable output.
		Next: slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			},
		}),
	}))
	logger.InfoContext(ctx, "loading cart", "cart", 7)
	logger.ErrorContext(ctx, "charge failed", "err", errors.New("card declined"), "order", 42)

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message)
	fmt.Println("order:", ev.Metadata["order"], "class:", ev.ExceptionClass())
	fmt.Println("breadcrumb:", ev.Breadcrumbs[0].Message, ev.Breadcrumbs[0].Data["cart"])
	// Output:
	// level=INFO msg="loading cart" cart=7
	// level=ERROR msg="charge failed" err="card declined" order=42
	// error charge failed: card declined
	// order: 42 class: *errors.errorString
	// breadcrumb: loading cart 7
}

func ExampleHandlerOptions() {
	// Report warnings as events too, with a threshold that can change at
	// run time, and no breadcrumbs below Warn.
	var eventLevel slog.LevelVar
	eventLevel.Set(slog.LevelWarn)
	h := errsightslog.NewHandler(&errsightslog.HandlerOptions{
		EventLevel:      &eventLevel,
		BreadcrumbLevel: slog.LevelWarn,
	})
	ctx := context.Background()
	fmt.Println("info:", h.Enabled(ctx, slog.LevelInfo), "warn:", h.Enabled(ctx, slog.LevelWarn))

	eventLevel.Set(slog.LevelInfo)
	fmt.Println("info:", h.Enabled(ctx, slog.LevelInfo))
	// Output:
	// info: false warn: true
	// info: true
}
