package errsightgrpc

import (
	"context"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/reqscope"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// UnaryServerInterceptor returns a server interceptor that gives every
// unary call its own hub and reports its panics and server errors:
//
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})),
//		grpc.ChainStreamInterceptor(errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})),
//	)
//
// For each call it
//
//   - clones the hub of the call's ctx (the global hub unless an outer
//     interceptor put one there) and passes it down in ctx, so that
//     errsight.ConfigureScope(ctx, ...) and everything captured with ctx
//     stay with this call and never reach the global scope;
//   - when the hub's client is enabled, sets the tag route to the full
//     method and attaches the call's [RequestData], before the handler
//     runs, so every event of the call carries them;
//   - reports an error the handler returns once, with its class, stack and
//     the tag grpc.code, when [Options.ReportCode] accepts its code (by
//     default Unknown, Internal and DataLoss), and returns it unchanged;
//   - reports a panic once as a fatal event, then re-panics (see
//     [Options.RecoverWithInternal]).
//
// Install it first (outermost) among the interceptors whose events should
// carry the call's data. It never changes the client or its options, and
// is safe for concurrent calls.
func UnaryServerInterceptor(opts Options) grpc.UnaryServerInterceptor {
	c := newConfig(opts)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		call := c.start(ctx, info.FullMethod, KindUnary)
		if call.hub == nil {
			return handler(call.ctx, req)
		}
		panicking := true
		defer func() {
			if panicking {
				// recover must be called by the deferred function itself.
				if v := recover(); v != nil {
					err = c.panicked(call.ctx, call.hub, v)
				}
			}
		}()
		resp, err = handler(call.ctx, req)
		panicking = false
		c.handlerError(call.ctx, call.hub, err)
		return resp, err
	}
}

// StreamServerInterceptor returns a server interceptor that does for
// streaming calls what [UnaryServerInterceptor] does for unary ones. The
// handler's stream answers Context() with the call's ctx, which carries
// the call's hub.
func StreamServerInterceptor(opts Options) grpc.StreamServerInterceptor {
	c := newConfig(opts)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		call := c.start(ss.Context(), info.FullMethod, streamKind(info.IsClientStream, info.IsServerStream))
		wrapped := &serverStream{ServerStream: ss, ctx: call.ctx}
		if call.hub == nil {
			return handler(srv, wrapped)
		}
		panicking := true
		defer func() {
			if panicking {
				if v := recover(); v != nil {
					err = c.panicked(call.ctx, call.hub, v)
				}
			}
		}()
		err = handler(srv, wrapped)
		panicking = false
		c.handlerError(call.ctx, call.hub, err)
		return err
	}
}

// serverStream gives a handler the call's ctx.
type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the call's context, carrying its hub.
func (s *serverStream) Context() context.Context { return s.ctx }

func streamKind(client, server bool) string {
	switch {
	case client && server:
		return KindBidiStream
	case client:
		return KindClientStream
	case server:
		return KindServerStream
	}
	return KindUnary
}

// call is one server call's hub and context. hub is nil when its client is
// disabled: nothing to report, but ctx still carries a hub of its own.
type call struct {
	ctx context.Context
	hub *errsight.Hub
}

func (c *config) start(ctx context.Context, method, kind string) call {
	hub := errsight.HubFromContext(ctx).Clone()
	ctx = errsight.ContextWithHub(ctx, hub)
	if !hub.Client().Enabled() {
		return call{ctx: ctx}
	}
	rd := c.requestData(ctx, method, kind)
	s := hub.Scope()
	s.SetTag(TagRoute, method)
	s.SetMetadata(MetadataKey, rd)
	reqscope.SetClientIP(s, rd.ClientIP)
	return call{ctx: ctx, hub: hub}
}

// handlerError reports an error a handler returned, when its code counts.
func (c *config) handlerError(ctx context.Context, hub *errsight.Hub, err error) {
	if err == nil {
		return
	}
	code := CodeOf(err)
	if !c.reports(code) {
		return
	}
	hub.Scope().SetTag(TagCode, code.String())
	hub.CaptureErrorContext(ctx, err) // ctx for the ContextHooks (errsightotel: otelgrpc's span)
}

// errPanic is what a call that panicked fails with under
// RecoverWithInternal: the panic's value stays on the server.
var errPanic = status.Error(codes.Internal, "internal error")

// panicked reports a recovered panic, then re-panics or returns errPanic.
func (c *config) panicked(ctx context.Context, hub *errsight.Hub, v any) error {
	id := hub.RecoverContext(ctx, v)
	if c.opts.RecoverWithInternal {
		return errPanic
	}
	if id != "" && c.flush > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), c.flush)
		_ = hub.Client().Flush(ctx) // a late report is still delivered by the worker
		cancel()
	}
	panic(v)
}

// CodeOf returns the code gRPC answers a handler error with: the code of a
// status error (wrapped or not), Canceled and DeadlineExceeded for context
// errors, else Unknown; OK for nil. A handler returning ctx.Err() after the
// caller went away is therefore Canceled, not a server fault.
func CodeOf(err error) codes.Code {
	if s, ok := status.FromError(err); ok {
		return s.Code()
	}
	return status.FromContextError(err).Code()
}
