package errsighthttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/stretchr/testify/assert"
)

func TestConcurrentRequestsKeepTheirOwnUser(t *testing.T) {
	s := newSink(t)
	const n = 16
	var arrived sync.WaitGroup
	arrived.Add(n)
	allIn := make(chan struct{})
	go func() { arrived.Wait(); close(allIn) }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /whoami/{user}", func(w http.ResponseWriter, r *http.Request) {
		user := r.PathValue("user")
		errsight.ConfigureScope(r.Context(), func(sc *errsight.Scope) {
			sc.SetUser(errsight.User{ID: user})
			sc.SetTag("user_tag", user)
		})
		// Every request sets its user before any captures: a shared scope
		// would show the last writer's user on every event.
		arrived.Done()
		select {
		case <-allIn:
		case <-time.After(10 * time.Second):
			// A handler goroutine: assert, never require (FailNow).
			assert.Fail(t, "requests did not run concurrently")
		}
		errsight.CaptureMessage(r.Context(), "hello from "+user, errsight.LevelError)
	})
	ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{})(mux))

	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := get(t, ts.Client(), fmt.Sprintf("%s/whoami/u%d", ts.URL, i), nil)
			assert.NoError(t, err, fmt.Sprint(err))
		}()
	}
	wg.Wait()

	events := s.events(t)
	require.Len(t, events, n, "got %d events, want %d", len(events), n)
	seen := map[string]bool{}
	for _, ev := range events {
		user := strings.TrimPrefix(ev.Message, "hello from ")
		require.Equal(t, user, ev.User.ID, "event %q has user %q and tag %q", ev.Message, ev.User.ID, ev.Tags["user_tag"])
		assert.Equal(t, user, ev.Tags["user_tag"], "event %q has user %q and tag %q", ev.Message, ev.User.ID, ev.Tags["user_tag"])
		seen[user] = true
	}
	assert.Len(t, seen, n, "saw %d distinct users, want %d", len(seen), n)
	u := s.hub.Scope().User()
	assert.True(t, u.IsZero(), "the parent hub's scope got user %+v", u)
	gu := errsight.CurrentHub().Scope().User()
	assert.True(t, gu.IsZero(), "the global scope got user %+v", gu)
}

func TestRequestDataAndRoute(t *testing.T) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "inside", errsight.LevelError)
	}
	mw := errsighthttp.Middleware(errsighthttp.Options{})
	tests := []struct {
		name  string
		build func() http.Handler
	}{
		{"middleware around the mux", func() http.Handler {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /orders/{id}", handler)
			return mw(mux)
		}},
		{"middleware inside the mux", func() http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /orders/{id}", mw(http.HandlerFunc(handler)))
			return mux
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			ts, _ := s.serve(t, tt.build())
			header := http.Header{"User-Agent": {"test-agent"}, "X-Request-Id": {"req-1"}, "Accept": {"application/json"}}
			_, _, err := get(t, ts.Client(), ts.URL+"/orders/42?page=2&access_token=abc", header)
			require.NoError(t, err)
			events := s.events(t)
			require.Len(t, events, 1, "got %d events, want 1", len(events))
			ev := events[0]
			require.EqualValues(t, "GET", ev.Tags["http.method"], "tags = %v", ev.Tags)
			assert.EqualValues(t, "GET /orders/{id}", ev.Tags["route"], "tags = %v", ev.Tags)
			rd := requestData(ev)
			want := map[string]any{
				"method": "GET",
				"url":    ts.URL + "/orders/42",
				"path":   "/orders/42",
				"query":  "page=2&access_token=[Filtered]",
				"route":  "GET /orders/{id}",
			}
			for k, v := range want {
				assert.Equal(t, v, rd[k], "request.%s = %v, want %v", k, rd[k], v)
			}
			headers, _ := rd["headers"].(map[string]any)
			require.EqualValues(t, "test-agent", headers["User-Agent"], "request.headers = %v", headers)
			require.EqualValues(t, "req-1", headers["X-Request-Id"], "request.headers = %v", headers)
			assert.EqualValues(t, "application/json", headers["Accept"], "request.headers = %v", headers)
			assert.NotContains(t, rd, "client_ip", "client IP sent without SendClientIP")
			assert.Empty(t, ev.User.IPAddress, "client IP sent without SendClientIP")
			p := ev.Problems()
			assert.LessOrEqual(t, len(p), 0, "the server would change the event: %v", p)
		})
	}
}

// Layers between the middleware and the mux hide the route until the mux
// has dispatched: panics (and server errors) still carry it.
func TestRouteBehindAnotherLayer(t *testing.T) {
	s := newSink(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "during", errsight.LevelError)
		panic("late route")
	})
	passThrough := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mux.ServeHTTP(w, r) })
	ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{})(passThrough))
	_, _, _ = get(t, freshClient(ts), ts.URL+"/items/7", nil)

	events := s.events(t)
	require.Len(t, events, 2, "got %d events, want 2", len(events))
	byLevel := map[string]map[string]string{}
	for _, ev := range events {
		byLevel[ev.Level] = ev.Tags
	}
	got := byLevel["fatal"]["route"]
	assert.EqualValues(t, "GET /items/{id}", got, "panic event route = %q", got)
	assert.NotContains(t, byLevel["error"], "route", "event captured before dispatch has a route; the documentation says it has none")
}

// The middleware is transparent to outer layers that read r.Pattern after
// their handler returns (metrics, access logs), as they would without it.
func TestPatternVisibleToOuterLayers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /boom/{id}", func(w http.ResponseWriter, r *http.Request) { panic("x") })
	h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true})(mux)
	for path, want := range map[string]string{"/users/1": "GET /users/{id}", "/boom/1": "GET /boom/{id}"} {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		h.ServeHTTP(httptest.NewRecorder(), r)
		assert.Equal(t, want, r.Pattern, "%s: outer request's Pattern = %q, want %q", path, r.Pattern, want)
	}
}

func TestSecretsNeverSent(t *testing.T) {
	s := newSink(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /capture", func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "captured", errsight.LevelError)
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{
		CaptureServerErrors: true, SendClientIP: true,
		SensitiveNames: errsighthttp.SensitiveNames{"customer_ref"},
	})(mux))

	// The secrets carry a random suffix: the panic's frames include source
	// lines of this file, which must not count as a leak.
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	secret := func(name string) string { return name + "-" + nonce }
	header := http.Header{
		"Authorization":       {"Bearer " + secret("bearer")},
		"Cookie":              {"session=" + secret("cookie")},
		"X-Api-Key":           {secret("apikey")},
		"Proxy-Authorization": {"Basic " + secret("proxy")},
		"Set-Cookie":          {"id=" + secret("setcookie")},
		"Referer":             {"https://app.example/reset?code=" + secret("referer") + "&step=2"},
		"User-Agent":          {"secret-scan"},
	}
	secrets := []string{secret("bearer"), secret("cookie"), secret("apikey"), secret("proxy"), secret("setcookie"), secret("referer"), secret("query")}
	// Names of the broadened default rules, and one of the application's.
	query := "?Password=" + secret("query") + "&page=1"
	for _, name := range []string{"pwd", "PHPSESSID", "X-Amz-Signature", "sig", "otp", "customerRef"} {
		query += "&" + name + "=" + secret(name)
		secrets = append(secrets, secret(name))
	}
	for _, path := range []string{"/capture", "/panic", "/fail"} {
		_, _, _ = get(t, freshClient(ts), ts.URL+path+query, header)
	}
	events := s.events(t)
	require.Len(t, events, 3, "got %d events, want 3", len(events))
	raw := string(s.bodies())
	for _, secret := range secrets {
		assert.NotContains(t, raw, secret, "%q was sent to ErrSight", secret)
	}
	for _, name := range []string{"Authorization", "Cookie", "X-Api-Key", "Proxy-Authorization", "Set-Cookie"} {
		assert.NotContains(t, raw, `"`+name+`"`, "header %s was sent", name)
	}
	for _, ev := range events {
		headers, _ := requestData(ev)["headers"].(map[string]any)
		assert.EqualValues(t, "https://app.example/reset?code=[Filtered]&step=2", headers["Referer"], "Referer = %v", headers["Referer"])
		assert.EqualValues(t, "127.0.0.1", ev.User.IPAddress, "user IP = %q, want 127.0.0.1 (SendClientIP)", ev.User.IPAddress)
	}
}

func TestCaptureServerErrors(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		t.Run(fmt.Sprint("CaptureServerErrors=", enabled), func(t *testing.T) {
			s := newSink(t)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /upstream/{id}", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints) // informational: not the final status
				http.Error(w, "upstream down", http.StatusBadGateway)
			})
			mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
			mux.HandleFunc("GET /missing", http.NotFound)
			ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{CaptureServerErrors: enabled})(mux))
			for _, p := range []string{"/upstream/9", "/ok", "/missing"} {
				_, _, err := get(t, ts.Client(), ts.URL+p, nil)
				require.NoError(t, err, fmt.Sprint(err))
			}
			events := s.events(t)
			if !enabled {
				require.Zero(t, len(events), "got %d events with CaptureServerErrors off", len(events))
				return
			}
			require.Len(t, events, 1, "got %d events, want 1", len(events))
			ev := events[0]
			require.EqualValues(t, "error", ev.Level, "event = %s %q", ev.Level, ev.Message)
			assert.EqualValues(t, "502 Bad Gateway: GET /upstream/9", ev.Message, "event = %s %q", ev.Level, ev.Message)
			require.EqualValues(t, "502", ev.Tags["http.status_code"], "tags = %v", ev.Tags)
			assert.EqualValues(t, "GET /upstream/{id}", ev.Tags["route"], "tags = %v", ev.Tags)
		})
	}
}

func TestDisabledClientStillIsolatesRequests(t *testing.T) {
	// No client anywhere: nothing is reported, but a handler's
	// ConfigureScope must still land on a per-request scope, not on the
	// global one shared by the whole process.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) { s.SetUser(errsight.User{ID: "leak"}) })
	})
	ts, _ := (*sink)(nil).serve(t, errsighthttp.Middleware(errsighthttp.Options{})(mux))
	_, _, err := get(t, ts.Client(), ts.URL+"/", nil)
	require.NoError(t, err)
	u := errsight.CurrentHub().Scope().User()
	assert.True(t, u.IsZero(), "the global scope got user %+v", u)
}

func TestClientIPThroughTrustedProxy(t *testing.T) {
	s := newSink(t)
	h := errsighthttp.Middleware(errsighthttp.Options{
		SendClientIP:   true,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "ip", errsight.LevelError)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(errsight.ContextWithHub(context.Background(), s.hub))
	r.RemoteAddr = "10.1.2.3:5555"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.9.9.9")
	r.Header.Set("X-Forwarded-Proto", "https")
	h.ServeHTTP(httptest.NewRecorder(), r)

	events := s.events(t)
	require.Len(t, events, 1, "got %d events, want 1", len(events))
	got := events[0].User.IPAddress
	assert.EqualValues(t, "203.0.113.9", got, "client IP = %q, want 203.0.113.9", got)
	assert.Equal(t, "https://example.com/", requestData(events[0])["url"], "url, want the scheme from the trusted proxy")
}

func TestMiddlewareNilHandlerPanics(t *testing.T) {
	defer func() {
		r := recover()
		require.NotNil(t, r, "recovered %v, want an errsighthttp panic", r)
		assert.True(t, strings.HasPrefix(fmt.Sprint(r), "errsighthttp: "), "recovered %v, want an errsighthttp panic", r)
	}()
	errsighthttp.Middleware(errsighthttp.Options{})(nil)
}

// TestOptionsRoute checks the hook for other routers: its answer before the
// handler runs tags the events captured inside the handler; its answer
// afterwards tags those of the end of the request (a panic).
func TestOptionsRoute(t *testing.T) {
	s := newSink(t)
	var calls atomic.Int32
	route := func(r *http.Request) string {
		if calls.Add(1) == 1 {
			return "" // not known before routing
		}
		return r.Method + " /late/{id}"
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "inside", errsight.LevelError)
		panic("boom")
	})
	ts, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{Route: route})(h))
	_, _, _ = get(t, freshClient(ts), ts.URL+"/late/1", nil)
	early := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		errsight.CaptureMessage(r.Context(), "known early", errsight.LevelError)
	})
	ts2, _ := s.serve(t, errsighthttp.Middleware(errsighthttp.Options{Route: func(*http.Request) string { return "GET /early" }})(early))
	_, _, _ = get(t, ts2.Client(), ts2.URL+"/early", nil)

	routes := map[string]string{}
	for _, ev := range s.events(t) {
		routes[ev.Message] = ev.Tags["route"]
	}
	assert.Equal(t, map[string]string{"inside": "", "panic: boom": "GET /late/{id}", "known early": "GET /early"}, routes)
}
