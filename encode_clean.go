package errsight

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/errsight/errsight-go/internal/scrub"
)

// What the server can store. Its database cannot hold U+0000 in any text,
// and its processing job fails on one AFTER the request was answered 202,
// losing the rest of the request's events. So no string the SDK writes may
// contain NUL: appendString replaces it, like invalid UTF-8, with U+FFFD,
// which stays visible where the user looks. Replacement can make two keys
// of one object equal ("k\xff" and "k\xfe" both read "k\uFFFD"); a JSON
// object with a repeated key keeps only one value on the server, and some
// parsers refuse it, so every object the SDK writes has distinct keys.

// cleanString is s as the server will read it once encoded: NUL and
// invalid UTF-8 replaced with U+FFFD. It returns s itself when nothing
// needs replacing.
func cleanString(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// objectKey is one key of a map to be written as a JSON object: the map's
// own key and the key written for it.
type objectKey struct{ raw, out string }

// objectKeys returns the keys of m to write, in the order of m's keys, at
// most maxKeys of them. Each is cleaned and cut to maxChars characters
// (maxChars 0: no cut). Keys that become equal to another are left out: a
// key that needed no change wins over ones that did, else the first in
// order. reserved keys are written by the SDK itself and always win.
func objectKeys[V any](m map[string]V, maxChars, maxKeys int, reserved ...string) []objectKey {
	keys := make([]objectKey, 0, len(m))
	changed := false
	for _, k := range sortedKeys(m) {
		out := cleanString(k)
		if maxChars > 0 {
			out = truncate(out, maxChars)
		}
		changed = changed || out != k || slices.Contains(reserved, out)
		keys = append(keys, objectKey{raw: k, out: out})
	}
	if changed {
		keys = distinctKeys(keys, reserved)
	}
	return keys[:min(len(keys), maxKeys)]
}

// distinctKeys drops the keys whose written form another key already
// claims (see objectKeys).
func distinctKeys(keys []objectKey, reserved []string) []objectKey {
	claimed := make(map[string]bool, len(keys)+len(reserved))
	for _, k := range reserved {
		claimed[k] = true
	}
	exact := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k.raw == k.out && !claimed[k.out] {
			exact[k.out] = true
		}
	}
	out := keys[:0]
	for _, k := range keys {
		switch {
		case k.raw == k.out && exact[k.out]:
			claimed[k.out] = true
		case claimed[k.out] || exact[k.out]:
			continue
		default:
			claimed[k.out] = true
		}
		out = append(out, k)
	}
	return out
}

// errTooDeep stops appendCleanJSON on input nested deeper than any value
// worth reading.
var errTooDeep = errors.New("nested too deeply")

// maxCleanDepth bounds the nesting appendCleanJSON rewrites.
const maxCleanDepth = 64

// appendCleanJSON appends the JSON text data (as encoding/json or a
// MarshalJSON method produced it) rewritten by the SDK's own rules: every
// string, key or value, goes through appendString (no NUL, no invalid
// UTF-8) and is cut to maxChars characters; a key repeated in one object,
// as written, keeps its first value. Numbers, booleans and null are copied.
// It works token by token without recursion, so any depth is safe; past
// maxCleanDepth it gives up with an error.
func appendCleanJSON(b, data []byte, maxChars int) ([]byte, error) {
	type level struct {
		object, wantKey bool
		n               int
		keys            map[string]bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if top := len(stack) - 1; top >= 0 && tok != json.Delim('}') && tok != json.Delim(']') {
			l := &stack[top]
			switch {
			case l.object && l.wantKey:
				key, _ := tok.(string)
				key = truncate(cleanString(key), maxChars)
				if l.keys[key] {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return b, err
					}
					continue
				}
				if l.keys == nil {
					l.keys = map[string]bool{}
				}
				l.keys[key] = true
				if l.n > 0 {
					b = append(b, ',')
				}
				l.n++
				l.wantKey = false
				b = appendString(b, key)
				b = append(b, ':')
				continue
			case l.object:
				l.wantKey = true
			default:
				if l.n > 0 {
					b = append(b, ',')
				}
				l.n++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			b = append(b, byte(t))
			if t == '{' || t == '[' {
				if len(stack) == maxCleanDepth {
					return b, errTooDeep
				}
				stack = append(stack, level{object: t == '{', wantKey: true})
			} else {
				stack = stack[:len(stack)-1]
			}
		case string:
			b = appendString(b, truncate(scrub.Text(t), maxChars)) // see appendEventWith
		case json.Number:
			b = append(b, t...)
		case bool:
			b = strconv.AppendBool(b, t)
		default: // nil
			b = append(b, "null"...)
		}
	}
}
