// Package safe looks at values the application hands the SDK (errors,
// panic values) without letting their own methods crash it: a typed nil's
// Error method, an Error or String method that panics, a panic inside
// fmt's own recovery. It is the one place for these checks: capture,
// Recover, the symbolizer and the logging integrations all use it.
package safe

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/errsight/errsight-go/internal/safeval"
)

// IsNilError reports whether err is nil, or a nil pointer (or map, slice,
// func, channel) in a non-nil interface: a typed nil, whose Error method
// would most likely panic, and which holds nothing to report.
func IsNilError(err error) bool {
	if err == nil {
		return true
	}
	v := reflect.ValueOf(err)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}

// ErrorText returns err.Error(), or when that panics "<nil>" for a typed
// nil and "[errsight: Error() panicked: VALUE]" otherwise.
func ErrorText(err error) (msg string) {
	if err == nil {
		return "<nil>"
	}
	defer func() {
		if r := recover(); r != nil {
			if IsNilError(err) {
				msg = "<nil>"
				return
			}
			// Not PanicText: an error whose Error panics with another such
			// error must not recurse.
			msg = "[errsight: Error() panicked: " + sprint(r) + "]"
		}
	}()
	return err.Error()
}

// PanicText renders a recovered panic value: an error by ErrorText,
// anything else as fmt prints it.
func PanicText(r any) string {
	if err, ok := r.(error); ok {
		return ErrorText(err)
	}
	return sprint(r)
}

// PanicMessage is the message of an event for panic value r, as the
// runtime prints its headline: "panic: " and PanicText(r).
func PanicMessage(r any) string { return "panic: " + PanicText(r) }

// sprint is fmt.Sprint guarded: fmt recovers from panicking Error and
// String methods itself, but re-panics for a panic inside that recovery;
// and a value that contains itself (a map holding itself) would make fmt
// recurse until the stack overflows, which no recover catches.
func sprint(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("a %T whose text cannot be printed", r)
		}
	}()
	if !safeval.Safe(r) {
		return fmt.Sprint(safeval.Tree(r))
	}
	return fmt.Sprint(r)
}

// IsAbortHandler reports whether a panic value is (or wraps)
// http.ErrAbortHandler, net/http's sentinel for "abort this response
// quietly": never reported, always handed on. errors.Is calls the value's
// own Unwrap and Is methods: one that panics means no.
func IsAbortHandler(v any) (abort bool) {
	if v == http.ErrAbortHandler {
		return true
	}
	err, ok := v.(error)
	if !ok {
		return false
	}
	defer func() {
		if recover() != nil {
			abort = false
		}
	}()
	return errors.Is(err, http.ErrAbortHandler)
}
