package errsighthttp_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/childtest"
)

// TestBeforeSendEditsRequestDataAndCrumbs: a scrubber that edits the
// middleware's RequestData (shared by every event of its request) and the
// Transport's breadcrumb data (shared by every later event of the request)
// while 8 goroutines of one request capture. Before the events got their
// own copies this was a fatal "concurrent map writes" (hence the child
// process). Nothing the hook removed may reach the server.
func TestBeforeSendEditsRequestDataAndCrumbs(t *testing.T) {
	childtest.Run(t, func(t *testing.T) {
		srv := errsighttest.NewServer()
		defer srv.Close()
		client, err := errsight.NewClient(errsight.Options{
			Host: srv.URL, APIKey: srv.APIKey(), MinLevel: errsight.LevelDebug, SpikeLimit: -1,
			MaxQueueSize: 10000, FlushInterval: 10 * time.Millisecond,
			BeforeSend: func(ev *errsight.Event) *errsight.Event {
				if rd, ok := ev.Metadata[errsighthttp.MetadataKey].(errsighthttp.RequestData); ok {
					delete(rd.Headers, "User-Agent")
					rd.Headers["X-Scrubbed"] = "yes"
				}
				for i, b := range ev.Breadcrumbs {
					if b.Category == errsighthttp.BreadcrumbCategory {
						b.Data["url"] = "https://upstream.invalid/[scrubbed]"
						ev.Breadcrumbs[i].Message = "GET [scrubbed]"
					}
				}
				return ev
			},
		})
		require.NoError(t, err)
		defer client.Close()

		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer upstream.Close()
		outbound := &http.Client{Transport: errsighthttp.NewTransport(nil)}
		handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			resp, err := outbound.Do(mustRequest(ctx, upstream.URL+"/private-path"))
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					scope := errsight.HubFromContext(ctx).Scope()
					for range 20 {
						errsight.CaptureMessage(ctx, "in the request", errsight.LevelError)
						// What the request's scope holds, read while the
						// worker's BeforeSend scrubs the events.
						rd, _ := scope.Metadata()[errsighthttp.MetadataKey].(errsighthttp.RequestData)
						_ = rd.Headers["User-Agent"]
						for _, b := range scope.Breadcrumbs() {
							_ = b.Data["url"]
						}
					}
				}()
			}
			wg.Wait()
			// The scrub stays in the events: the scope keeps what it had.
			rd, _ := errsight.HubFromContext(ctx).Scope().Metadata()[errsighthttp.MetadataKey].(errsighthttp.RequestData)
			require.NotEmpty(t, rd.Headers["User-Agent"], "BeforeSend changed the request's scope: %v", rd.Headers)
			assert.Empty(t, rd.Headers["X-Scrubbed"], "BeforeSend changed the request's scope: %v", rd.Headers)
		})
		ts := httptest.NewUnstartedServer(errsighthttp.Middleware(errsighthttp.Options{})(handler))
		ts.Config.BaseContext = func(net.Listener) context.Context {
			return errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
		}
		ts.Start()
		defer ts.Close()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
		req.Header.Set("User-Agent", "secret-agent/1.0")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.NoError(t, client.Flush(context.Background()), "Flush")
		n := len(srv.Events())
		require.EqualValues(t, 160, n, "%d events, want 160", n)
		for _, r := range srv.Requests() {
			for _, secret := range []string{"secret-agent", "private-path"} {
				require.False(t, bytes.Contains(r.Body, []byte(secret)), "%q sent although BeforeSend removed it", secret)
			}
		}
	})
}

func mustRequest(ctx context.Context, url string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}
