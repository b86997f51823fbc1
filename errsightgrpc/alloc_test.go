//go:build !race

package errsightgrpc_test

import (
	"context"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/stretchr/testify/assert"
)

// TestCallAllocations guards the per-call cost of the interceptors,
// called directly (the race detector changes allocation counts, hence the
// build tag). The server, enabled, 11 with one allow-listed metadata key
// present: the hub (one allocation with its scope), its context, the
// scope's own tag and metadata maps, the call data (boxed) and its metadata
// map, and gRPC's copy of each allow-listed value. Disabled, 2: the hub and
// its context. The client, 6: the breadcrumb (its node, message, data map
// and boxed values) on an enabled hub, nothing on a disabled one.
func TestCallAllocations(t *testing.T) {
	enabled := errsight.NewHub(newSink(t).Client, nil)
	disabled := errsight.NewHub(nil, nil)
	in := metadata.NewIncomingContext(context.Background(), metadata.Pairs("user-agent", "grpc-go/1.85", "authorization", "Bearer x"))
	info := &grpc.UnaryServerInfo{FullMethod: "/shop.Cart/Get"}
	handler := func(context.Context, any) (any, error) { return nil, nil }
	server := errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	client := errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})

	tests := []struct {
		name string
		call func(ctx context.Context)
		hub  *errsight.Hub
		max  float64
	}{
		{"server enabled", func(ctx context.Context) { _, _ = server(ctx, nil, info, handler) }, enabled, 11},
		{"server disabled", func(ctx context.Context) { _, _ = server(ctx, nil, info, handler) }, disabled, 2},
		{"client enabled", func(ctx context.Context) { _ = client(ctx, "/shop.Stock/Reserve", nil, nil, nil, invoker) }, enabled.Clone(), 6},
		{"client disabled", func(ctx context.Context) { _ = client(ctx, "/shop.Stock/Reserve", nil, nil, nil, invoker) }, disabled, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := errsight.ContextWithHub(in, tt.hub)
			got := testing.AllocsPerRun(200, func() { tt.call(ctx) })
			t.Logf("%.0f allocations per call", got)
			assert.LessOrEqual(t, got, tt.max, "allocations per call")
		})
	}
}
