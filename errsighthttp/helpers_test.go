package errsighthttp_test

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
)

// sink is an errsighttest server with an enabled client reporting to it and
// a hub for that client. Tests hand the hub to the code under test through
// the server's base context, never through the global hub, so they can run
// in parallel.
type sink struct {
	srv    *errsighttest.Server
	client *errsight.Client
	hub    *errsight.Hub
	base   *sinktest.Sink
}

func newSink(t testing.TB) *sink {
	t.Helper()
	base := sinktest.New(t)
	return &sink{srv: base.Server, client: base.Client, hub: errsight.NewHub(base.Client, nil), base: base}
}

// events flushes the client and returns what the server accepted.
func (s *sink) events(t testing.TB) []errsighttest.Event {
	t.Helper()
	return s.base.Events(t)
}

// bodies returns every request body the ErrSight server received.
func (s *sink) bodies() []byte {
	var all bytes.Buffer
	for _, r := range s.srv.Requests() {
		all.Write(r.Body)
		all.WriteByte('\n')
	}
	return all.Bytes()
}

// serve starts an HTTP server for h whose requests carry the sink's hub in
// their context (as an application would with errsight.Init and the global
// hub), and whose error log is captured.
func (s *sink) serve(t testing.TB, h http.Handler) (*httptest.Server, *syncBuffer) {
	t.Helper()
	var errLog syncBuffer
	ts := httptest.NewUnstartedServer(h)
	if s != nil {
		ts.Config.BaseContext = func(net.Listener) context.Context {
			return errsight.ContextWithHub(context.Background(), s.hub)
		}
	}
	ts.Config.ErrorLog = log.New(&errLog, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, &errLog
}

// freshClient returns a client for ts that opens a new connection per
// request: net/http's client retries an idempotent request once when a
// reused connection closes without an answer, which a panicking handler
// causes, and a test must not see the panic twice.
func freshClient(ts *httptest.Server) *http.Client {
	tr := ts.Client().Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	return &http.Client{Transport: tr}
}

// get sends a GET with the given headers and returns the status and body,
// or the error.
func get(t testing.TB, client *http.Client, url string, header http.Header) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// syncBuffer is a bytes.Buffer safe for a server's error log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requestData returns metadata.request of an event.
func requestData(ev errsighttest.Event) map[string]any {
	m, _ := ev.Metadata["request"].(map[string]any)
	return m
}
