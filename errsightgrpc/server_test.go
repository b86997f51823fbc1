package errsightgrpc_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// callKinds runs one command through each kind of call and returns the
// call's error.
var callKinds = []struct {
	kind, method string
	call         func(ctx context.Context, c testgrpc.TestServiceClient, cmd string) error
}{
	{errsightgrpc.KindUnary, "/grpc.testing.TestService/UnaryCall", func(ctx context.Context, c testgrpc.TestServiceClient, cmd string) error {
		_, err := c.UnaryCall(ctx, &testgrpc.SimpleRequest{Payload: payload(cmd)})
		return err
	}},
	{errsightgrpc.KindServerStream, "/grpc.testing.TestService/StreamingOutputCall", func(ctx context.Context, c testgrpc.TestServiceClient, cmd string) error {
		st, err := c.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{Payload: payload(cmd)})
		if err != nil {
			return err
		}
		for {
			if _, err := st.Recv(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}},
	{errsightgrpc.KindClientStream, "/grpc.testing.TestService/StreamingInputCall", func(ctx context.Context, c testgrpc.TestServiceClient, cmd string) error {
		st, err := c.StreamingInputCall(ctx)
		if err != nil {
			return err
		}
		_ = st.Send(&testgrpc.StreamingInputCallRequest{Payload: payload(cmd)})
		_, err = st.CloseAndRecv()
		return err
	}},
	{errsightgrpc.KindBidiStream, "/grpc.testing.TestService/FullDuplexCall", func(ctx context.Context, c testgrpc.TestServiceClient, cmd string) error {
		st, err := c.FullDuplexCall(ctx)
		if err != nil {
			return err
		}
		_ = st.Send(&testgrpc.StreamingOutputCallRequest{Payload: payload(cmd)})
		_ = st.CloseSend()
		for {
			if _, err := st.Recv(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}},
}

// TestConcurrentCallsKeepTheirOwnScope runs calls of every kind at once,
// each setting a user, a tag and a breadcrumb on its ctx: each event
// carries only its own call's, and neither the global scope nor the hub
// the calls were cloned from changes.
func TestConcurrentCallsKeepTheirOwnScope(t *testing.T) {
	s := newSink(t)
	client := serve(t, s.serverOpts(errsightgrpc.Options{}))
	const perKind = 6
	var wg sync.WaitGroup
	for _, k := range callKinds {
		for i := range perKind {
			wg.Go(func() {
				name := fmt.Sprintf("%s-%d", k.kind, i)
				assert.NoError(t, k.call(context.Background(), client, "user:"+name))
			})
		}
	}
	wg.Wait()

	evs := events(t, s)
	require.Len(t, evs, perKind*len(callKinds))
	for _, ev := range evs {
		name := strings.TrimPrefix(ev.Message, "hello ")
		assert.Equal(t, name, ev.User.ID)
		assert.Equal(t, name, ev.Tags["who"])
		require.Len(t, ev.Breadcrumbs, 1, name)
		assert.Equal(t, "crumb "+name, ev.Breadcrumbs[0].Message)
		kind, _, _ := strings.Cut(name, "-")
		for _, k := range callKinds {
			if k.kind == kind {
				assert.Equal(t, k.method, ev.Tags["route"], name)
				rd := ev.Metadata["request"].(map[string]any)
				assert.Equal(t, k.method, rd["method"])
				assert.Equal(t, kind, rd["kind"])
			}
		}
	}
	assert.Empty(t, errsight.CurrentHub().Scope().Tags(), "global scope")
	assert.Equal(t, errsight.User{}, errsight.CurrentHub().Scope().User(), "global scope")
	assert.Empty(t, s.hub.Scope().Tags(), "the hub calls were cloned from")
	assert.Empty(t, s.hub.Scope().Breadcrumbs(), "the hub calls were cloned from")
}

// TestHandlerErrors checks which handler errors are reported, once, for
// every kind of call.
func TestHandlerErrors(t *testing.T) {
	tests := []struct {
		name     string
		cmd      string
		opts     errsightgrpc.Options
		wantCode codes.Code
		reported bool
	}{
		{"Internal", "code:13", errsightgrpc.Options{}, codes.Internal, true},
		{"DataLoss", "code:15", errsightgrpc.Options{}, codes.DataLoss, true},
		{"plain error is Unknown", "plain", errsightgrpc.Options{}, codes.Unknown, true},
		{"NotFound", "code:5", errsightgrpc.Options{}, codes.NotFound, false},
		{"Unavailable", "code:14", errsightgrpc.Options{}, codes.Unavailable, false},
		{"context error is Canceled", "canceled", errsightgrpc.Options{}, codes.Canceled, false},
		{"ReportCode widens", "code:5", errsightgrpc.Options{ReportCode: func(c codes.Code) bool { return c != codes.OK }}, codes.NotFound, true},
		{"ReportCode narrows", "code:13", errsightgrpc.Options{ReportCode: func(codes.Code) bool { return false }}, codes.Internal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSink(t)
			client := serve(t, s.serverOpts(tt.opts))
			for _, k := range callKinds {
				err := k.call(context.Background(), client, tt.cmd)
				assert.Equal(t, tt.wantCode, status.Code(err), k.kind)
			}
			evs := events(t, s)
			if !tt.reported {
				assert.Empty(t, evs)
				return
			}
			require.Len(t, evs, len(callKinds), "one event per call")
			for _, ev := range evs {
				assert.Equal(t, "error", ev.Level)
				assert.Equal(t, tt.wantCode.String(), ev.Tags["grpc.code"])
				assert.NotEmpty(t, ev.ExceptionClass())
				assert.NotEmpty(t, ev.ExceptionFrames())
				assert.True(t, strings.HasPrefix(ev.Tags["route"], "/grpc.testing.TestService/"), ev.Tags["route"])
			}
		})
	}
}

// TestPanicRecoverWithInternal: the panic is one fatal event and the
// caller gets Internal without the panic's text.
func TestPanicRecoverWithInternal(t *testing.T) {
	s := newSink(t)
	client := serve(t, s.serverOpts(errsightgrpc.Options{RecoverWithInternal: true}))
	for _, k := range callKinds {
		err := k.call(context.Background(), client, "panic")
		assert.Equal(t, codes.Internal, status.Code(err), k.kind)
		assert.NotContains(t, err.Error(), "index out of range", k.kind)
	}
	evs := events(t, s)
	require.Len(t, evs, len(callKinds), "exactly one event per call")
	for _, ev := range evs {
		assert.Equal(t, "fatal", ev.Level)
		assert.Contains(t, ev.Message, "index out of range")
		frames := ev.ExceptionFrames()
		require.NotEmpty(t, frames)
		assert.Equal(t, "act", frames[0].Function, "the stack starts at the panic site")
		assert.Empty(t, ev.Tags["grpc.code"], "the Internal answer is not reported again")
	}
}

// TestPanicRepanicsByDefault calls the interceptors directly: gRPC does not
// recover panics, so a re-panic through a real server would end the test
// process. The report is delivered before the panic goes on.
func TestPanicRepanicsByDefault(t *testing.T) {
	s := newSink(t)
	ctx := errsight.ContextWithHub(context.Background(), s.hub)
	boom := func() { panic("boom") }

	unary := errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})
	assert.PanicsWithValue(t, "boom", func() {
		_, _ = unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/svc.S/Unary"}, func(context.Context, any) (any, error) {
			boom()
			return nil, nil
		})
	})
	stream := errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})
	assert.PanicsWithValue(t, "boom", func() {
		_ = stream(nil, &ctxStream{ctx: ctx}, &grpc.StreamServerInfo{FullMethod: "/svc.S/Stream", IsServerStream: true}, func(any, grpc.ServerStream) error {
			boom()
			return nil
		})
	})

	evs := s.Server.Events() // no flush: delivered before the re-panic
	require.Len(t, evs, 2)
	for i, route := range []string{"/svc.S/Unary", "/svc.S/Stream"} {
		assert.Equal(t, "fatal", evs[i].Level)
		assert.Equal(t, "panic: boom", evs[i].Message)
		assert.Equal(t, route, evs[i].Tags["route"])
	}
}

// TestMetadataAllowListed: only allow-listed metadata is reported, and a
// secret-looking key's value is filtered even when listed.
func TestMetadataAllowListed(t *testing.T) {
	s := newSink(t)
	client := serve(t, s.serverOpts(errsightgrpc.Options{
		Metadata:       []string{"X-Tenant", "x-api-key", "trace-bin"},
		SensitiveNames: []string{"tenant_secret"},
	}))
	ctx := metadata.AppendToOutgoingContext(context.Background(),
		"authorization", "Bearer SECRET1",
		"cookie", "session=SECRET2",
		"x-api-key", "SECRET3",
		"x-tenant", "acme",
		"trace-bin", "SECRET4",
		"x-request-id", "req-1",
		"x-tenant-secret", "SECRET5",
	)
	_, err := client.UnaryCall(ctx, &testgrpc.SimpleRequest{Payload: payload("user:ann")})
	require.NoError(t, err)

	evs := events(t, s)
	require.Len(t, evs, 1)
	assert.False(t, strings.Contains(s.Bodies(), "SECRET"), "a secret was sent")
	md := evs[0].Metadata["request"].(map[string]any)["metadata"].(map[string]any)
	assert.Equal(t, "acme", md["x-tenant"])
	assert.Equal(t, "[Filtered]", md["x-api-key"])
	assert.Equal(t, "req-1", md["x-request-id"])
	assert.Contains(t, md["user-agent"], "grpc-go/")
	for _, k := range []string{"authorization", "cookie", "trace-bin", "x-tenant-secret"} {
		assert.NotContains(t, md, k)
	}
	assert.NotContains(t, evs[0].Metadata["request"], "client_ip")
}

// TestClientIP: the peer's address only when opted in.
func TestClientIP(t *testing.T) {
	s := newSink(t)
	client := serve(t, s.serverOpts(errsightgrpc.Options{SendClientIP: true}))
	_, err := client.UnaryCall(context.Background(), &testgrpc.SimpleRequest{Payload: payload("user:ann")})
	require.NoError(t, err)
	evs := events(t, s)
	require.Len(t, evs, 1)
	// bufconn's addresses are not IPs: reported as they print.
	assert.Equal(t, "bufconn", evs[0].Metadata["request"].(map[string]any)["client_ip"])
}

// TestDisabledClientStillIsolatesCalls: without an enabled client nothing
// is reported, and a handler's scope changes still stay off the global
// scope.
func TestDisabledClientStillIsolatesCalls(t *testing.T) {
	client := serve(t, []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})),
		grpc.ChainStreamInterceptor(errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})),
	})
	for _, k := range callKinds {
		assert.NoError(t, k.call(context.Background(), client, "user:leak"))
	}
	assert.Empty(t, errsight.CurrentHub().Scope().Tags())
	assert.Equal(t, errsight.User{}, errsight.CurrentHub().Scope().User())
}
