package errsightgrpc_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"github.com/errsight/errsight-go/errsighttest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// orders is an example service: UnaryCall fails, StreamingOutputCall
// streams one answer.
type orders struct {
	testgrpc.UnimplementedTestServiceServer
}

func (orders) UnaryCall(ctx context.Context, _ *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	// ctx carries this call's own hub.
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetUser(errsight.User{ID: "u-42"}) })
	return nil, status.Error(codes.Internal, "ledger out of balance")
}

func (orders) StreamingOutputCall(_ *testgrpc.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	errsight.CaptureMessage(ss.Context(), "slow export", errsight.LevelWarning)
	return ss.Send(&testgrpc.StreamingOutputCallResponse{})
}

// startExample serves orders over an in-memory connection with the given
// server options, and returns a connection with the given dial options and
// a function that stops both.
func startExample(server []grpc.ServerOption, dial ...grpc.DialOption) (*grpc.ClientConn, func()) {
	lis := bufconn.Listen(1 << 16)
	srv := grpc.NewServer(server...)
	testgrpc.RegisterTestServiceServer(srv, orders{})
	go func() { _ = srv.Serve(lis) }()
	dial = append(dial,
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	conn, err := grpc.NewClient("passthrough:///orders", dial...)
	if err != nil {
		log.Fatal(err)
	}
	return conn, func() { _ = conn.Close(); srv.Stop() }
}

func ExampleUnaryServerInterceptor() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, err := errsight.Init(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	conn, stop := startExample([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})),
	})
	defer stop()
	_, err = testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), &testgrpc.SimpleRequest{})
	fmt.Println("call:", status.Code(err))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, "user", ev.User.ID)
	fmt.Println(ev.Tags["route"], ev.Tags["grpc.code"])
	// Output:
	// call: Internal
	// error rpc error: code = Internal desc = ledger out of balance user u-42
	// /grpc.testing.TestService/UnaryCall Internal
}

func ExampleStreamServerInterceptor() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	// Without errsight.Init, an outer interceptor hands calls a parent hub.
	parent := errsight.NewHub(client, nil)
	withHub := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return h(srv, &ctxStream{ServerStream: ss, ctx: errsight.ContextWithHub(ss.Context(), parent)})
	}
	conn, stop := startExample([]grpc.ServerOption{
		grpc.ChainStreamInterceptor(withHub, errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})),
	})
	defer stop()
	st, _ := testgrpc.NewTestServiceClient(conn).StreamingOutputCall(context.Background(), &testgrpc.StreamingOutputCallRequest{})
	_, _ = st.Recv()

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, ev.Tags["route"])
	fmt.Println(ev.Metadata["request"].(map[string]any)["kind"])
	// Output:
	// warning slow export /grpc.testing.TestService/StreamingOutputCall
	// server_stream
}

func ExampleUnaryClientInterceptor() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	conn, stop := startExample(nil,
		grpc.WithChainUnaryInterceptor(errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})))
	defer stop()

	// ctx is the caller's own: an incoming request's, with its hub.
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	_, err := testgrpc.NewTestServiceClient(conn).UnaryCall(ctx, &testgrpc.SimpleRequest{})
	errsight.CaptureError(ctx, err)

	_ = client.Flush(context.Background())
	crumb := srv.Events()[0].Breadcrumbs[0]
	fmt.Println(crumb.Category, crumb.Level, crumb.Message)
	// Output:
	// grpc error /grpc.testing.TestService/UnaryCall Internal
}

func ExampleStreamClientInterceptor() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	conn, stop := startExample(nil,
		grpc.WithChainStreamInterceptor(errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})))
	defer stop()

	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	st, _ := testgrpc.NewTestServiceClient(conn).StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{})
	for {
		if _, err := st.Recv(); err != nil { // io.EOF: the call ended well
			break
		}
	}
	errsight.CaptureMessage(ctx, "export done", errsight.LevelWarning)

	_ = client.Flush(context.Background())
	crumb := srv.Events()[0].Breadcrumbs[0]
	fmt.Println(crumb.Category, crumb.Level, crumb.Message)
	// Output:
	// grpc info /grpc.testing.TestService/StreamingOutputCall OK
}

func ExampleCodeOf() {
	fmt.Println(errsightgrpc.CodeOf(errors.New("db down")))
	fmt.Println(errsightgrpc.CodeOf(fmt.Errorf("load: %w", context.Canceled)))
	fmt.Println(errsightgrpc.CodeOf(status.Error(codes.NotFound, "no such order")))
	// Output:
	// Unknown
	// Canceled
	// NotFound
}
