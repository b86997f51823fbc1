package errsightecho_test

import (
	"net/http"
	"testing"

	"github.com/errsight/errsight-go/errsightecho"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
)

// TestAllocationGuard pins the middleware's per-request allocations beyond
// echo's own, so that a change cannot make every request slower unnoticed.
func TestAllocationGuard(t *testing.T) {
	if sinktest.RaceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	router := func(mw bool) http.Handler {
		e := echo.New()
		if mw {
			e.Use(errsightecho.New(errsightecho.Options{}))
		}
		e.GET("/orders/:id", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
		return e
	}
	without, with := sinktest.New(t).MiddlewareAllocs("/orders/42?page=2", router(false), router(true))
	// The state, the hub clone, its context, the request copy, the request
	// data, its tags and metadata, the route, and echo's store.
	assert.LessOrEqual(t, with-without, 19.0, "%.0f allocations with the middleware, %.0f without", with, without)
}
