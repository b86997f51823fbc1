package errsightslog_test

import (
	"errors"
	"log"
	"log/slog"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightslog"
)

// slog.SetDefault routes the log package through the handler too, at Info:
// log.Printf lines become breadcrumbs. slog.SetDefault is process-wide, so
// the test restores slog's and log's state, which it changes.
func TestSetDefaultRoutesTheLogPackage(t *testing.T) {
	s := newSink(t)
	hub := errsight.NewHub(s.client, nil)
	prevLogger, prevWriter, prevFlags := slog.Default(), log.Writer(), log.Flags()
	t.Cleanup(func() {
		slog.SetDefault(prevLogger)
		log.SetOutput(prevWriter)
		log.SetFlags(prevFlags)
	})
	slog.SetDefault(slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{Hub: hub})))

	log.Printf("cache warmed in %dms", 12)
	slog.Info("listening", "addr", ":8080")
	slog.Error("shutting down", "err", errors.New("signal: terminated"))

	ev := s.only(t)
	if ev.Message != "shutting down: signal: terminated" {
		t.Errorf("event %q", ev.Message)
	}
	if len(ev.Breadcrumbs) != 2 {
		t.Fatalf("breadcrumbs = %+v", ev.Breadcrumbs)
	}
	if b := ev.Breadcrumbs[0]; b.Message != "cache warmed in 12ms" || b.Level != "info" || b.Category != "log" {
		t.Errorf("log.Printf breadcrumb = %+v", b)
	}
	if b := ev.Breadcrumbs[1]; b.Message != "listening" || b.Data["addr"] != ":8080" {
		t.Errorf("slog.Info breadcrumb = %+v", b)
	}
}
