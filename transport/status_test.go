package transport

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/errsight/errsight-go/internal/text"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"missing", "", 0, false},
		{"blank", "   ", 0, false},
		{"delta seconds", "2", 2 * time.Second, true},
		{"delta with spaces", " 120 ", 120 * time.Second, true},
		{"zero means retry now", "0", 0, true},
		{"negative is invalid", "-5", 0, false},
		{"fraction is invalid", "1.5", 0, false},
		{"garbage", "soon", 0, false},
		{"plus sign is invalid", "+3", 0, false},
		{"huge delta capped", "99999999999999999999999", maxParsedRetryAfter, true},
		{"delta above cap", "90000", maxParsedRetryAfter, true},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"rfc850 date", now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second, true},
		{"ansi c date", now.Add(10 * time.Second).Format(time.ANSIC), 10 * time.Second, true},
		{"date in the past means retry now", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"date far ahead capped", now.Add(1000 * time.Hour).Format(http.TimeFormat), maxParsedRetryAfter, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tt.in, now)
			require.Equal(t, tt.want, got, "ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			assert.Equal(t, tt.wantOK, ok, "ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		})
	}
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"", 0}, {"60", 60}, {" 100 ", 100}, {"0", 0}, {"-3", 0}, {"many", 0}}
	for _, tt := range tests {
		got := parseLimit(tt.in)
		assert.Equal(t, tt.want, got, "parseLimit(%q) = %d, want %d", tt.in, got, tt.want)
	}
}

// FuzzParseRetryAfter checks the parser's invariants on any input: it never
// panics, never returns a negative or over-cap delay, and agrees with the
// plain reading of delta-seconds.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "2", "-1", "120", "1.5", "abc",
		"Sat, 01 Mar 2025 12:01:00 GMT", "Saturday, 01-Mar-25 12:01:00 GMT",
		"Sat Mar  1 12:01:00 2025", "99999999999999999999", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		require.GreaterOrEqual(t, d, time.Duration(0), "ParseRetryAfter(%q)", v)
		require.LessOrEqual(t, d, maxParsedRetryAfter, "ParseRetryAfter(%q)", v)
		require.True(t, ok || d == 0, "ParseRetryAfter(%q) = %v without ok", v, d)
		s := strings.TrimSpace(v)
		if text.IsDigits(s) && len(s) < 6 {
			var n time.Duration
			for _, c := range s {
				n = n*10 + time.Duration(c-'0')
			}
			want := min(n*time.Second, maxParsedRetryAfter)
			require.Equal(t, want, d, "ParseRetryAfter(%q) = %v, want %v", v, d, want)
			require.True(t, ok, "ParseRetryAfter(%q) = %v, want %v", v, d, want)
		}
	})
}

func TestServerDetail(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"error and code", `{"error":"Invalid JSON payload","code":"INVALID_JSON"}`, ": Invalid JSON payload [INVALID_JSON]"},
		{"error only", `{"error":"Invalid or missing API key"}`, ": Invalid or missing API key"},
		{"code only", `{"code":"PAYLOAD_TOO_LARGE"}`, ": [PAYLOAD_TOO_LARGE]"},
		{"not json", `<html>bad gateway</html>`, ""},
		{"empty", ``, ""},
		{"error not a string", `{"error":{"x":1}}`, ""},
		{"control characters quoted", `{"error":"a\nb"}`, `: a\nb`},
		{"long message bounded", `{"error":"` + strings.Repeat("é", 300) + `"}`, ": " + strings.Repeat("é", 100) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serverDetail([]byte(tt.body))
			assert.Equal(t, tt.want, got, "serverDetail(%q) = %q, want %q", tt.body, got, tt.want)
		})
	}
}
