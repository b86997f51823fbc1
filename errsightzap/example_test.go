package errsightzap_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/errsightzap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func ExampleNewCore() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	// In a server, the errsighthttp middleware puts a hub in each request's
	// context; here one unit of work gets its own.
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetUser(errsight.User{ID: "u-42"}) })

	// The logger's own core writes the logs (no time, for a stable output);
	// the ErrSight core is teed beside it.
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = ""
	own := zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(os.Stdout), zapcore.InfoLevel)
	logger := zap.New(zapcore.NewTee(own, errsightzap.NewCore(errsightzap.Options{})))

	log := logger.With(errsightzap.Context(ctx)) // this unit of work's entries
	log.Info("loading cart", zap.Int("cart", 7))
	log.Error("charge failed", zap.Error(errors.New("card declined")), zap.Int("order", 42))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, ev.ExceptionClass(), ev.Metadata["order"], ev.User.ID)
	fmt.Println(ev.Breadcrumbs[0].Message, ev.Breadcrumbs[0].Data["cart"])
	// Output:
	// {"level":"info","msg":"loading cart","cart":7}
	// {"level":"error","msg":"charge failed","error":"card declined","order":42}
	// error charge failed: card declined *errors.errorString 42 u-42
	// loading cart 7
}

// Installed on an existing logger with zap.WrapCore, for one request.
func ExampleContext() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	logger := zap.NewNop().WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return zapcore.NewTee(c, errsightzap.NewCore(errsightzap.Options{}))
	}))
	logger.Warn("slow query", errsightzap.Context(ctx), zap.Duration("took", 1500_000_000))

	for _, b := range errsight.HubFromContext(ctx).Scope().Breadcrumbs() {
		fmt.Println(b.Level, b.Message, b.Data["took"])
	}
	// Output:
	// warning slow query 1.5s
}
