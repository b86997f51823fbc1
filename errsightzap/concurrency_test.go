package errsightzap_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightzap"
	"github.com/errsight/errsight-go/internal/sinktest"
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
				if req, _ := b.Data["req"].(map[string]any); req["g"] != id {
					t.Errorf("goroutine %s has a breadcrumb of %v", id, req["g"])
					return
				}
			}
		})
	}
	wg.Wait()
	if n := len(s.Events(t)); n != goroutines {
		t.Errorf("got %d events, want %d", n, goroutines)
	}
	if n := len(pinned.Scope().Breadcrumbs()); n == 0 {
		t.Error("no breadcrumbs on the pinned hub")
	}
}
