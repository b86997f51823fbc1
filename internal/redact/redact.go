// Package redact formats and logs configuration values that hold a secret
// (the API key) with the secret masked, so that printing a Client, its
// Options or a transport — with fmt's verbs or log/slog — never leaks it.
package redact

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
)

// Mask replaces a non-empty secret.
const Mask = "[redacted]"

// Secret returns Mask for a non-empty s, "" for an empty one: whether a
// key is set is useful to see, the key is not.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return Mask
}

// String replaces every occurrence of secret in s with Mask; an empty
// secret leaves s unchanged. Every debug line and error that might echo
// the API key (a URL, a server's answer) passes through it.
func String(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, Mask)
}

// Format writes masked for verb as fmt would write the original value.
// masked must be a copy of the original with its secrets replaced, of a
// type without methods (so that formatting it does not call Format again);
// for %#v its type's name is replaced by typeName.
func Format(f fmt.State, verb rune, typeName string, masked any) {
	if verb == 'v' && f.Flag('#') {
		s := fmt.Sprintf("%#v", masked)
		if i := strings.IndexByte(s, '{'); i >= 0 {
			s = typeName + s[i:]
		}
		_, _ = io.WriteString(f, s)
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), masked)
}

// LogValue is a slog group of masked's exported fields (masked: a struct
// whose secrets are replaced). Values JSON cannot encode (functions,
// interfaces holding them) are shown by type, nil ones left out, so that
// both slog handlers render the group.
func LogValue(masked any) slog.Value { return slog.GroupValue(fields(masked)...) }

// JSON is masked's exported fields as a JSON object, shown as LogValue
// shows them, for the MarshalJSON of a type that holds a secret.
func JSON(masked any) ([]byte, error) {
	attrs := fields(masked)
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		m[a.Key] = a.Value.Any()
	}
	return json.Marshal(m)
}

func fields(masked any) []slog.Attr {
	v := reflect.ValueOf(masked)
	t := v.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Func, reflect.Interface, reflect.Pointer, reflect.Chan, reflect.Map:
			if fv.IsNil() {
				continue
			}
			attrs = append(attrs, slog.String(sf.Name, fv.Type().String()))
			if fv.Kind() == reflect.Interface {
				attrs[len(attrs)-1] = slog.String(sf.Name, fv.Elem().Type().String())
			}
		default:
			attrs = append(attrs, slog.Any(sf.Name, fv.Interface()))
		}
	}
	return attrs
}
