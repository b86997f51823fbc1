package errsightslog_test

import (
	"errors"
	"log"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	assert.Equal(t, "shutting down: signal: terminated", ev.Message, "event %q", ev.Message)
	require.Len(t, ev.Breadcrumbs, 2, "breadcrumbs = %+v", ev.Breadcrumbs)
	b := ev.Breadcrumbs[0]
	require.Equal(t, "cache warmed in 12ms", b.Message, "log.Printf breadcrumb = %+v", b)
	require.Equal(t, "info", b.Level, "log.Printf breadcrumb = %+v", b)
	assert.Equal(t, "log", b.Category, "log.Printf breadcrumb = %+v", b)
	b = ev.Breadcrumbs[1]
	require.Equal(t, "listening", b.Message, "slog.Info breadcrumb = %+v", b)
	assert.Equal(t, ":8080", b.Data["addr"], "slog.Info breadcrumb = %+v", b)
}
