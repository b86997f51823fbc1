package scrub

import "strings"

// Text returns s with the URLs written in it scrubbed: in every
// "scheme://..." (http, https, ws, wss, postgres, any scheme), the
// credentials (user:password@) are dropped and the values of the query and
// fragment parameters whose names are sensitive become [Filtered]; an
// authority that reads as neither user@host nor host:port ("user:pass" whose
// "@" a cut removed) becomes [Filtered] too. Error messages and log lines
// quote the URLs they failed on ("Get \"https://h/v1?token=t\": dial tcp
// ..."), and they are sent as they are.
//
// A URL ends at a space or control character, at a quote, at < or >, at a
// ) ] or } that closes nothing opened inside it, or where a URL nested in it
// begins ("?next=https://..."), which is scrubbed on its own. Text without
// "://" is returned as is without allocating; otherwise the cost is one
// pass, and an allocation only when something is scrubbed.
func Text(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	var b []byte // nil until something changes
	done := 0    // s[done:] has not been copied to b yet
	floor := 0   // a scheme never starts before the end of the previous URL
	for i >= 0 {
		start := schemeStart(s, floor, i)
		if start == i {
			// "://" after no scheme ("3://4", " ://"): not a URL.
			floor = i + 3
			i = indexFrom(s, "://", floor)
			continue
		}
		end := urlEnd(s, i+3)
		if clean := urlText(s[start:end], i-start); clean != s[start:end] {
			if b == nil {
				b = make([]byte, 0, len(s)+len(Filtered))
			}
			b = append(b, s[done:start]...)
			b = append(b, clean...)
			done = end
		}
		floor = end
		i = indexFrom(s, "://", floor)
	}
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
}

// indexFrom is strings.Index of sub in s[from:], as an index in s.
func indexFrom(s, sub string, from int) int {
	if from >= len(s) {
		return -1
	}
	if j := strings.Index(s[from:], sub); j >= 0 {
		return from + j
	}
	return -1
}

// schemeStart returns where the scheme that ends at sep (the index of
// "://") begins, not before floor: a letter followed by letters, digits, +
// - or . (RFC 3986). It returns sep when there is no scheme.
func schemeStart(s string, floor, sep int) int {
	start := sep
	for start > floor && isSchemeByte(s[start-1]) {
		start--
	}
	// "3a+b://": the scheme begins at its first letter.
	for start < sep && !isLetter(s[start]) {
		start++
	}
	return start
}

func isLetter(c byte) bool { return isUpper(c) || isLower(c) }

func isSchemeByte(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// urlEnd returns where the URL whose authority starts at from ends (see
// Text).
func urlEnd(s string, from int) int {
	depth := 0 // brackets opened inside the URL: "[::1]", "user[password]=x"
	for j := from; j < len(s); j++ {
		switch c := s[j]; c {
		case '"', '\'', '`', '<', '>', 0x7f:
			return j
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return j
			}
			depth--
		case ':':
			// A nested URL ends this one where its scheme starts, so that
			// it is scrubbed as a URL of its own.
			if strings.HasPrefix(s[j:], "://") {
				if st := schemeStart(s, from, j); st < j {
					return st
				}
			}
		default:
			if c <= ' ' {
				return j
			}
		}
	}
	return len(s)
}

// urlText scrubs u, one URL whose "://" is at sep: it drops the
// credentials and scrubs the query and the fragment (which carries tokens
// too: "#access_token=..."). It returns u itself when nothing changes.
func urlText(u string, sep int) string {
	auth := sep + 3
	rest := u[auth:]
	authEnd := strings.IndexAny(rest, "/?#")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	at := strings.LastIndexByte(rest[:authEnd], '@')
	if at < 0 && !hostPort(rest[:authEnd]) {
		// "user:pass" whose "@" was cut off with the rest of a long text:
		// what is not a host and port may be a password. Once: "[Filtered]"
		// reads as a host.
		return urlText(u[:auth]+Filtered+rest[authEnd:], sep)
	}
	q := strings.IndexByte(rest, '?')
	h := strings.IndexByte(rest, '#')
	if at < 0 && q < 0 && h < 0 {
		return u
	}
	// The parts after the authority: path, ?query, #fragment.
	pathEnd := len(rest)
	if q >= 0 && (h < 0 || q < h) {
		pathEnd = q
	} else if h >= 0 {
		pathEnd = h
	}
	query, fragment := "", ""
	hasQuery := q >= 0 && (h < 0 || q < h)
	if hasQuery {
		if h >= 0 {
			query, fragment = rest[q+1:h], rest[h+1:]
		} else {
			query = rest[q+1:]
		}
	} else if h >= 0 {
		fragment = rest[h+1:]
	}
	cleanQuery, cleanFragment := Query(query, nil), Query(fragment, nil)
	if at < 0 && cleanQuery == query && cleanFragment == fragment {
		return u
	}
	var b strings.Builder
	b.Grow(len(u) + len(Filtered))
	b.WriteString(u[:auth])
	b.WriteString(rest[at+1 : pathEnd]) // at+1 is 0 without credentials
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(cleanQuery)
	}
	if h >= 0 {
		b.WriteByte('#')
		b.WriteString(cleanFragment)
	}
	return b.String()
}

// hostPort reports whether an authority without credentials reads as a
// host with an optional port: after a colon outside brackets ("[::1]:80"),
// digits only.
func hostPort(authority string) bool {
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return true // nothing after an unclosed bracket to judge
		}
		authority = authority[end+1:]
	}
	colon := strings.IndexByte(authority, ':')
	if colon < 0 {
		return true
	}
	for i := colon + 1; i < len(authority); i++ {
		if authority[i] < '0' || authority[i] > '9' {
			return false
		}
	}
	return true
}
