package errsightlogrus_test

import (
	"errors"
	"io"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/sirupsen/logrus"
)

func benchLogger(hook bool) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	l.SetLevel(logrus.DebugLevel)
	if hook {
		l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{}))
	}
	return l
}

// BenchmarkBelowLevel is a Debug entry written by logrus to io.Discard:
// "floor" is logrus alone, "hook" the same logger with the hook.
func BenchmarkBelowLevel(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	for _, tt := range []struct {
		name string
		hook bool
	}{{"floor", false}, {"hook", true}} {
		b.Run(tt.name, func(b *testing.B) {
			log := benchLogger(tt.hook).WithContext(ctx)
			b.ReportAllocs()
			for b.Loop() {
				log.WithField("key", "user:42").Debug("cache miss")
			}
		})
	}
}

// BenchmarkBreadcrumb is an Info entry becoming a breadcrumb.
func BenchmarkBreadcrumb(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	log := benchLogger(true).WithContext(ctx)
	b.ReportAllocs()
	for b.Loop() {
		log.WithField("cart", 42).Info("loaded cart")
	}
}

// BenchmarkEvent is an Error entry with an error becoming an event
// (queueing included), breadcrumbs off.
func BenchmarkEvent(b *testing.B) {
	s := sinktest.New(b)
	ctx, _ := s.Context()
	l := benchLogger(false)
	l.AddHook(errsightlogrus.NewHook(errsightlogrus.Options{BreadcrumbLevel: errsight.LevelFatal + 1}))
	log := l.WithContext(ctx)
	failure := errors.New("card declined")
	b.ReportAllocs()
	for b.Loop() {
		log.WithError(failure).WithField("order", 42).Error("charge failed")
	}
}
