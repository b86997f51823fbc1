// Package sinktest gives the integration packages' tests what each of them
// needs: an enabled client reporting to an in-process errsighttest server,
// and a way to wait for what arrived. It is internal: users build the same
// from errsighttest and errsight.NewClient in three lines.
package sinktest

import (
	"context"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// Sink is an errsighttest server and a client reporting to it, both closed
// when the test ends.
type Sink struct {
	Server *errsighttest.Server
	Client *errsight.Client
}

// New starts the server and the client. The client sends every level, has
// no spike protection, and batches briefly: tests wait with Events, which
// flushes.
func New(t testing.TB) *Sink {
	t.Helper()
	srv := errsighttest.NewServer()
	t.Cleanup(srv.Close)
	c, err := errsight.NewClient(errsight.Options{
		Host:          srv.URL,
		APIKey:        srv.APIKey(),
		MinLevel:      errsight.LevelDebug,
		SpikeLimit:    -1,
		FlushInterval: 10 * time.Millisecond,
		BatchSize:     100,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &Sink{Server: srv, Client: c}
}

// Events flushes the client and returns what the server accepted.
func (s *Sink) Events(t testing.TB) []errsighttest.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Client.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return s.Server.Events()
}

// Context returns a context carrying a new hub of the sink's client, as a
// request's context would, and the hub.
func (s *Sink) Context() (context.Context, *errsight.Hub) {
	hub := errsight.NewHub(s.Client, nil)
	return errsight.ContextWithHub(context.Background(), hub), hub
}
