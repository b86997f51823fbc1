package errsighttest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// response is what a test request got back.
type response struct {
	status int
	body   string
	header http.Header
}

// postOpts tunes a test request.
type postOpts struct {
	method  string            // default POST
	path    string            // default Path
	header  map[string]string // extra headers; "X-API-Key" defaults to the server's key
	noKey   bool              // send no X-API-Key
	chunked bool              // hide the length, so the body is sent chunked
}

// do sends body to srv and returns the answer. It fails the test on a
// transport error.
func do(t *testing.T, srv *Server, body string, o postOpts) response {
	t.Helper()
	resp, err := send(context.Background(), srv, body, o)
	require.NoError(t, err, "request failed")
	return resp
}

// send is do without a testing.T, for goroutines and expected failures.
func send(ctx context.Context, srv *Server, body string, o postOpts) (response, error) {
	if o.method == "" {
		o.method = http.MethodPost
	}
	if o.path == "" {
		o.path = Path
	}
	var rd io.Reader = strings.NewReader(body)
	if o.chunked {
		rd = io.NopCloser(bytes.NewReader([]byte(body)))
	}
	req, err := http.NewRequestWithContext(ctx, o.method, srv.URL+o.path, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if !o.noKey {
		req.Header.Set("X-API-Key", srv.APIKey())
	}
	for k, v := range o.header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, body: string(b), header: resp.Header}, nil
}

// post sends body with the server's key and returns the answer.
func post(t *testing.T, srv *Server, body string) response {
	t.Helper()
	return do(t, srv, body, postOpts{})
}

// newTestServer starts a server closed at the end of the test.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	return srv
}

// events returns n minimal valid events as a JSON array.
func events(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `{"level":"error","message":"boom"}`
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// sized returns a valid single-event body of exactly n bytes (n >= 40).
func sized(n int) string {
	const head, tail = `{"level":"error","message":"`, `"}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}
