package errsightzerolog

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFields(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		complete bool
		want     string // the fields as JSON; "null" for none
	}{
		{"hook's unterminated object", `{"level":"info","k":"v","d":{"n":1}`, false, `{"d":{"n":1},"k":"v"}`},
		{"writer's line", "{\"level\":\"info\",\"time\":\"x\",\"n\":12345678901234567890}\n", true, `{"n":12345678901234567890}`},
		{"empty hook object", `{`, false, `null`},
		{"not JSON (CBOR)", "\xbf\x65level", false, `null`},
		{"broken RawJSON", `{"raw":{not json`, false, `null`},
		{"empty", ``, true, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := json.Marshal(parseFields([]byte(tt.in), tt.complete))
			assert.Equal(t, tt.want, string(got), "parseFields(%q)", tt.in)
		})
	}
}

// parseFields reads bytes a user's RawJSON or Interface field can shape:
// whatever they hold, it returns without panicking, and what it returns
// encodes.
func FuzzParseFields(f *testing.F) {
	for _, s := range []string{`{"level":"info","k":"v"`, `{"a":{"b":[1,2,{"c":null}]}}`, `{`, `{"x":`, "\xbf", `{"n":1e400}`} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		in := append([]byte(nil), b...)
		m := parseFields(b, complete)
		require.Equal(t, string(in), string(b), "parseFields changed its input")
		_, err := json.Marshal(m)
		require.NoError(t, err, "fields do not encode")
	})
}
