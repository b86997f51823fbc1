// Package store fails in the ways groupprog reports.
package store

import (
	"fmt"
	"os"
	"runtime"
)

// NotFoundError is an application error type.
type NotFoundError struct{ Key string }

func (e *NotFoundError) Error() string { return "not found: " + e.Key }

// withStack carries its creation stack, as pkg/errors' errors do; named
// like theirs, ErrorClass looks through it.
type withStack struct {
	err error
	pcs []uintptr
}

func (e *withStack) Error() string         { return e.err.Error() }
func (e *withStack) Unwrap() error         { return e.err }
func (e *withStack) StackTrace() []uintptr { return e.pcs }

func newWithStack(err error) error {
	pcs := make([]uintptr, 32)
	return &withStack{err: err, pcs: pcs[:runtime.Callers(2, pcs)]}
}

// Open fails with a *fs.PathError for a missing file.
func Open(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	return f.Close()
}

// Store is an empty store.
type Store struct{}

// Load fails with a stack-carrying *NotFoundError.
func (s *Store) Load(key string) error {
	return newWithStack(&NotFoundError{Key: key})
}

// MustGet panics with a *NotFoundError.
func (s *Store) MustGet(key string) {
	panic(&NotFoundError{Key: key})
}
