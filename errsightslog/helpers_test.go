package errsightslog_test

import (
	"context"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// sink is an errsighttest server with an enabled client reporting to it.
type sink struct {
	srv    *errsighttest.Server
	client *errsight.Client
}

func newSink(t testing.TB) *sink {
	t.Helper()
	srv := errsighttest.NewServer()
	t.Cleanup(srv.Close)
	c, err := errsight.NewClient(errsight.Options{
		Host:       srv.URL,
		APIKey:     srv.APIKey(),
		MinLevel:   errsight.LevelDebug,
		SpikeLimit: -1,
		// Short and large batches keep the tests quick: they wait for
		// delivery with Flush.
		FlushInterval: 10 * time.Millisecond,
		BatchSize:     100,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &sink{srv: srv, client: c}
}

// ctx returns a context carrying a new hub of the sink's client.
func (s *sink) ctx() (context.Context, *errsight.Hub) {
	h := errsight.NewHub(s.client, nil)
	return errsight.ContextWithHub(context.Background(), h), h
}

// events flushes the client and returns what the server accepted.
func (s *sink) events(t testing.TB) []errsighttest.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.client.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return s.srv.Events()
}

// only returns the single event the server accepted.
func (s *sink) only(t testing.TB) errsighttest.Event {
	t.Helper()
	events := s.events(t)
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	return events[0]
}
