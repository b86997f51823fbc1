package errsightgrpc_test

import (
	"github.com/errsight/errsight-go/errsightgrpc"
	"google.golang.org/grpc"
)

// The entry points keep the shapes gRPC users install them with (the
// contract in shared/API.md): a change that breaks them fails to compile.
var (
	_ grpc.UnaryServerInterceptor  = errsightgrpc.UnaryServerInterceptor(errsightgrpc.Options{})
	_ grpc.StreamServerInterceptor = errsightgrpc.StreamServerInterceptor(errsightgrpc.Options{})
	_ grpc.UnaryClientInterceptor  = errsightgrpc.UnaryClientInterceptor(errsightgrpc.Options{})
	_ grpc.StreamClientInterceptor = errsightgrpc.StreamClientInterceptor(errsightgrpc.Options{})
)
