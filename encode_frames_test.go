package errsight

import (
	"encoding/json"
	"testing"
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
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(tt.got, &g); err != nil {
			t.Fatalf("%s: invalid JSON %s", tt.name, tt.got)
		}
		_ = json.Unmarshal(want, &w)
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, want)
		}
	}
}
