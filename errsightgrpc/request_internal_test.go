package errsightgrpc

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/errsight/errsight-go/errsighthttp"
	"google.golang.org/grpc/metadata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzRequestData gives the call data arbitrary allow-listed keys and
// values: what is outside the allow-list (the secret under authorization and
// x-other) and binary keys are never reported, and the value of a
// secret-looking key is filtered.
func FuzzRequestData(f *testing.F) {
	f.Add("x-tenant", "acme")
	f.Add("X-Api-Key", "k-123")
	f.Add("trace-bin", "\x00\x01")
	f.Add("", "")
	f.Add(" user-agent ", "grpc-go")
	f.Fuzz(func(t *testing.T, key, value string) {
		c := newConfig(Options{Metadata: []string{key}})
		const secret = "Zq7SECRETvalue"
		md := metadata.Pairs("authorization", "Bearer "+secret, "x-other", secret)
		md[strings.ToLower(strings.TrimSpace(key))] = []string{value}
		ctx := metadata.NewIncomingContext(context.Background(), md)
		rd := c.requestData(ctx, "/svc.S/M", KindUnary)
		for k, v := range rd.Metadata {
			if !strings.Contains(value, secret) {
				require.NotContains(t, v, secret, "secret reported under %q", k)
			}
			require.False(t, strings.HasSuffix(k, "-bin"), "key %q reported", k)
			if errsighthttp.IsSensitiveName(k) {
				require.Equal(t, errsighthttp.Filtered, v, "value of %q not filtered", k)
			}
		}
	})
}

func TestPeerIP(t *testing.T) {
	tests := []struct {
		name string
		addr net.Addr
		want string
	}{
		{"IPv4 without port", &net.TCPAddr{IP: net.IPv4(203, 0, 113, 7), Port: 50051}, "203.0.113.7"},
		{"IPv6 without port", &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 443}, "2001:db8::1"},
		{"unix socket as it prints", &net.UnixAddr{Name: "/run/app.sock", Net: "unix"}, "/run/app.sock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, peerIP(tt.addr), "peerIP(%v)", tt.addr)
		})
	}
}
