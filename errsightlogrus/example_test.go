package errsightlogrus_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/sirupsen/logrus"
)

func ExampleNewHook() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	// In a server, the errsighthttp middleware puts a hub in each request's
	// context; here one unit of work gets its own.
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetUser(errsight.User{ID: "u-42"}) })

	logger := logrus.New()
	logger.SetOutput(os.Stdout)
	logger.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	logger.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))

	log := logger.WithContext(ctx)
	log.WithField("cart", 7).Info("loading cart")
	log.WithError(errors.New("card declined")).WithField("order", 42).Error("charge failed")

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, ev.ExceptionClass(), ev.Metadata["order"], ev.User.ID)
	fmt.Println(ev.Breadcrumbs[0].Message, ev.Breadcrumbs[0].Data["cart"])
	// Output:
	// level=info msg="loading cart" cart=7
	// level=error msg="charge failed" error="card declined" order=42
	// error charge failed: card declined *errors.errorString 42 u-42
	// loading cart 7
}
