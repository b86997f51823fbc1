package errsightgin_test

import (
	"net/http"
	"testing"

	"github.com/errsight/errsight-go/errsightgin"
	"github.com/errsight/errsight-go/internal/sinktest"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
)

// TestAllocationGuard pins the middleware's per-request allocations beyond
// gin's own, so that a change cannot make every request slower unnoticed.
func TestAllocationGuard(t *testing.T) {
	if sinktest.RaceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	router := func(mw bool) http.Handler {
		r := gin.New()
		if mw {
			r.Use(errsightgin.New(errsightgin.Options{}))
		}
		r.GET("/orders/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
		return r
	}
	without, with := sinktest.New(t).MiddlewareAllocs("/orders/42?page=2", router(false), router(true))
	// The state, the hub clone, its context, the request copy, the request
	// data, its tags and metadata, the route, and gin's Keys.
	assert.LessOrEqual(t, with-without, 18.0, "%.0f allocations with the middleware, %.0f without", with, without)
}
