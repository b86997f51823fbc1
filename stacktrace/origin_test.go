package stacktrace

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Other shapes OriginPCs accepts: a plain []uintptr StackTrace, which
// wins over an empty Callers.
type plainStack struct{ pcs []uintptr }

func (p *plainStack) Error() string         { return "plain" }
func (p *plainStack) StackTrace() []uintptr { return p.pcs }
func (p *plainStack) Callers() []uintptr    { return nil }

func newPlainStack() *plainStack {
	pcs := make([]uintptr, 32)
	return &plainStack{pcs: pcs[:Callers(1, pcs)]}
}

// Shapes OriginPCs must ignore.
type wrongStack struct{}

func (wrongStack) Error() string         { return "wrong" }
func (wrongStack) StackTrace() []string  { return []string{"x"} }
func (wrongStack) Callers(int) []uintptr { return []uintptr{1} }

type panickingStack struct{}

func (panickingStack) Error() string                 { return "panics" }
func (panickingStack) StackTrace() fakePkgStackTrace { panic("no stack") }

func firstFunc(pcs []uintptr) string {
	if len(pcs) == 0 {
		return ""
	}
	f, _ := runtime.CallersFrames(pcs).Next()
	_, fn := SplitFunction(f.Function)
	return fn
}

func originInner() error { return fakePkgNew("inner") }

func TestOriginPCs(t *testing.T) {
	var typedNil *fundamental
	cases := []struct {
		name string
		err  error
		want string // first function of the origin stack; "" for none
	}{
		{"nil", nil, ""},
		{"no stacks", fmt.Errorf("a: %w", errors.New("b")), ""},
		{"pkg/errors New", originInner(), "originInner"},
		{"pkg/errors Wrap keeps the innermost", fakePkgWrap(originInner(), "outer"), "originInner"},
		{"behind fmt wrappers", fmt.Errorf("x: %w", fmt.Errorf("y: %w", originInner())), "originInner"},
		{"go-errors", fakeGoWrap(errors.New("x"), 0), "TestOriginPCs"},
		{"plain []uintptr StackTrace", newPlainStack(), "TestOriginPCs"},
		{"deepest of a join", errors.Join(fakeGoWrap(errors.New("shallow"), 0), fmt.Errorf("w: %w", originInner())), "originInner"},
		{"first of equally deep", errors.Join(originInner(), fakeGoWrap(errors.New("second"), 0)), "originInner"},
		{"wrong shapes", wrongStack{}, ""},
		{"panicking StackTrace", panickingStack{}, ""},
		{"panicking StackTrace below a good one", fakePkgWrap(panickingStack{}, "x"), "TestOriginPCs"},
		{"typed nil", typedNil, ""},
		{"cycle", cycle(), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := firstFunc(OriginPCs(tc.err))
			assert.Equal(t, tc.want, got, "origin starts in %q, want %q", got, tc.want)
		})
	}
}

func TestOriginPCsIsACopy(t *testing.T) {
	err := fakeGoWrap(errors.New("x"), 0)
	pcs := OriginPCs(err)
	pcs[0] = 0
	assert.NotZero(t, err.Callers()[0], "OriginPCs returned the error's own slice")
}

func TestOriginFramesAreUsersCode(t *testing.T) {
	// pkg/errors stores return addresses like runtime.Callers: the frames
	// must name the line of the call, not the one after it.
	err := fakePkgNew("x")
	line := currentLine() - 1
	frames, _ := NewSymbolizer(Options{}).Frames(OriginPCs(err))
	require.NotEmpty(t, frames, "no origin frame, want line %d", line)
	require.Equal(t, "TestOriginFramesAreUsersCode", frames[0].Function, "origin frame %+v, want line %d", frames[0], line)
	assert.Equal(t, line, frames[0].Lineno, "origin frame %+v, want line %d", frames[0], line)
}

func currentLine() int {
	_, _, line, _ := runtime.Caller(1)
	return line
}
