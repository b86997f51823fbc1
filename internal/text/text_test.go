package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"fits", "héllo", 5, "héllo"},
		{"cut with marker", strings.Repeat("ü", 20), 15, "üüü" + Marker},
		{"too small for the marker", "abcdefghijklmnopqrstuvwxyz", 5, "abcde"},
		{"empty", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.s, tt.n)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), max(tt.n, 0))
		})
	}
}

func TestTruncateBytes(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"fits", "abc", 3, "abc"},
		{"cut on a rune boundary", strings.Repeat("ü", 20), 21, "üüü" + Marker}, // 6 + 14 bytes; a fourth ü would not fit
		{"too small for the marker", "üüü", 3, "ü"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TruncateBytes(tt.s, tt.n)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), tt.n)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestIsDigits(t *testing.T) {
	for s, want := range map[string]bool{"": false, "0": true, "0123456789": true, "12a": false, "-1": false, " 1": false, "١": false} {
		assert.Equal(t, want, IsDigits(s), "IsDigits(%q)", s)
	}
}

func TestHasPathPrefix(t *testing.T) {
	tests := []struct {
		s, prefix string
		want      bool
	}{
		{"github.com/acme", "github.com/acme", true},
		{"github.com/acme/app", "github.com/acme", true},
		{"github.com/acmecorp", "github.com/acme", false},
		{"/srv/app/main.go", "/srv/", true},
		{"go.uber.org/zap/zapcore", "go.uber.org/zap", true},
		{"anything", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, HasPathPrefix(tt.s, tt.prefix), "HasPathPrefix(%q, %q)", tt.s, tt.prefix)
	}
}
