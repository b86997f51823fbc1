package errsightzerolog_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/rs/zerolog"
)

func ExampleNewWriter() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	// In a server, the errsighthttp middleware puts a hub in each request's
	// context; here one unit of work gets its own.
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetUser(errsight.User{ID: "u-42"}) })

	// Installed both ways: as a writer beside the logger's own output, and
	// as a hook, which sees each event's context.
	w := errsightzerolog.NewWriter(errsightzerolog.Options{})
	logger := zerolog.New(zerolog.MultiLevelWriter(os.Stdout, w)).Hook(w.(zerolog.Hook))

	log := logger.With().Ctx(ctx).Logger() // this unit of work's events
	log.Info().Int("cart", 7).Msg("loading cart")
	log.Error().Err(errors.New("card declined")).Int("order", 42).Msg("charge failed")

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, ev.ExceptionClass(), ev.Metadata["order"], ev.User.ID)
	fmt.Println(ev.Breadcrumbs[0].Message, ev.Breadcrumbs[0].Data["cart"])
	// Output:
	// {"level":"info","cart":7,"message":"loading cart"}
	// {"level":"error","error":"card declined","order":42,"message":"charge failed"}
	// error charge failed: card declined *errors.errorString 42 u-42
	// loading cart 7
}

func ExampleNew() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	logger := errsightzerolog.New(os.Stdout, errsightzerolog.Options{})
	logger.Warn().Ctx(ctx).Str("query", "cart").Msg("slow query")

	for _, b := range errsight.HubFromContext(ctx).Scope().Breadcrumbs() {
		fmt.Println(b.Level, b.Message, b.Data["query"])
	}
	// Output:
	// {"level":"warn","query":"cart","message":"slow query"}
	// warning slow query cart
}

func ExampleMarshalErrors() {
	// Setting zerolog.ErrorMarshalFunc after NewWriter replaces the one
	// NewWriter wrapped: wrap yours, so that Err keeps giving events their
	// error's class, causes and stack.
	prev := zerolog.ErrorMarshalFunc
	defer func() { zerolog.ErrorMarshalFunc = prev }()
	zerolog.ErrorMarshalFunc = errsightzerolog.MarshalErrors(func(err error) any {
		return "E: " + err.Error()
	})
	logger := zerolog.New(os.Stdout)
	logger.Error().Err(errors.New("card declined")).Send()
	// Output:
	// {"level":"error","error":"E: card declined"}
}
