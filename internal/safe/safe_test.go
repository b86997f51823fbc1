package safe

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

type ptrErr struct{ msg string }

func (e *ptrErr) Error() string { return e.msg } // panics on a nil *ptrErr

type sliceErr []string

func (e sliceErr) Error() string { return fmt.Sprint([]string(e)) }

type panicky struct{ value any }

func (p panicky) Error() string  { panic(p.value) }
func (p panicky) String() string { panic(p.value) }

// deepPanic panics, when fmt prints it, inside fmt's own recovery.
type deepPanic struct{}

func (deepPanic) String() string { panic(deepPanic{}) }

func TestIsNilError(t *testing.T) {
	var nilPtr *ptrErr
	var nilSlice sliceErr
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, true},
		{"typed nil pointer", nilPtr, true},
		{"typed nil slice", nilSlice, true},
		{"pointer", &ptrErr{"x"}, false},
		{"value", errors.New("x"), false},
		{"empty slice", sliceErr{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsNilError(tt.err))
		})
	}
}

func TestPanicText(t *testing.T) {
	var nilPtr *ptrErr
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"string", "boom", "boom"},
		{"error", errors.New("failed"), "failed"},
		{"typed nil error", error(nilPtr), "<nil>"},
		{"panicking Error", panicky{"inner"}, "[errsight: Error() panicked: inner]"},
		{"panicking Error with a panicking error", panicky{panicky{"deeper"}}, "[errsight: Error() panicked: %!v(PANIC=Error method: deeper)]"},
		{"number", 42, "42"},
		{"panic inside fmt's recovery", deepPanic{}, "a safe.deepPanic whose text cannot be printed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, PanicText(tt.value))
		})
	}
}

// panickingUnwrap is an error whose Unwrap panics.
type panickingUnwrap struct{}

func (panickingUnwrap) Error() string { return "x" }
func (panickingUnwrap) Unwrap() error { panic("unwrap") }

func TestIsAbortHandler(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"the sentinel", http.ErrAbortHandler, true},
		{"wrapped", fmt.Errorf("serving: %w", http.ErrAbortHandler), true},
		{"another error", errors.New("boom"), false},
		{"a string", "boom", false},
		{"nil", nil, false},
		{"a panicking Unwrap", panickingUnwrap{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsAbortHandler(tt.v), "IsAbortHandler(%v)", tt.v)
		})
	}
}

func TestPanicMessage(t *testing.T) {
	assert.Equal(t, "panic: boom", PanicMessage("boom"))
	assert.Equal(t, "panic: [errsight: Error() panicked: inner]", PanicMessage(panicky{"inner"}))
}
