package errsightgrpc

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/errsight/errsight-go/errsighthttp"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// The tags set on a call's scope, and the metadata key of its data.
const (
	// TagRoute is the tag holding the full method, "/pkg.Service/Method":
	// the gRPC counterpart of an HTTP route template, under the same key
	// as errsighthttp's so that routes group alike on the server.
	TagRoute = errsighthttp.TagRoute
	// TagCode is the tag holding the status code name ("Internal") of a
	// reported handler error.
	TagCode = "grpc.code"
	// MetadataKey is the metadata key of the call's [RequestData].
	MetadataKey = errsighthttp.MetadataKey
)

// The kinds of call in RequestData.Kind.
const (
	KindUnary        = "unary"
	KindClientStream = "client_stream"
	KindServerStream = "server_stream"
	KindBidiStream   = "bidi_stream"
)

// RequestData is what the server interceptors report about a call, under
// the metadata key "request" ([MetadataKey]) of every event captured
// through the call's hub. It is built once per call and shared by its
// events.
type RequestData struct {
	// Method is the full method, "/pkg.Service/Method".
	Method string `json:"method"`
	// Kind is one of KindUnary, KindClientStream, KindServerStream and
	// KindBidiStream.
	Kind string `json:"kind"`
	// Metadata holds the allow-listed incoming metadata present on the
	// call (see Options.Metadata), repeated values joined with ", ", the
	// values of keys whose names look secret filtered.
	Metadata map[string]string `json:"metadata,omitempty"`
	// ClientIP is the peer's address, only with Options.SendClientIP.
	ClientIP string `json:"client_ip,omitempty"`
}

func (c *config) requestData(ctx context.Context, method, kind string) RequestData {
	rd := RequestData{Method: method, Kind: kind}
	// Key by key rather than metadata.FromIncomingContext, which copies
	// every key and value of the call's metadata.
	for _, k := range c.metadata {
		vs := metadata.ValueFromIncomingContext(ctx, k)
		if len(vs) == 0 {
			continue
		}
		v := strings.Join(vs, ", ")
		if c.opts.SensitiveNames.Match(k) {
			v = errsighthttp.Filtered
		}
		if rd.Metadata == nil {
			rd.Metadata = make(map[string]string, 4)
		}
		rd.Metadata[k] = v
	}
	if c.opts.SendClientIP {
		if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
			rd.ClientIP = peerIP(p.Addr)
		}
	}
	return rd
}

// peerIP returns the IP of a peer address without its port, or the address
// as it prints when it is not an IP address (a unix socket, bufconn).
func peerIP(a net.Addr) string {
	s := a.String()
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().String()
	}
	return s
}
