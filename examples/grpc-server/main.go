// Command grpc-server is a small gRPC service that reports to ErrSight with
// errsightgrpc: a hub per call, the full method on every event, a user set
// per call from metadata, an outbound call recorded as a breadcrumb, a
// handler error with code Internal, and a handler that panics.
//
//	go run .              # serve on localhost:50051 until Ctrl-C
//	go run . -selftest    # make a few calls to itself, print what ErrSight received, exit
//
// The service is grpc-go's own test service (google.golang.org/grpc/interop/grpc_testing),
// so that the example needs no generated code of its own. Without
// ERRSIGHT_API_KEY it reports to an in-process errsighttest server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgrpc"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func main() {
	addr := flag.String("addr", "localhost:50051", "address to listen on")
	selftest := flag.Bool("selftest", false, "make a few calls to the server, print what ErrSight received, and exit")
	flag.Parse()
	if err := run(*addr, *selftest); err != nil {
		fmt.Fprintln(os.Stderr, "grpc-server:", err)
		os.Exit(1)
	}
}

func run(addr string, selftest bool) error {
	client, fake, done, err := exampleapp.Setup("grpc-server")
	if err != nil {
		return err
	}
	defer done() // delivers what is still queued

	if selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The service calls a stock service; for the example, itself. The
	// client interceptors record each call as a breadcrumb on the hub of
	// the ctx it is made with.
	conn, err := dial(ln.Addr().String())
	if err != nil {
		return err
	}
	defer conn.Close()

	sopts := errsightgrpc.Options{
		// Fail a panicking call with Internal instead of ending the
		// process: gRPC has no recovery of its own.
		RecoverWithInternal: true,
		Metadata:            []string{"x-user"},
	}
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(sopts)),
		grpc.ChainStreamInterceptor(errsightgrpc.StreamServerInterceptor(sopts)),
	)
	testgrpc.RegisterTestServiceServer(srv, &service{stock: testgrpc.NewTestServiceClient(conn)})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if selftest {
		// The self-test is a caller from outside, without errsight: its
		// calls must not leave breadcrumbs on this process's global hub.
		var plain *grpc.ClientConn
		if plain, err = grpc.NewClient("passthrough:///"+ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials())); err == nil {
			err = runSelftest(testgrpc.NewTestServiceClient(plain), client, fake)
			_ = plain.Close()
		}
	} else {
		fmt.Println("listening on", ln.Addr(), "(Ctrl-C to stop)")
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		<-ctx.Done()
		stop()
	}
	srv.GracefulStop()
	return errors.Join(err, <-served)
}

func dial(target string) (*grpc.ClientConn, error) {
	return grpc.NewClient("passthrough:///"+target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})),
		grpc.WithChainStreamInterceptor(errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})),
	)
}

// service is the example's service: UnaryCall is a checkout, EmptyCall a
// handler with a bug, StreamingOutputCall the stock service.
type service struct {
	testgrpc.UnimplementedTestServiceServer
	stock testgrpc.TestServiceClient
}

// UnaryCall checks out the order named by the payload.
func (s *service) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	identify(ctx)
	order := string(req.GetPayload().GetBody())
	if err := s.reserve(ctx, order); err != nil {
		// Reported by the interceptor (code Internal), with the
		// breadcrumb of the stock call and this call's user.
		return nil, status.Errorf(codes.Internal, "reserve stock for order %s: %v", order, err)
	}
	return &testgrpc.SimpleResponse{}, nil
}

// reserve asks the stock service, with this call's ctx: the outbound call
// becomes a breadcrumb on this call's hub.
func (s *service) reserve(ctx context.Context, order string) error {
	st, err := s.stock.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{
		Payload: &testgrpc.Payload{Body: []byte(order)},
	})
	if err != nil {
		return err
	}
	for {
		if _, err := st.Recv(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// StreamingOutputCall pretends to be a stock service; order 13 is unlucky.
func (s *service) StreamingOutputCall(req *testgrpc.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	if string(req.GetPayload().GetBody()) == "13" {
		return status.Error(codes.Unavailable, "maintenance") // not reported: Unavailable asks to retry
	}
	return ss.Send(&testgrpc.StreamingOutputCallResponse{})
}

// EmptyCall has a bug.
func (s *service) EmptyCall(ctx context.Context, _ *testgrpc.Empty) (*testgrpc.Empty, error) {
	identify(ctx)
	var sections []string
	return &testgrpc.Empty{}, errors.New(sections[1]) // index out of range
}

// identify sets the call's user from the x-user metadata. Real code would
// take it from a verified token. The user stays with this call.
func identify(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	if users := md.Get("x-user"); len(users) > 0 {
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: users[0], Username: users[0]})
		})
	}
}
