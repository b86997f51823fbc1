// Package errsightgrpc reports what happens in gRPC servers and clients
// (google.golang.org/grpc) to ErrSight. It is a module of its own, so that
// programs without gRPC never download it:
//
//	go get github.com/errsight/errsight-go/errsightgrpc
//
// # Servers: a hub per call
//
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})),
//		grpc.ChainStreamInterceptor(errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})),
//	)
//
// Every call then gets its own hub, cloned from the hub of its context (the
// global hub bound by errsight.Init, unless an outer interceptor put one
// there), in the ctx a unary handler receives and in a streaming handler's
// stream.Context(). Whatever a handler adds to it stays with its call,
// however many run at once, and never reaches the global scope.
//
// Each event of a call carries the tag "route" set to the full method
// ("/shop.Orders/Get", the gRPC counterpart of a route template) and a
// [RequestData] under the metadata key "request": the method, the kind of
// call, an allow-list of incoming metadata ([Options.Metadata]) whose keys
// are checked against errsighthttp's shared scrubbing rules, and the peer's
// IP only with [Options.SendClientIP]. Binary metadata, authorization and
// cookies are never reported.
//
// # Errors
//
// An error a handler returns is reported once, with its class, stack and
// the tag "grpc.code", when its code ([CodeOf]) is one that means the
// server is broken: Unknown (every plain Go error), Internal and DataLoss.
// The codes that describe the request, the caller's deadline or
// cancellation, and Unavailable and ResourceExhausted, which servers
// return on purpose to make clients back off, are not reported by default:
// [Options.ReportCode] changes the set.
//
// # Panics
//
// gRPC does not recover panics in handlers: one ends the process. The
// interceptors report a panic once as a fatal event with the stack at the
// panic site, wait up to [Options.FlushTimeout] for its delivery, and
// re-panic, so that a recovery interceptor installed outside them (or the
// runtime) behaves as it would without errsight. [Options.RecoverWithInternal]
// fails the call with codes.Internal instead, as recovery interceptors do.
//
// Install a recovery interceptor (grpc-ecosystem's recovery, or your own)
// before errsightgrpc's in the chain, so that it runs outside them: it then
// sees the re-panic after the report. Installed after them, it stops the
// panic first, and errsightgrpc sees only the error it returns (reported
// once, as an error event, when its code is in ReportCode).
//
// # Clients: breadcrumbs
//
// [UnaryClientInterceptor] and [StreamClientInterceptor] record each
// outbound call as a breadcrumb (method, code, duration) on the hub of the
// call's ctx: pass the incoming request's context to the client stub, and
// the breadcrumbs go with that request's later events.
package errsightgrpc
