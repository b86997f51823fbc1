package errsightotel

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsightslog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIntegrationsPassTheContext checks the integrations that capture
// through a hub of their own: each must hand the capture's context to the
// hooks, or events from traced requests and log records lose their trace.
func TestIntegrationsPassTheContext(t *testing.T) {
	ctx, tracer, _, events := setup(t, Options{})
	ctx, span := tracer.Start(ctx, "request") // as otelhttp does, outside the middleware
	defer span.End()
	want := span.SpanContext().TraceID().String()

	handler := errsighthttp.Middleware(errsighthttp.Options{})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("handler failed")
	}))
	func() {
		defer func() { _ = recover() }() // the middleware re-panics, as net/http would see
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	}()
	slog.New(errsightslog.NewHandler(nil)).ErrorContext(ctx, "record failed")

	evs := events()
	require.Len(t, evs, 2, "events")
	for _, ev := range evs {
		assert.Equal(t, want, contextOf(ev)["trace_id"], "%s: trace", ev.Message)
	}
}
