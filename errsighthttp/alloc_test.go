package errsighthttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/stretchr/testify/assert"
)

// TestAllocationGuards pins the middleware's per-request allocations, so
// that a change cannot make every request slower unnoticed. The race
// detector allocates on its own, so the guards only run without it.
func TestAllocationGuards(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	s := newSink(t)
	noop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	mw := errsighthttp.Middleware(errsighthttp.Options{})(noop)
	req := func(h *errsight.Hub) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/orders/42?page=2", nil)
		r.Header.Set("User-Agent", "guard")
		return r.WithContext(errsight.ContextWithHub(context.Background(), h))
	}
	disabled, enabled := req(errsight.NewHub(nil, nil)), req(s.hub)
	w := &nopWriter{h: http.Header{}}
	tests := []struct {
		name string
		max  float64
		f    func()
	}{
		// The hub clone, its context and the request copy.
		{"disabled client", 3, func() { mw.ServeHTTP(w, disabled) }},
		// And the request data, its tags and metadata on the scope.
		{"enabled client", 12, func() { mw.ServeHTTP(w, enabled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testing.AllocsPerRun(200, tt.f)
			assert.LessOrEqual(t, got, tt.max, "%.1f allocations per request, want at most %.0f", got, tt.max)
		})
	}
}
