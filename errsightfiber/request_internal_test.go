package errsightfiber

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitTarget(t *testing.T) {
	tests := []struct {
		name, raw, path, query string
	}{
		{"origin form", "/orders/7?token=x&page=2", "/orders/7", "token=x&page=2"},
		{"no query", "/orders/7", "/orders/7", ""},
		{"escaped path kept escaped", "/a%20b/c?x=1", "/a%20b/c", "x=1"},
		{"fragment dropped", "/a#frag?token=x", "/a", ""},
		{"absolute form loses its authority", "http://ann:pw@shop.example/p/q?token=x", "/p/q", "token=x"},
		{"absolute form without path", "https://shop.example?x=1", "/", "x=1"},
		{"query first", "?&x//host/&token=x", "", "&x//host/&token=x"},
		{"colon-slash-slash in a path is a path", "/a/b://c", "/a/b://c", ""},
		{"asterisk", "*", "*", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, query := splitTarget(tt.raw)
			assert.Equal(t, tt.path, path, "splitTarget(%q) path", tt.raw)
			assert.Equal(t, tt.query, query, "splitTarget(%q) query", tt.raw)
		})
	}
}
