// Package text holds the SDK's few string mechanics that several packages
// need — cutting a string to a limit with one visible marker, and telling
// an all-digits token — so that every cut looks the same wherever it is
// made and each rule is written once.
package text

import (
	"strings"
	"unicode/utf8"
)

// Marker ends every string the SDK cuts, so that a reader of an event knows
// the text goes on; it counts against the limit it was cut to.
const Marker = "…[truncated]"

// markerRunes is utf8.RuneCountInString(Marker).
const markerRunes = 12

// Truncate cuts s to at most n characters (runes, as the server counts
// them), on a rune boundary, ending with [Marker]. A limit too small to
// hold the marker gets the first n runes. Invalid UTF-8 is left to the
// caller (the JSON encoder replaces it).
func Truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	keep := n - markerRunes
	if keep <= 0 {
		return Prefix(s, n)
	}
	return Prefix(s, keep) + Marker
}

// TruncateBytes cuts s to at most n bytes on a rune boundary, ending with
// [Marker] (or to a bare prefix when n cannot hold the marker).
func TruncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut, marker := n-len(Marker), Marker
	if cut <= 0 {
		cut, marker = n, ""
	}
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not in the middle of a rune
		cut--
	}
	return s[:cut] + marker
}

// Prefix returns the first n runes of s, unmarked.
func Prefix(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// IsDigits reports whether s is a non-empty run of ASCII digits.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// HasPathPrefix reports whether s starts with prefix on whole path
// elements: "github.com/acme" matches "github.com/acme" and
// "github.com/acme/app" but not "github.com/acmecorp". A prefix ending in
// "/" matches any s it starts; an empty prefix matches nothing. Package
// paths, module paths and file paths are all matched by it.
func HasPathPrefix(s, prefix string) bool {
	if prefix == "" || !strings.HasPrefix(s, prefix) {
		return false
	}
	return len(s) == len(prefix) || prefix[len(prefix)-1] == '/' || s[len(prefix)] == '/'
}
