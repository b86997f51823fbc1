package logbridge_test

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/logbridge"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type panicky struct{}

func (panicky) String() string { panic("boom") }

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { panic("json boom") }

type loopPanic struct{ m map[string]any }

func (p loopPanic) String() string { panic(p.m) }

type cyclic struct{ Next *cyclic }

type nilErr struct{}

func (*nilErr) Error() string { return "x" }

func TestSnapshot(t *testing.T) {
	c := &cyclic{}
	c.Next = c
	loop := map[string]any{}
	loop["self"] = loop
	tests := []struct {
		name string
		in   any
		want string // prefix of fmt'd snapshot
	}{
		{"string", "s", "s"},
		{"int", 42, "42"},
		{"error", errors.New("e"), "e"},
		{"panicking Stringer", panicky{}, "!PANIC in logbridge_test.panicky: boom"},
		{"panicking MarshalJSON", badJSON{}, "!PANIC in logbridge_test.badJSON: json boom"},
		{"cycle", c, "[errsight: cannot encode *logbridge_test.cyclic: json: unsupported value: encountered a cycle"},
		{"struct", struct{ A int }{1}, `{"A":1}`},
		// Was fmt's %+v, which overflowed the stack (a fatal error).
		{"map containing itself", loop, "[errsight: cannot encode map[string]interface {}: json: unsupported value: encountered a cycle"},
		{"panic with a map containing itself", loopPanic{loop}, "!PANIC in logbridge_test.loopPanic: a map[string]interface {}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := logbridge.Snapshot(tt.in)
			var s string
			switch v := got.(type) {
			case json.RawMessage:
				s = string(v)
			case string:
				s = v
			default:
				b, _ := json.Marshal(v)
				s = string(b)
			}
			assert.True(t, strings.HasPrefix(s, tt.want), "Snapshot = %q, want prefix %q", s, tt.want)
		})
	}
}

func TestIsNilError(t *testing.T) {
	var typed *nilErr
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, true},
		{"typed nil", typed, true},
		{"value", errors.New("x"), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, logbridge.IsNilError(tt.err), tt.name)
	}
}

// logger stands for a logging library: its frames are dropped.
func logger() []uintptr {
	return logbridge.CallerStack("github.com/errsight/errsight-go/internal/logbridge_test")
}

func TestCallerStackStartsAtTheCaller(t *testing.T) {
	tests := []struct {
		name string
		pcs  func() []uintptr
		want string
	}{
		{"nothing skipped", func() []uintptr { return logbridge.CallerStack() }, "TestCallerStackStartsAtTheCaller.func1"},
		{"every frame of the test package skipped", logger, "testing.tRunner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := runtime.CallersFrames(tt.pcs()).Next()
			assert.True(t, strings.HasSuffix(f.Function, tt.want), "first frame %s, want %s", f.Function, tt.want)
		})
	}
}

func TestNested(t *testing.T) {
	self := map[string]any{"k": 1}
	self["self"] = self
	type fields map[string]any
	in := fields{"a": fields{"b": map[string]any{"c": 1}}, "s": panicky{}, "loop": self}
	got, err := json.Marshal(logbridge.Nested(in))
	require.NoError(t, err)
	for _, want := range []string{`"a":{"b":{"c":1}}`, `"s":"!PANIC in logbridge_test.panicky: boom"`, `cannot encode map[string]interface {}`} {
		assert.Contains(t, string(got), want, "Nested = %s, want it to contain %s", got, want)
	}
}
