package scrub

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestText(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	tests := []struct{ name, in, want string }{
		{"url.Error from net/http",
			`Get "https://api.example.com/v1?token=abc123&q=x": dial tcp: lookup api.example.com: no such host`,
			`Get "https://api.example.com/v1?token=[Filtered]&q=x": dial tcp: lookup api.example.com: no such host`},
		{"url.Error of a POST with credentials",
			`Post "https://bob:hunter2@api.example.com/login?password=p": context deadline exceeded`,
			`Post "https://api.example.com/login?password=[Filtered]": context deadline exceeded`},
		{"unquoted, end of text", "fetch failed: http://h/x?api_key=k1", "fetch failed: http://h/x?api_key=[Filtered]"},
		{"unquoted, then words", "GET http://h/x?sid=s1&page=2 returned 500", "GET http://h/x?sid=[Filtered]&page=2 returned 500"},
		{"single quotes", "bad url 'wss://h/socket?jwt=e.y.J' here", "bad url 'wss://h/socket?jwt=[Filtered]' here"},
		{"ws", "ws://h/s?access_token=a", "ws://h/s?access_token=[Filtered]"},
		{"angle brackets", "see <https://h/?code=c> now", "see <https://h/?code=[Filtered]> now"},
		{"parentheses around", "retrying (https://h/p?secret=s)", "retrying (https://h/p?secret=[Filtered])"},
		{"brackets inside", "https://[::1]:8443/p?user[password]=x&a=(1)", "https://[::1]:8443/p?user[password]=[Filtered]&a=(1)"},
		{"several URLs",
			`"https://a/?token=1" then "http://b/?q=2" then https://u:p@c/?pwd=3`,
			`"https://a/?token=[Filtered]" then "http://b/?q=2" then https://c/?pwd=[Filtered]`},
		{"generic scheme with credentials",
			"dial postgres://app:s3cret@db:5432/shop?sslmode=disable&password=p2: refused",
			"dial postgres://db:5432/shop?sslmode=disable&password=[Filtered] refused"}, // ":" belongs to the value
		{"credentials cut before their @", "sync: https://bob:hunter2…[truncated]", "sync: https://[Filtered]"},
		{"host and port", "dial http://localhost:8080 refused", "dial http://localhost:8080 refused"},
		{"IPv6 host and port", "http://[fe80::1%25en0]:8080/x", "http://[fe80::1%25en0]:8080/x"},
		{"colon without a port", "see http://host:port/path?token=1", "see http://[Filtered]/path?token=[Filtered]"},
		{"credentials only", "redis://:pw@cache:6379/0 down", "redis://cache:6379/0 down"},
		{"user without password", "ftp://anonymous@h/pub", "ftp://h/pub"},
		{"at sign in the path is kept", "https://h/@user?x=1", "https://h/@user?x=1"},
		{"fragment kept", "https://h/p?a=1#section-2", "https://h/p?a=1#section-2"},
		{"fragment tokens", "https://h/cb#access_token=t&state=s", "https://h/cb#access_token=[Filtered]&state=s"},
		{"fragment after query", "https://h/cb?token=a#id_token=b", "https://h/cb?token=[Filtered]#id_token=[Filtered]"},
		{"nested URL in a query", "https://a/login?next=https://b/?token=t", "https://a/login?next=https://b/?token=[Filtered]"},
		{"nothing sensitive", `Get "https://h/v1?page=2&sort=asc": EOF`, `Get "https://h/v1?page=2&sort=asc": EOF`},
		{"no URL", "connection reset by peer", "connection reset by peer"},
		{"colon slashes without scheme", "ratio 3://4 and ://x?token=1", "ratio 3://4 and ://x?token=1"},
		{"scheme after punctuation", "(http://h/?key=k)", "(http://h/?key=[Filtered])"},
		{"empty authority", "file:///etc/app?token=t", "file:///etc/app?token=[Filtered]"},
		{"only a scheme", "http://", "http://"},
		{"trailing slashes", "x://://://", "x://://://"},
		{"invalid UTF-8 around", "\xff\xfehttps://h/\xff?token=\xfe\xff x\xff", "\xff\xfehttps://h/\xff?token=[Filtered] x\xff"},
		{"non-ASCII host", "https://bücher.example/?passwd=ü", "https://bücher.example/?passwd=[Filtered]"},
		{"newline ends it", "https://h/?otp=123456\nnext line", "https://h/?otp=[Filtered]\nnext line"},
		{"huge text around", huge + " https://h/?token=t " + huge, huge + " https://h/?token=[Filtered] " + huge},
		{"huge text without URL", huge, huge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if len(tt.want) > 200 {
				require.True(t, got == tt.want, "Text of %d bytes", len(tt.in))
				return
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, Text(got), "scrubbing twice changes nothing")
		})
	}
}

// TestTextURLError scrubs the message of a real failed request.
func TestTextURLError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // fails at once, with no network
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://user:pw@api.example.com/v1?token=abc123&q=x", nil)
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	var ue interface{ Unwrap() error }
	require.True(t, errors.As(err, &ue), "%T", err)
	msg := err.Error()
	require.Contains(t, msg, "abc123", "the test needs the token in the message")
	got := Text(msg)
	assert.NotContains(t, got, "abc123")
	assert.NotContains(t, got, "pw@")
	assert.Contains(t, got, `"https://api.example.com/v1?token=[Filtered]&q=x"`)
}

func TestTextDoesNotAllocateWithoutURL(t *testing.T) {
	texts := []string{
		"connection reset by peer",
		`Get "https://h/v1?page=2": EOF`, // a URL with nothing to scrub
		"3://4",
		strings.Repeat("long text ", 1000),
	}
	for _, s := range texts {
		assert.Zero(t, testing.AllocsPerRun(100, func() { _ = Text(s) }), "%.40q", s)
	}
}

// FuzzText checks that a sensitive parameter's value never survives in any
// text around it, that text without "://" is returned unchanged, and that
// scrubbing is idempotent.
func FuzzText(f *testing.F) {
	f.Add("Get \"", "token", "abc123", "\": dial tcp")
	f.Add("", "password", "hunter2", "")
	f.Add("x://://", "sid", "s1", "(")
	f.Add("\xff", "X-Amz-Signature", "deadbeef", "#a=1")
	f.Fuzz(func(t *testing.T, before, name, secret, after string) {
		got := Text(before)
		if !strings.Contains(before, "://") {
			require.True(t, got == before, "text without a URL changed: %q became %q", before, got)
		}
		require.Equal(t, got, Text(got), "not idempotent on %q", before)
		// A secret value: no delimiter, no parameter syntax, long enough to
		// be told from the rest of the text.
		if len(secret) < 6 || strings.ContainsAny(secret, "&#=?/\"'`<>()[]{}%+@:;,\\") ||
			strings.IndexFunc(secret, func(r rune) bool { return r <= ' ' || r == 0x7f || r == utf8.RuneError }) >= 0 ||
			strings.Contains(before+name+after, secret) || !Sensitive(ParamName(name), nil) ||
			strings.ContainsAny(name, "&#=?\"'`<>()[]{}%+:") ||
			strings.IndexFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return
		}
		text := before + " https://h.example/p?a=1&" + name + "=" + secret + "&b=2 " + after
		require.NotContains(t, Text(text), secret, "in %q", text)
	})
}

// BenchmarkText: a text without "://" costs one search; one with a URL to
// scrub costs one pass and one allocation for the result.
func BenchmarkText(b *testing.B) {
	for _, bm := range []struct{ name, text string }{
		{"no URL", "sync orders: read tcp 10.0.0.1:5432: connection reset by peer"},
		{"URL, nothing to scrub", `Get "https://api.example.com/v1?page=2&sort=asc": dial tcp: i/o timeout`},
		{"URL with a token", `Get "https://api.example.com/v1?token=abc123&q=x": dial tcp: i/o timeout`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Text(bm.text)
			}
		})
	}
}
