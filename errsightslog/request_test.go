package errsightslog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	"github.com/errsight/errsight-go/errsightslog"
)

// What a request logs with its context lands on that request's hub only:
// its breadcrumbs on its own events, with its own request data, however
// many requests run at once.
func TestBreadcrumbsStayInTheirRequest(t *testing.T) {
	s := newSink(t)
	logger := slog.New(errsightslog.NewHandler(nil))
	const n = 8
	var arrived sync.WaitGroup
	arrived.Add(n)
	allIn := make(chan struct{})
	go func() { arrived.Wait(); close(allIn) }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		logger.InfoContext(r.Context(), "step one", "id", id)
		arrived.Done()
		select { // every request has logged before any reports
		case <-allIn:
		case <-time.After(10 * time.Second):
			// A handler goroutine: assert, never require (FailNow).
			assert.Fail(t, "requests did not run concurrently")
		}
		logger.WarnContext(r.Context(), "step two", "id", id)
		logger.ErrorContext(r.Context(), "job failed", "id", id, "err", errors.New("no capacity"))
	})
	ts := httptest.NewUnstartedServer(errsighthttp.Middleware(errsighthttp.Options{})(mux))
	ts.Config.BaseContext = func(net.Listener) context.Context {
		return errsight.ContextWithHub(context.Background(), errsight.NewHub(s.client, nil))
	}
	ts.Start()
	defer ts.Close()

	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ts.Client().Get(fmt.Sprintf("%s/jobs/j%d", ts.URL, i))
			if !assert.NoError(t, err) { // a goroutine of the test's own: no require
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()

	events := s.events(t)
	require.Len(t, events, n, "got %d events, want %d", len(events), n)
	for _, ev := range events {
		id := ev.Metadata["id"]
		if !assert.Len(t, ev.Breadcrumbs, 2, "event of %v has breadcrumbs: %+v", id, ev.Breadcrumbs) {
			continue
		}
		for i, want := range []string{"step one", "step two"} {
			b := ev.Breadcrumbs[i]
			require.Equal(t, want, b.Message, "event of %v has breadcrumb %q of %v", id, b.Message, b.Data["id"])
			assert.Equal(t, id, b.Data["id"], "event of %v has breadcrumb %q of %v", id, b.Message, b.Data["id"])
		}
		request, _ := ev.Metadata["request"].(map[string]any)
		require.Equal(t, fmt.Sprintf("/jobs/%v", id), request["path"], "event of %v has request %v, tags %v", id, request, ev.Tags)
		assert.Equal(t, "GET /jobs/{id}", ev.Tags["route"], "event of %v has request %v, tags %v", id, request, ev.Tags)
		assert.Equal(t, "*errors.errorString", ev.ExceptionClass(), "exception class %q", ev.ExceptionClass())
	}
}
