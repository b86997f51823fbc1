package errsightchi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightchi"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	serve = sinktest.Serve
	get   = sinktest.Get
)

// TestConcurrentRequestsKeepTheirOwnScope: each event carries only its own
// request's user, tags and breadcrumbs, and neither the parent hub's scope
// nor the global scope changes.
func TestConcurrentRequestsKeepTheirOwnScope(t *testing.T) {
	sink := sinktest.New(t)
	parent := errsight.NewHub(sink.Client, nil)
	r := chi.NewRouter()
	r.Use(errsightchi.New(errsightchi.Options{}))
	r.Get("/users/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := chi.URLParam(r, "name")
		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: name})
			s.SetTag("who", name)
		})
		errsight.AddBreadcrumb(r.Context(), errsight.Breadcrumb{Message: "crumb of " + name})
		errsight.CaptureMessage(r.Context(), "hello from "+name, errsight.LevelError)
	})
	ts := serve(t, parent, r)

	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { get(t, fmt.Sprintf("%s/users/u%d", ts.URL, i), nil) })
	}
	wg.Wait()

	events := sink.Events(t)
	require.Len(t, events, n)
	for _, ev := range events {
		name := strings.TrimPrefix(ev.Message, "hello from ")
		assert.Equal(t, name, ev.User.ID)
		assert.Equal(t, name, ev.Tags["who"])
		assert.Equal(t, "GET /users/{name}", ev.Tags["route"])
		require.Len(t, ev.Breadcrumbs, 1)
		assert.Equal(t, "crumb of "+name, ev.Breadcrumbs[0].Message)
	}
	assert.Empty(t, parent.Scope().Tags())
	assert.True(t, parent.Scope().User().IsZero())
	assert.Empty(t, errsight.CurrentHub().Scope().Tags())
	assert.True(t, errsight.CurrentHub().Scope().User().IsZero())
}

// TestRouteTemplate: the method and chi's full route template tag the
// events captured inside the handler and the panic's, however the router
// is built and wherever the middleware sits.
func TestRouteTemplate(t *testing.T) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "inside", errsight.LevelError)
		if r.URL.Query().Get("panic") != "" {
			panic("boom")
		}
	}
	mw := errsightchi.New(errsightchi.Options{})
	tests := []struct {
		name   string
		router func() http.Handler
		path   string
		want   string
	}{
		{"top level", func() http.Handler {
			r := chi.NewRouter()
			r.Use(mw)
			r.Get("/orders/{id}", handler)
			return r
		}, "/orders/42", "GET /orders/{id}"},
		{"mounted router", func() http.Handler {
			r := chi.NewRouter()
			r.Use(mw)
			r.Route("/api/v1", func(r chi.Router) {
				r.Route("/orders", func(r chi.Router) { r.Get("/{id}", handler) })
			})
			return r
		}, "/api/v1/orders/42", "GET /api/v1/orders/{id}"},
		{"in a mounted router", func() http.Handler {
			sub := chi.NewRouter()
			sub.Use(mw)
			sub.Post("/{id}", handler)
			sub.Get("/{id}", handler)
			r := chi.NewRouter()
			r.Mount("/orders", sub)
			return r
		}, "/orders/42", "GET /orders/{id}"},
		{"in a group", func() http.Handler {
			r := chi.NewRouter()
			r.Group(func(r chi.Router) {
				r.Use(mw)
				r.Get("/orders/{id}", handler)
			})
			return r
		}, "/orders/42", "GET /orders/{id}"},
		{"around the router", func() http.Handler {
			r := chi.NewRouter()
			r.Get("/orders/{id}", handler)
			return mw(r)
		}, "/orders/42", "GET /orders/{id}"},
		{"no route", func() http.Handler {
			r := chi.NewRouter()
			r.Use(mw)
			r.Get("/orders/{id}", handler) // chi runs no middleware without a route
			r.NotFound(handler)
			return r
		}, "/nowhere", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			ts := serve(t, errsight.NewHub(sink.Client, nil), tt.router())
			get(t, ts.URL+tt.path, nil)
			get(t, ts.URL+tt.path+"?panic=1", nil)
			events := sink.Events(t)
			require.Len(t, events, 3)
			for _, ev := range events {
				assert.Equal(t, tt.want, ev.Tags["route"], ev.Message)
				assert.Equal(t, "GET", ev.Tags["http.method"])
			}
		})
	}
}

// TestPanic: exactly one fatal event with the request data, and chi's usual
// answer: 500 from middleware.Recoverer, or net/http closing the connection
// without it.
func TestPanic(t *testing.T) {
	tests := []struct {
		name       string
		recoverer  bool
		wantStatus int
	}{
		{"with Recoverer", true, http.StatusInternalServerError},
		{"without Recoverer", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := sinktest.New(t)
			r := chi.NewRouter()
			if tt.recoverer {
				r.Use(quietLogger, middleware.Recoverer)
			}
			r.Use(errsightchi.New(errsightchi.Options{}))
			r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
			ts := serve(t, errsight.NewHub(sink.Client, nil), r)
			assert.Equal(t, tt.wantStatus, get(t, ts.URL+"/orders/7", nil))
			events := sink.Events(t)
			require.Len(t, events, 1)
			ev := events[0]
			assert.Equal(t, "fatal", ev.Level)
			assert.Equal(t, "panic: boom", ev.Message)
			assert.Equal(t, "GET /orders/{id}", ev.Tags["route"])
			req, _ := ev.Metadata["request"].(map[string]any)
			assert.Equal(t, "/orders/7", req["path"])
		})
	}
}

// TestSecretsNeverSent: query secrets, credentials in headers and the
// application's own names stay out of what reaches the server.
func TestSecretsNeverSent(t *testing.T) {
	sink := sinktest.New(t)
	r := chi.NewRouter()
	r.Use(quietLogger, middleware.Recoverer)
	r.Use(errsightchi.New(errsightchi.Options{SensitiveNames: []string{"customer_ref"}}))
	r.Get("/capture", func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "captured", errsight.LevelError)
	})
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	ts := serve(t, errsight.NewHub(sink.Client, nil), r)
	// Made at run time: the panic's source context holds this file's lines.
	secret := "s3cr3t-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	header := http.Header{"Authorization": {"Bearer " + secret}, "Cookie": {"sid=" + secret}, "X-Api-Key": {secret}}
	for _, p := range []string{"/capture", "/panic"} {
		get(t, ts.URL+p+"?access_token="+secret+"&X-Amz-Signature="+secret+"&customerRef="+secret+"&page=1", header)
	}
	require.Len(t, sink.Events(t), 2)
	assertNotSent(t, sink.Server, secret)
}

func assertNotSent(t *testing.T, srv *errsighttest.Server, secret string) {
	t.Helper()
	for _, req := range srv.Requests() {
		assert.NotContains(t, string(req.Body), secret)
	}
}
