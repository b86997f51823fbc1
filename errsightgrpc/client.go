package errsightgrpc

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"github.com/errsight/errsight-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// BreadcrumbCategory is the category of the breadcrumbs the client
// interceptors record.
const BreadcrumbCategory = "grpc"

// UnaryClientInterceptor returns a client interceptor that records every
// outbound unary call as a breadcrumb on the hub of the call's ctx (pass
// the incoming request's ctx), the gRPC counterpart of
// errsighthttp.NewTransport:
//
//	conn, err := grpc.NewClient(target,
//		grpc.WithChainUnaryInterceptor(errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})),
//		grpc.WithChainStreamInterceptor(errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})),
//	)
//
// A breadcrumb has the category "grpc", the message "/pkg.Service/Method
// Code" and the data method, code (the code's name) and duration_ms. Its
// level is error for the codes Unknown, Internal, DataLoss, Unavailable
// and DeadlineExceeded, warning for the other failures, info for OK. No
// request, response or metadata is recorded. When the hub's client is
// disabled, the interceptor only calls invoker. It is safe for concurrent
// use; opts is accepted for symmetry with the server side, and its fields
// are not used.
func UnaryClientInterceptor(opts Options) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
		hub := errsight.HubFromContext(ctx)
		if !hub.Client().Enabled() {
			return invoker(ctx, method, req, reply, cc, callOpts...)
		}
		start := time.Now()
		err := invoker(ctx, method, req, reply, cc, callOpts...)
		addCallBreadcrumb(hub, method, start, err)
		return err
	}
}

// StreamClientInterceptor returns a client interceptor that records every
// outbound streaming call as a breadcrumb like [UnaryClientInterceptor]'s,
// when the call ends: when the stream cannot be opened, when RecvMsg
// returns an error (io.EOF is OK), or when the single response of a
// client-streaming call arrives. A stream abandoned before any of these
// leaves no breadcrumb.
func StreamClientInterceptor(opts Options) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
		hub := errsight.HubFromContext(ctx)
		if !hub.Client().Enabled() {
			return streamer(ctx, desc, cc, method, callOpts...)
		}
		start := time.Now()
		cs, err := streamer(ctx, desc, cc, method, callOpts...)
		if err != nil {
			addCallBreadcrumb(hub, method, start, err)
			return cs, err
		}
		return &clientStream{ClientStream: cs, hub: hub, method: method, start: start, serverStreams: desc.ServerStreams}, nil
	}
}

// clientStream records its call's breadcrumb once, when the call ends.
type clientStream struct {
	grpc.ClientStream
	hub           *errsight.Hub
	method        string
	start         time.Time
	serverStreams bool
	done          atomic.Bool // the breadcrumb was recorded
}

// RecvMsg receives a message and records the breadcrumb when the call ends.
func (s *clientStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	switch {
	case errors.Is(err, io.EOF):
		s.finish(nil)
	case err != nil:
		s.finish(err)
	case !s.serverStreams:
		// The one response of a client-streaming call: the call is over.
		s.finish(nil)
	}
	return err
}

func (s *clientStream) finish(err error) {
	if s.done.CompareAndSwap(false, true) {
		addCallBreadcrumb(s.hub, s.method, s.start, err)
	}
}

// addCallBreadcrumb records one finished outbound call.
func addCallBreadcrumb(hub *errsight.Hub, method string, start time.Time, err error) {
	code := status.Code(err)
	hub.AddBreadcrumb(errsight.Breadcrumb{
		Category: BreadcrumbCategory,
		Message:  method + " " + code.String(),
		Level:    codeLevel(code),
		Data: map[string]any{
			"method":      method,
			"code":        code.String(),
			"duration_ms": float64(time.Since(start).Microseconds()) / 1000,
		},
		Timestamp: start,
	})
}

// codeLevel is a breadcrumb's level for a call's outcome: error when the
// server (or the way to it) failed, warning for a refused request.
func codeLevel(code codes.Code) errsight.Level {
	switch code {
	case codes.OK:
		return errsight.LevelInfo
	case codes.Unknown, codes.Internal, codes.DataLoss, codes.Unavailable, codes.DeadlineExceeded:
		return errsight.LevelError
	}
	return errsight.LevelWarning
}
