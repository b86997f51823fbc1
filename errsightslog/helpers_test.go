package errsightslog_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
)

// sink is an errsighttest server with an enabled client reporting to it.
type sink struct {
	srv    *errsighttest.Server
	client *errsight.Client
	base   *sinktest.Sink
}

func newSink(t testing.TB) *sink {
	t.Helper()
	base := sinktest.New(t)
	return &sink{srv: base.Server, client: base.Client, base: base}
}

// ctx returns a context carrying a new hub of the sink's client.
func (s *sink) ctx() (context.Context, *errsight.Hub) {
	h := errsight.NewHub(s.client, nil)
	return errsight.ContextWithHub(context.Background(), h), h
}

// events flushes the client and returns what the server accepted.
func (s *sink) events(t testing.TB) []errsighttest.Event {
	t.Helper()
	return s.base.Events(t)
}

// only returns the single event the server accepted.
func (s *sink) only(t testing.TB) errsighttest.Event {
	t.Helper()
	events := s.events(t)
	require.Len(t, events, 1, "got %d events, want 1", len(events))
	return events[0]
}
