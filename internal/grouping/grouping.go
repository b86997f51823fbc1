// Package grouping holds the two halves of how events become issues: the
// SDK's message template, which makes one failure's messages equal when
// they differ only in the values they carry, and the server's issue key
// for a fingerprint, which the SDK computes to know, before sending,
// which issue an event will land in.
package grouping

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that Template puts where values were.
const (
	Number = "<n>"     // a word with a digit: ids, counts, addresses, durations, sizes, IPs
	Quoted = "<q>"     // a quoted value: "…", '…', `…`
	Path   = "<path>"  // a word with a slash: file paths, URL paths
	URL    = "<url>"   // a word with "://"
	Email  = "<email>" // a word with "@" and a dot after it
)

// MaxScan bounds the bytes of a message Template reads, and so the length
// of a template: the rest of a long message does not take part in
// grouping. (The SDK cuts every fingerprint part to 200 characters too.)
const MaxScan = 4 << 10

// Template returns msg with the values it carries replaced by
// placeholders and whitespace collapsed, reading at most MaxScan bytes:
//
//	user 42 not found               -> user <n> not found
//	get "a1b2": timeout after 1.5s  -> get <q>: timeout after <n>
//	open /srv/app/x.json: EOF       -> open <path>: EOF
//	lock 0xc000123456 held 300ms    -> lock <n> held <n>
//
// A word (letters, digits, '_', '.', '-', '+') that contains a digit is a
// value: "42", "0xc000123456", "1.5s", "10.0.0.1", "v1.2.3", UUIDs and most
// generated ids. Quotes are values when they open at the start of a word
// ("can't" is not a quote). Words without digits stay: the template keeps
// the failure's wording, so "user bob not found" and "user alice not found"
// stay apart (quote such values, or set a fingerprint, to merge them).
func Template(msg string) string {
	if len(msg) > MaxScan {
		// A rune cut in two here reads as U+FFFD: still deterministic.
		msg = msg[:MaxScan]
	}
	var b strings.Builder
	b.Grow(len(msg))
	for _, chunk := range strings.Fields(replaceQuoted(msg)) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		writeChunk(&b, chunk)
	}
	return b.String()
}

// replaceQuoted replaces each quoted span with Quoted.
func replaceQuoted(s string) string {
	if !strings.ContainsAny(s, "\"'`") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if (c == '"' || c == '\'' || c == '`') && (i == 0 || !isWordByte(s[i-1])) {
			if end := closingQuote(s, i); end > 0 {
				b.WriteString(Quoted)
				i = end + 1
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// closingQuote returns the index of the quote closing the one at open, or
// -1. A double quote honours backslash escapes (Go's %q); a single quote
// must be followed by a non-word character, so "it's" does not close one.
func closingQuote(s string, open int) int {
	q := s[open]
	for j := open + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '\\' && q == '"':
			j++
		case c == '\n' && q != '`':
			return -1
		case c == q && (q != '\'' || j+1 == len(s) || !isWordByte(s[j+1])):
			return j
		}
	}
	return -1
}

func isWordByte(c byte) bool {
	return c >= 0x80 || c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// writeChunk writes one whitespace-separated chunk, its value words
// replaced. Leading and trailing punctuation stays as it was.
func writeChunk(b *strings.Builder, chunk string) {
	core := strings.TrimLeft(chunk, "([{<")
	b.WriteString(chunk[:len(chunk)-len(core)])
	trimmed := strings.TrimRight(core, ".,;:!?)]}>")
	tail := core[len(trimmed):]
	core = trimmed
	switch {
	case core == "":
	case strings.Contains(core, "://"):
		b.WriteString(URL)
	case strings.Contains(core, "@") && strings.Contains(core[strings.IndexByte(core, '@'):], "."):
		b.WriteString(Email)
	case strings.ContainsAny(core, `/\`):
		b.WriteString(Path)
	default:
		writeWords(b, core)
	}
	b.WriteString(tail)
}

// writeWords writes s with every word that contains a digit replaced by
// Number.
func writeWords(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		j, digit := i, false
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			digit = digit || unicode.IsDigit(r)
			j += size
		}
		if digit {
			b.WriteString(Number)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-' || r == '+'
}

// Key is the issue key the ErrSight server stores for an event sent with
// fingerprint parts: the first 32 hex digits of the SHA-256 of the parts
// joined with "|". parts must be as sent and already normalised the way
// the server normalises them (trimmed, no blank part), which is what the
// SDK sends.
func Key(parts []string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(sum[:])[:32]
}
