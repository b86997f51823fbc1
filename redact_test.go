package errsight

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// TestAPIKeyNeverFormatted prints every configuration value that holds the
// API key with every fmt verb a user reaches for, and logs it with both
// slog handlers: the key must never appear, and something else must (so
// that a printer that writes nothing cannot pass).
func TestAPIKeyNeverFormatted(t *testing.T) {
	c, err := NewClient(Options{APIKey: testKey, Host: "https://errsight.example.com"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	tr, err := transport.NewHTTP(transport.HTTPOptions{APIKey: testKey, Host: "https://errsight.example.com"})
	require.NoError(t, err)
	opts := c.Options()
	withTransport := Options{APIKey: testKey, Transport: tr}

	values := []struct {
		name string
		v    any
	}{
		{"client", c},
		{"options", opts},
		{"options pointer", &opts},
		{"options holding an HTTP transport", withTransport},
		{"http transport", tr},
		{"http options", transport.HTTPOptions{APIKey: testKey}},
		{"options in a struct", struct{ O Options }{opts}},
		{"options in a map", map[string]any{"o": opts}},
	}
	for _, tc := range values {
		t.Run(tc.name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				out := fmt.Sprintf(verb, tc.v)
				assert.NotContains(t, out, testKey[4:], verb)
				assert.NotEmpty(t, strings.Trim(out, `"{}&`), verb)
			}
			for _, h := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				var b bytes.Buffer
				slog.New(h(&b)).Info("config", "v", tc.v)
				assert.NotContains(t, b.String(), testKey[4:])
				assert.NotContains(t, b.String(), "!ERROR", "the value does not log cleanly")
			}
		})
	}
	assert.Contains(t, fmt.Sprintf("%+v", opts), "APIKey:[redacted]")
	assert.Contains(t, fmt.Sprintf("%#v", opts), "errsight.Options{")
	assert.Contains(t, fmt.Sprintf("%+v", c), "Host:https://errsight.example.com")
}

func ExampleOptions_Format() {
	opts := Options{APIKey: "elp_secret", Environment: "staging"}
	fmt.Println(strings.Contains(fmt.Sprintf("%+v", opts), "elp_secret"))
	// Output: false
}
