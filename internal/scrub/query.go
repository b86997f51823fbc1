// Package scrub holds the rules that keep secrets carried in URLs out of
// what the SDK sends: which names (query parameters, headers, metadata keys)
// look sensitive, how a query or a URL is scrubbed, and how the URLs inside
// free text (an error message, a log line) are found and scrubbed. The core
// applies them on the worker to every text it sends; errsighthttp exports
// them for the integrations, so that the rules live in one place.
package scrub

import (
	"net/url"
	"strings"
)

// Filtered replaces the value of a query parameter whose name looks
// sensitive.
const Filtered = "[Filtered]"

// Query returns the raw query string with the value of every parameter
// whose name is sensitive (see [Sensitive]) replaced by [Filtered].
// Everything else is kept as sent (order, repeated keys, encoding), and a
// query without sensitive parameters is returned as is, without allocating.
func Query(raw string, extra []string) string {
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
		if eq := strings.IndexByte(seg, '='); eq >= 0 && eq < len(seg)-1 && Sensitive(ParamName(seg[:eq]), extra) {
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

// ParamName decodes a query parameter name, so that "pass%77ord" is matched
// as "password"; a name that does not decode is matched as sent.
func ParamName(s string) string {
	if strings.ContainsAny(s, "%+") {
		if d, err := url.QueryUnescape(s); err == nil {
			return d
		}
	}
	return s
}

// URL renders u for a report: scheme, host, path and the scrubbed query,
// without credentials (user:password@) or fragment. u is not modified.
func URL(u *url.URL, extra []string) string {
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
	if q := Query(u.RawQuery, extra); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

// URLString is URL for a URL held as text (a Referer header). Text that
// does not parse as a URL becomes [Filtered] rather than being sent
// unscrubbed.
func URLString(s string, extra []string) string {
	u, err := url.Parse(s)
	if err != nil {
		return Filtered
	}
	return URL(u, extra)
}
