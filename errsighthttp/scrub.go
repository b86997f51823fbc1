package errsighthttp

import (
	"net/url"
	"strings"
)

// Filtered replaces the value of a query parameter whose name looks
// sensitive, in the request data and in breadcrumb URLs.
const Filtered = "[Filtered]"

// sensitiveParts are matched, case-insensitively, as substrings of query
// parameter names. Substring matching over-scrubs ("monkey" contains "key")
// on purpose: a filtered harmless value costs a little context, a leaked
// token costs an incident. "passw" covers password and passwd; "token"
// covers access_token and refresh_token; "key" covers api_key and apikey;
// "auth" covers authorization; "sig" covers signature.
var sensitiveParts = [...]string{
	"passw", "passphrase", "pwd", "secret", "token", "key", "auth",
	"session", "jwt", "sig", "code", "credential", "csrf", "xsrf",
	"cookie", "bearer", "private",
}

// IsSensitiveName reports whether a parameter, header or metadata name looks
// like it carries a secret, by the default rules that every errsight
// integration shares. It does not allocate.
func IsSensitiveName(name string) bool { return sensitiveKey(name) }

// ScrubQuery returns the raw query string with the value of every parameter
// whose name looks sensitive (see [IsSensitiveName]) replaced by [Filtered].
// A query without such parameters is returned as is, without allocating.
// Integrations for other frameworks use it so that the rules live in one
// place.
func ScrubQuery(raw string) string { return scrubQuery(raw) }

// ScrubURL renders a URL held as text for a report: without credentials or
// fragment, its query scrubbed as by [ScrubQuery]. Text that does not parse
// as a URL becomes [Filtered] rather than being sent unscrubbed.
func ScrubURL(s string) string { return scrubURLString(s) }

// sensitiveKey reports whether a parameter name looks like it carries a
// secret. It does not allocate.
func sensitiveKey(name string) bool {
	for _, p := range sensitiveParts {
		if containsFold(name, p) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII needle,
// ignoring ASCII case in s.
func containsFold(s, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// scrubQuery returns the raw query string with the value of every sensitive
// parameter replaced by [Filtered]. Everything else is kept as sent (order,
// repeated keys, encoding), and a query without sensitive parameters is
// returned as is, without allocating.
func scrubQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var b strings.Builder
	start := 0 // raw[start:] has not been copied to b yet
	for pos := 0; pos <= len(raw); {
		end := strings.IndexByte(raw[pos:], '&')
		if end < 0 {
			end = len(raw)
		} else {
			end += pos
		}
		seg := raw[pos:end]
		if eq := strings.IndexByte(seg, '='); eq >= 0 && eq < len(seg)-1 && sensitiveKey(paramName(seg[:eq])) {
			if b.Len() == 0 {
				b.Grow(len(raw) + len(Filtered))
			}
			b.WriteString(raw[start : pos+eq+1])
			b.WriteString(Filtered)
			start = end
		}
		pos = end + 1
	}
	if start == 0 {
		return raw
	}
	b.WriteString(raw[start:])
	return b.String()
}

// paramName decodes a query parameter name, so that "pass%77ord" is matched
// as "password"; a name that does not decode is matched as sent.
func paramName(s string) string {
	if strings.ContainsAny(s, "%+") {
		if d, err := url.QueryUnescape(s); err == nil {
			return d
		}
	}
	return s
}

// scrubURL renders u for a report: scheme, host, path and the scrubbed
// query, without credentials (user:password@) or fragment. u is not modified.
func scrubURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	if u.Opaque != "" {
		// "mailto:x": no authority, nothing to scrub but the query.
		b.WriteString(u.Scheme)
		b.WriteByte(':')
		b.WriteString(u.Opaque)
	} else {
		if u.Scheme != "" {
			b.WriteString(u.Scheme)
			b.WriteString("://")
		}
		b.WriteString(u.Host)
		b.WriteString(u.EscapedPath())
	}
	if q := scrubQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

// scrubURLString is scrubURL for a URL held as text (a Referer header).
// Text that does not parse as a URL is dropped rather than sent unscrubbed.
func scrubURLString(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return Filtered
	}
	return scrubURL(u)
}
