package errsightgrpc_test

import (
	"context"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
)

// TestClientBreadcrumbs: every kind of outbound call leaves one breadcrumb
// on the caller's hub, with its method, code and duration, at a level that
// follows the code.
func TestClientBreadcrumbs(t *testing.T) {
	tests := []struct {
		name, cmd, code, level string
	}{
		{"ok", "", "OK", "info"},
		{"refused", "code:5", "NotFound", "warning"},
		{"server fault", "code:13", "Internal", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			client := serve(t, nil,
				grpc.WithChainUnaryInterceptor(errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})),
				grpc.WithChainStreamInterceptor(errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})))
			// The caller's own request hub.
			ctx := errsight.ContextWithHub(context.Background(), s.hub.Clone())
			for _, k := range callKinds {
				_ = k.call(ctx, client, tt.cmd)
			}
			errsight.CaptureMessage(ctx, "after the calls", errsight.LevelError)

			evs := events(t, s)
			require.Len(t, evs, 1)
			crumbs := evs[0].Breadcrumbs
			require.Len(t, crumbs, len(callKinds), "one breadcrumb per call")
			for i, k := range callKinds {
				c := crumbs[i]
				assert.Equal(t, "grpc", c.Category)
				assert.Equal(t, k.method+" "+tt.code, c.Message)
				assert.Equal(t, tt.level, c.Level)
				assert.Equal(t, k.method, c.Data["method"])
				assert.Equal(t, tt.code, c.Data["code"])
				assert.Contains(t, c.Data, "duration_ms")
			}
			assert.Empty(t, s.hub.Scope().Breadcrumbs(), "only the caller's hub")
		})
	}
}

// TestClientDisabledHub: without an enabled client the interceptors only
// call through.
func TestClientDisabledHub(t *testing.T) {
	client := serve(t, nil,
		grpc.WithChainUnaryInterceptor(errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})),
		grpc.WithChainStreamInterceptor(errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})))
	for _, k := range callKinds {
		assert.NoError(t, k.call(context.Background(), client, ""))
	}
	assert.Empty(t, errsight.CurrentHub().Scope().Breadcrumbs())
}
