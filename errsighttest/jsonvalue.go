package errsighttest

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the small JSON and Ruby-string helpers the rest of the
// package uses to read events the way the ErrSight server (a Rails
// application) reads them.

// member is one name/value pair of a JSON object.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers returns the members of the JSON object raw in the order their
// names first appear. A repeated name keeps its first position and takes its
// last value, which is how the Ruby Hash built by the server's parser behaves.
// ok is false when raw is not a JSON object.
func objectMembers(raw json.RawMessage) (ms []member, ok bool) {
	if jsonKind(raw) != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	index := make(map[string]int)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		if i, dup := index[key]; dup {
			ms[i].value = v
			continue
		}
		index[key] = len(ms)
		ms = append(ms, member{key: key, value: v})
	}
	return ms, true
}

// lookup returns the value of the member named key.
func lookup(ms []member, key string) (json.RawMessage, bool) {
	for _, m := range ms {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// arrayElements returns the elements of the JSON array raw; ok is false when
// raw is not an array.
func arrayElements(raw json.RawMessage) (elems []json.RawMessage, ok bool) {
	if jsonKind(raw) != '[' {
		return nil, false
	}
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, false
	}
	return elems, true
}

// jsonKind returns the first significant byte of raw: '{', '[', '"', 't',
// 'f', 'n', or a digit or '-' for a number; 0 when raw is empty (absent).
func jsonKind(raw json.RawMessage) byte {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// isNullish reports whether raw is absent or JSON null.
func isNullish(raw json.RawMessage) bool {
	k := jsonKind(raw)
	return k == 0 || k == 'n'
}

// truthy reports Ruby truthiness: everything but nil (absent, null) and false.
func truthy(raw json.RawMessage) bool {
	k := jsonKind(raw)
	return k != 0 && k != 'n' && k != 'f'
}

// asString returns raw as a Go string when it is a JSON string.
func asString(raw json.RawMessage) (string, bool) {
	if jsonKind(raw) != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// decodeAny decodes raw into the usual any tree, numbers as json.Number.
// Absent or invalid input gives nil.
func decodeAny(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

// decodeObject decodes the members ms into a map and the ordered key list.
func decodeObject(ms []member) (map[string]any, []string) {
	m := make(map[string]any, len(ms))
	keys := make([]string, 0, len(ms))
	for _, mem := range ms {
		m[mem.key] = decodeAny(mem.value)
		keys = append(keys, mem.key)
	}
	return m, keys
}

// rubyToS approximates Ruby's to_s on the value the server's parser builds
// from raw: a string is itself; null (or an absent value) is ""; true and
// false are "true" and "false"; an integer is its decimal text; a float is
// printed the way Ruby prints a Float ("1.5", "1000.0", "1.0e+16"). Objects
// and arrays become their compact JSON text (Ruby would print its inspect
// form, e.g. {"a" => 1}; no SDK should send those where a string belongs).
func rubyToS(raw json.RawMessage) string {
	switch k := jsonKind(raw); k {
	case 0, 'n':
		return ""
	case '"':
		s, _ := asString(raw)
		return s
	case 't':
		return "true"
	case 'f':
		return "false"
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return string(raw)
		}
		return b.String()
	default:
		return rubyNumber(strings.TrimSpace(string(raw)))
	}
}

// rubyNumber prints the JSON number literal lit as Ruby's Integer#to_s or
// Float#to_s would.
func rubyNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if lit == "-0" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return lit
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e16 || a < 1e-4 {
		mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		return mant + "e" + exp
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// rubyStrip is Ruby's String#strip: it removes leading and trailing ASCII
// whitespace and NUL bytes.
func rubyStrip(s string) string {
	return strings.Trim(s, " \t\n\v\f\r\x00")
}

// isBlank is Rails' String#blank?: empty or only whitespace.
func isBlank(s string) bool {
	return strings.TrimFunc(s, unicode.IsSpace) == ""
}

// railsTruncate is Rails' String#truncate(n): a string longer than n
// characters (code points) is cut to n-3 characters followed by "...", so the
// result is exactly n characters long.
func railsTruncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	stop := max(n-3, 0)
	count := 0
	for i := range s {
		if count == stop {
			return s[:i] + "..."
		}
		count++
	}
	return s + "..."
}

// runeLen is the length in characters (code points), as Ruby counts it.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// stringList reads raw as either one string (split into lines when split is
// true) or an array whose elements are converted with rubyToS.
func stringList(raw json.RawMessage, split bool) []string {
	if elems, ok := arrayElements(raw); ok {
		out := make([]string, 0, len(elems))
		for _, e := range elems {
			out = append(out, rubyToS(e))
		}
		return out
	}
	if isNullish(raw) {
		return nil
	}
	s := rubyToS(raw)
	if s == "" {
		return nil
	}
	if split {
		return strings.Split(s, "\n")
	}
	return []string{s}
}
