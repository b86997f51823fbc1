package errsight

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFrameEncodingMatchesJSONTags: the hand-written encoders give exactly
// what encoding/json gives for the same values, so the struct tags stay the
// single definition of the wire format.
func TestFrameEncodingMatchesJSONTags(t *testing.T) {
	frames := []Frame{
		{Filename: "a.go", Lineno: 1, Function: "f"},
		{Filename: "b.go", AbsPath: "/src/b.go", Lineno: 22, Function: "(*T).M", Module: "example.com/m", InApp: true,
			PreContext: []string{"x", "\"quoted\"\t"}, ContextLine: "line \xff", PostContext: []string{"y"}},
	}
	causes := []Cause{{Class: "*E", Message: "m"}, {Class: "F", Message: "n\n", Backtrace: []string{"a.go:1 in f"}}}
	tests := []struct {
		name string
		got  []byte
		v    any
	}{
		{"frames", appendFrames(nil, frames), frames},
		{"causes", appendCauses(nil, causes), causes},
		{"no frames", appendFrames(nil, nil), []Frame{}},
		{"strings", appendStrings(nil, []string{"a", "\u2028"}), []string{"a", "\u2028"}},
	}
	for _, tt := range tests {
		want, err := json.Marshal(tt.v)
		require.NoError(t, err)
		var g, w any
		require.NoError(t, json.Unmarshal(tt.got, &g), "%s: invalid JSON %s", tt.name, tt.got)
		_ = json.Unmarshal(want, &w)
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		assert.Equal(t, string(wj), string(gj), "%s:\n got %s\nwant %s", tt.name, tt.got, want)
	}
}
