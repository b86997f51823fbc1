package errsightgrpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/sinktest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/stretchr/testify/require"
)

// sink is an errsighttest server with an enabled client and a hub for it.
// Tests hand the hub to the server interceptors through an outer
// interceptor, never through the global hub.
type sink struct {
	*sinktest.Sink
	hub *errsight.Hub
}

func newSink(t testing.TB) *sink {
	t.Helper()
	base := sinktest.New(t)
	return &sink{Sink: base, hub: errsight.NewHub(base.Client, nil)}
}

// withHub returns the interceptors that put the sink's hub in every
// call's ctx, as errsight.Init would through the global hub.
func (s *sink) withHub() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(errsight.ContextWithHub(ctx, s.hub), req)
		}),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &ctxStream{ServerStream: ss, ctx: errsight.ContextWithHub(ss.Context(), s.hub)})
		}),
	}
}

type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }

// serve starts a TestService server over bufconn with the given options and
// returns a client for it; both are stopped when the test ends.
func serve(t testing.TB, opts []grpc.ServerOption, dial ...grpc.DialOption) testgrpc.TestServiceClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(opts...)
	testgrpc.RegisterTestServiceServer(srv, testService{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	dial = append(dial,
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	conn, err := grpc.NewClient("passthrough:///bufnet", dial...)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
		<-done
	})
	return testgrpc.NewTestServiceClient(conn)
}

// serverOpts is the sink's hub, then the errsight server interceptors.
func (s *sink) serverOpts(o errsightgrpc.Options) []grpc.ServerOption {
	return append(s.withHub(),
		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(o)),
		grpc.ChainStreamInterceptor(errsightgrpc.StreamServerInterceptor(o)))
}

// testService acts as its request's payload says (see act).
type testService struct {
	testgrpc.UnimplementedTestServiceServer
}

func payload(cmd string) *testgrpc.Payload { return &testgrpc.Payload{Body: []byte(cmd)} }

func (testService) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	return &testgrpc.SimpleResponse{}, act(ctx, string(req.GetPayload().GetBody()))
}

func (testService) StreamingOutputCall(req *testgrpc.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	if err := act(ss.Context(), string(req.GetPayload().GetBody())); err != nil {
		return err
	}
	return ss.Send(&testgrpc.StreamingOutputCallResponse{})
}

func (testService) StreamingInputCall(ss grpc.ClientStreamingServer[testgrpc.StreamingInputCallRequest, testgrpc.StreamingInputCallResponse]) error {
	req, err := ss.Recv()
	if err != nil {
		return err
	}
	if err := act(ss.Context(), string(req.GetPayload().GetBody())); err != nil {
		return err
	}
	return ss.SendAndClose(&testgrpc.StreamingInputCallResponse{})
}

func (testService) FullDuplexCall(ss grpc.BidiStreamingServer[testgrpc.StreamingOutputCallRequest, testgrpc.StreamingOutputCallResponse]) error {
	for {
		req, err := ss.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := act(ss.Context(), string(req.GetPayload().GetBody())); err != nil {
			return err
		}
		if err := ss.Send(&testgrpc.StreamingOutputCallResponse{}); err != nil {
			return err
		}
	}
}

// act runs a test command with a call's ctx:
//
//	user:NAME   set user and tag NAME, leave a breadcrumb, capture "hello NAME"
//	code:N      fail with status code N
//	plain       fail with a plain error (gRPC answers Unknown)
//	canceled    fail with context.Canceled
//	panic       index out of range
//	""          succeed
func act(ctx context.Context, cmd string) error {
	verb, arg, _ := strings.Cut(cmd, ":")
	switch verb {
	case "user":
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: arg})
			s.SetTag("who", arg)
		})
		errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "test", Message: "crumb " + arg})
		errsight.CaptureMessage(ctx, "hello "+arg, errsight.LevelError)
	case "code":
		n, _ := strconv.Atoi(arg)
		return status.Error(codes.Code(n), "failed with "+codes.Code(n).String())
	case "plain":
		return errors.New("plain failure")
	case "canceled":
		return context.Canceled
	case "panic":
		var items []int
		items[len(cmd)]++ // index out of range
	}
	return nil
}

func events(t testing.TB, s *sink) []errsighttest.Event {
	t.Helper()
	return s.Events(t)
}
