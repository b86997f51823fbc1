package stacktrace

import (
	"fmt"
	"runtime"
)

// Fakes with the method shapes of the error libraries OriginPCs supports,
// so the core module needs none of them. Tests against the real modules
// live in a separate module.

// pkg/errors: type Frame uintptr; type StackTrace []Frame; its errors
// record runtime.Callers(3, ...) output and expose it as StackTrace().
type (
	fakePkgFrame      uintptr
	fakePkgStackTrace []fakePkgFrame
	fakePkgStack      []uintptr
)

func (s *fakePkgStack) StackTrace() fakePkgStackTrace {
	f := make(fakePkgStackTrace, len(*s))
	for i, pc := range *s {
		f[i] = fakePkgFrame(pc)
	}
	return f
}

func fakePkgCallers() *fakePkgStack {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	st := fakePkgStack(pcs[:n])
	return &st
}

// fundamental is what pkg/errors.New returns: a message and a stack.
type fundamental struct {
	msg string
	*fakePkgStack
}

func (f *fundamental) Error() string { return f.msg }

// withStack and withMessage are what pkg/errors.Wrap returns.
type withStack struct {
	error
	*fakePkgStack
}

func (w *withStack) Unwrap() error { return w.error }

type withMessage struct {
	cause error
	msg   string
}

func (w *withMessage) Error() string { return w.msg + ": " + w.cause.Error() }
func (w *withMessage) Unwrap() error { return w.cause }

func fakePkgNew(msg string) error { return &fundamental{msg: msg, fakePkgStack: fakePkgCallers()} }

func fakePkgWrap(err error, msg string) error {
	return &withStack{&withMessage{cause: err, msg: msg}, fakePkgCallers()}
}

// go-errors: *Error with Callers() []uintptr, recorded with
// runtime.Callers(2+skip, ...), wrapping an error.
type fakeGoError struct {
	Err   error
	stack []uintptr
}

func (e *fakeGoError) Error() string      { return e.Err.Error() }
func (e *fakeGoError) Unwrap() error      { return e.Err }
func (e *fakeGoError) Callers() []uintptr { return e.stack }

func fakeGoWrap(e any, skip int) *fakeGoError {
	var err error
	switch v := e.(type) {
	case error:
		err = v
	default:
		err = fmt.Errorf("%v", v)
	}
	var pcs [32]uintptr
	n := runtime.Callers(2+skip, pcs[:])
	return &fakeGoError{Err: err, stack: pcs[:n]}
}
