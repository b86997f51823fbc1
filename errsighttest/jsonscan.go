package errsighttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// jsonFlaws is what the real server cannot store, or stores differently
// from what was sent, found anywhere in an event.
type jsonFlaws struct {
	// nul lists the paths of strings (keys or values) holding U+0000: the
	// server's database refuses them, and its processing job fails after
	// the request was answered 202, losing the rest of the request.
	nul []string
	// dupKeys lists the paths of keys repeated in one object: the server
	// keeps only one of the values.
	dupKeys []string
}

// scanJSON walks raw token by token (no recursion, any depth) and reports
// its flaws. Paths read like "metadata.order.items[2]".
func scanJSON(raw json.RawMessage) jsonFlaws {
	type level struct {
		object, wantKey bool
		index           int
		key             string
		keys            map[string]bool
	}
	var (
		f     jsonFlaws
		stack []level
	)
	path := func(last string) string {
		var b strings.Builder
		for _, l := range stack {
			switch {
			case l.object && l.key != "":
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(l.key)
			case !l.object:
				fmt.Fprintf(&b, "[%d]", l.index-1)
			}
		}
		if last != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(last)
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return f
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top := len(stack) - 1; top >= 0 {
			l := &stack[top]
			switch {
			case l.object && l.wantKey:
				key, _ := tok.(string)
				l.key, l.wantKey = key, false
				if strings.Contains(key, "\x00") {
					f.nul = append(f.nul, path("")+" (key)")
				}
				if l.keys[key] {
					f.dupKeys = append(f.dupKeys, path(""))
				}
				if l.keys == nil {
					l.keys = map[string]bool{}
				}
				l.keys[key] = true
				continue
			case l.object:
				l.wantKey = true
			default:
				l.index++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			stack = append(stack, level{object: t == '{', wantKey: true})
		case string:
			if strings.Contains(t, "\x00") {
				f.nul = append(f.nul, path(""))
			}
		}
	}
}
