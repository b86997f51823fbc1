package errsightslog_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
)

// Many goroutines log through one handler tree, deriving handlers as they
// go, on a shared hub and on hubs of their own, while a LevelVar changes.
// Run with -race: the handler must share nothing mutable.
func TestConcurrentLogging(t *testing.T) {
	s := newSink(t)
	shared := errsight.NewHub(s.client, nil)
	var lv slog.LevelVar
	base := slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{BreadcrumbLevel: &lv, Hub: shared})).With("app", "test")

	const goroutines, iterations = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := errsight.NewHub(s.client, nil)
			ctx := errsight.ContextWithHub(context.Background(), own)
			logger := base.WithGroup("g").With("n", g)
			for i := range iterations {
				l := logger.With("i", i)
				l.InfoContext(ctx, "own", "k", i)
				l.Info("shared", "k", i) // no hub in context: the pinned, shared hub
				if i%50 == 0 {
					l.ErrorContext(ctx, "failed", "err", errors.New("x"), slog.Group("grp", "a", i))
				}
			}
			assert.NotZero(t, len(own.Scope().Breadcrumbs()), "no breadcrumbs on the goroutine's own hub")
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range iterations {
			lv.Set(slog.Level(i % 2 * 4)) // Info, Warn, Info...
		}
	}()
	wg.Wait()
	n := len(s.events(t))
	assert.Equal(t, goroutines*iterations/50, n, "got %d events, want %d", n, goroutines*iterations/50)
}
