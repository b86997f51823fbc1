// Command chi-server is a small chi service that reports to ErrSight with
// errsightchi: a hub per request, the route template on every event
// (captured inside handlers too), a user set per request, an error captured
// in a handler that answers 502, and a route that panics under chi's
// Recoverer.
//
//	go run .              # serve on localhost:8080 until Ctrl-C
//	go run . -selftest    # send a few requests to itself, print what ErrSight received, exit
//
// Without ERRSIGHT_API_KEY it reports to an in-process errsighttest server,
// so it runs on a fresh machine with no account. Try, while it serves:
//
//	curl -H 'X-User: alice' localhost:8080/checkout/7    # fine: no event
//	curl -H 'X-User: bob' localhost:8080/checkout/13     # a 502 and an error event
//	curl localhost:8080/panic                            # a 500 and a fatal event
package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightchi"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

func main() { exampleapp.Main(service()) }

func service() exampleapp.Service {
	return exampleapp.Service{Name: "chi-server", Handler: newRouter(), CheckoutRoute: "GET /checkout/{order}", PanicRoute: "GET /panic"}
}

func newRouter() *chi.Mux {
	r := chi.NewRouter()
	// Recoverer outside errsightchi: errsightchi reports a panic, then
	// re-panics, and Recoverer answers 500 as it always does.
	r.Use(middleware.Recoverer)
	r.Use(errsightchi.New(errsightchi.Options{}))

	r.Get("/checkout/{order}", checkout)
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) {
		identify(r)
		parts := strings.Split(r.URL.Path, "/")
		_, _ = io.WriteString(w, "section "+parts[2]) // index out of range
	})
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return r
}

func checkout(w http.ResponseWriter, r *http.Request) {
	identify(r)
	ctx := r.Context() // carries this request's own hub
	order := chi.URLParam(r, "order")
	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "checkout", Message: "checkout started for order " + order})
	if order == "13" {
		// Captured inside the handler: the event carries the route too.
		errsight.CaptureError(ctx, fmt.Errorf("reserve stock for order %s: %w", order, exampleapp.ErrStockUnavailable))
		http.Error(w, "stock service unavailable", http.StatusBadGateway)
		return
	}
	_, _ = fmt.Fprintf(w, "order %s confirmed\n", order)
}

// identify sets the request's user on its scope. Real code would take it
// from a session; the example trusts an X-User header. The user stays with
// this request, whatever else runs at the same time.
func identify(r *http.Request) {
	if user := r.Header.Get("X-User"); user != "" {
		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: user, Username: user})
		})
	}
}
