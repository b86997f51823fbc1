package errsighthttp

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/scrub"
)

func TestScrubQuery(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"harmless", "page=2&sort=asc", "page=2&sort=asc"},
		{"password", "user=bob&password=hunter2", "user=bob&password=[Filtered]"},
		{"case-insensitive substring", "X_API_KEY=abc&MyAccessToken=def", "X_API_KEY=[Filtered]&MyAccessToken=[Filtered]"},
		{"every listed name", "passwd=1&pwd=1&secret=1&client_secret=1&apikey=1&auth=1&authorization=1&sessionid=1&jwt=1&signature=1&sig=1&code=1&credentials=1&csrf=1&refresh_token=1",
			"passwd=[Filtered]&pwd=[Filtered]&secret=[Filtered]&client_secret=[Filtered]&apikey=[Filtered]&auth=[Filtered]&authorization=[Filtered]&sessionid=[Filtered]&jwt=[Filtered]&signature=[Filtered]&sig=[Filtered]&code=[Filtered]&credentials=[Filtered]&csrf=[Filtered]&refresh_token=[Filtered]"},
		{"encoded name", "pass%77ord=x&q=a+b", "pass%77ord=[Filtered]&q=a+b"},
		{"repeated key", "token=a&token=b", "token=[Filtered]&token=[Filtered]"},
		{"empty value kept", "token=&a=1", "token=&a=1"},
		{"no value", "token&a=1", "token&a=1"},
		{"trailing ampersand", "a=1&key=2&", "a=1&key=[Filtered]&"},
		{"value with equals", "sig=a=b&x=1", "sig=[Filtered]&x=1"},
		{"semicolon is not a separator", "a=1;token=2", "a=1;token=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scrubQuery(tt.in, nil)
			assert.Equal(t, tt.want, got, "scrubQuery(%q) = %q, want %q", tt.in, got, tt.want)
		})
	}
}

func TestScrubQueryDoesNotAllocateWhenClean(t *testing.T) {
	q := "page=2&sort=asc&filter=open"
	n := testing.AllocsPerRun(100, func() { _ = scrubQuery(q, nil) })
	assert.Zero(t, n, "%v allocations for a clean query", n)
}

func TestScrubURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:pw@api.example/v1/x?token=t&a=1#frag", "https://api.example/v1/x?token=[Filtered]&a=1"},
		{"http://h/p%20q", "http://h/p%20q"},
		{"/relative?code=1", "/relative?code=[Filtered]"},
		{"mailto:someone?auth=1", "mailto:someone?auth=[Filtered]"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		require.NoError(t, err)
		got := scrubURL(u, nil)
		assert.Equal(t, tt.want, got, "scrubURL(%q) = %q, want %q", tt.in, got, tt.want)
	}
	got := scrubURLString("http://[bad", nil)
	assert.Equal(t, Filtered, got, "unparsable Referer = %q", got)
}

// FuzzScrubQuery checks that no value of a sensitive parameter survives,
// and that everything else does.
func FuzzScrubQuery(f *testing.F) {
	for _, s := range []string{"", "a=1", "token=x&b=2", "pass%77ord=1", "&&=&", "key==", "%zz=1&code=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := scrubQuery(raw, nil)
		in, out := strings.Split(raw, "&"), strings.Split(got, "&")
		require.Len(t, in, len(out), "scrubQuery(%q) = %q: %d parameters became %d", raw, got, len(in), len(out))
		for i := range in {
			name, value, _ := strings.Cut(in[i], "=")
			if IsSensitiveName(scrub.ParamName(name)) && value != "" {
				require.Equal(t, name+"="+Filtered, out[i], "scrubQuery(%q): %q became %q", raw, in[i], out[i])
			} else {
				require.Equal(t, in[i], out[i], "scrubQuery(%q): harmless %q became %q", raw, in[i], out[i])
			}
		}
	})
}

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	all := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		realIP  string
		trusted []netip.Prefix
		want    string
	}{
		{"direct", "203.0.113.5:4000", nil, "", nil, "203.0.113.5"},
		{"forged headers ignored without trusted proxies", "203.0.113.5:4000", []string{"1.1.1.1"}, "2.2.2.2", nil, "203.0.113.5"},
		{"forged headers ignored from an untrusted peer", "203.0.113.5:4000", []string{"1.1.1.1"}, "", proxies, "203.0.113.5"},
		{"one trusted proxy", "10.0.0.1:80", []string{"198.51.100.7"}, "", proxies, "198.51.100.7"},
		{"client-supplied entries on the left are skipped", "10.0.0.1:80", []string{"6.6.6.6, 198.51.100.7, 10.0.0.2"}, "", proxies, "198.51.100.7"},
		{"several header lines", "10.0.0.1:80", []string{"6.6.6.6", "198.51.100.7", "10.0.0.2"}, "", proxies, "198.51.100.7"},
		{"X-Real-IP without X-Forwarded-For", "10.0.0.1:80", nil, "198.51.100.8", proxies, "198.51.100.8"},
		{"garbage stops the walk", "10.0.0.1:80", []string{"198.51.100.7, bogus, 10.0.0.2"}, "", proxies, "10.0.0.2"},
		{"trust everyone: leftmost", "192.0.2.1:80", []string{"198.51.100.9, 192.0.2.2"}, "", all, "198.51.100.9"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, "", proxies, "2001:db8::1"},
		{"IPv4-mapped peer", "[::ffff:10.0.0.1]:80", []string{"198.51.100.7"}, "", proxies, "198.51.100.7"},
		{"entry with a port", "10.0.0.1:80", []string{"[2001:db8::2]:1234"}, "", proxies, "2001:db8::2"},
		{"not an IP", "pipe", nil, "", proxies, "pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.realIP != "" {
				r.Header.Set("X-Real-IP", tt.realIP)
			}
			assert.Equal(t, tt.want, clientIP(r, tt.trusted))
		})
	}
}

func TestRequestDataHeaders(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "https://shop.example/cart?coupon=X&session_id=abc", strings.NewReader("{}"))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Add("Accept", "text/html")
	r.Header.Add("Accept", "application/json")
	r.Header.Set("Authorization", "Bearer nope")
	r.Header.Set("X-Custom-Token", "nope")
	rd := NewRequestData(r, nil)
	want := map[string]string{"Content-Type": "application/json", "Accept": "text/html, application/json", "Content-Length": "2"}
	assert.Len(t, rd.Headers, len(want))
	for k, v := range want {
		assert.Equal(t, v, rd.Headers[k], "%s = %q, want %q", k, rd.Headers[k], v)
	}
	require.EqualValues(t, "https://shop.example/cart", rd.URL, "request data = %+v", rd)
	require.EqualValues(t, "coupon=X&session_id=[Filtered]", rd.Query, "request data = %+v", rd)
	assert.EqualValues(t, "POST", rd.Method, "request data = %+v", rd)
}
