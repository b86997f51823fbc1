package errsightzap_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"
)

// Many goroutines derive loggers from one base (With, namespaces, Context
// fields) and log at once, on hubs of their own and on the pinned one. Run
// with -race: cores share nothing mutable, and no goroutine's fields show
// in another's records.
func TestConcurrentDerivedLoggers(t *testing.T) {
	s := sinktest.New(t)
	pinned := errsight.NewHub(s.Client, nil)
	base := zap.New(errsightzap.NewCore(errsightzap.Options{Hub: pinned})).With(zap.String("app", "test"), zap.Namespace("req"))
	const goroutines, iterations = 8, 100
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			ctx, own := s.Context()
			id := fmt.Sprint(g)
			l := base.With(errsightzap.Context(ctx), zap.String("g", id))
			for i := range iterations {
				l.With(zap.Int("i", i)).Info("own", zap.Namespace("n"), zap.Int("k", i))
				base.Info("shared", zap.String("g", id)) // no context: the pinned hub
			}
			l.Error("failed", zap.Error(errors.New("x")))
			for _, b := range own.Scope().Breadcrumbs() {
				req, _ := b.Data["req"].(map[string]any)
				// A goroutine of the test's own: assert, never require (FailNow).
				if !assert.Equal(t, id, req["g"], "goroutine %s has a breadcrumb of another", id) {
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, s.Events(t), goroutines, "events")
	assert.NotEmpty(t, pinned.Scope().Breadcrumbs(), "no breadcrumbs on the pinned hub")
}
