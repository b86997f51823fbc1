package errsightchi_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/errsight/errsight-go/errsightchi"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
)

// TestAllocationGuard pins the middleware's per-request allocations beyond
// chi's own, so that a change cannot make every request slower unnoticed.
func TestAllocationGuard(t *testing.T) {
	if sinktest.RaceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	router := func(mw bool) http.Handler {
		r := chi.NewRouter()
		if mw {
			r.Use(errsightchi.New(errsightchi.Options{}))
		}
		r.Get("/orders/{id}", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
		return r
	}
	without, with := sinktest.New(t).MiddlewareAllocs("/orders/42?page=2", router(false), router(true))
	// The hub clone, its context, the request copy, the request data, its
	// tags and metadata, and the route.
	assert.LessOrEqual(t, with-without, 15.0, "%.0f allocations with the middleware, %.0f without", with, without)
}
