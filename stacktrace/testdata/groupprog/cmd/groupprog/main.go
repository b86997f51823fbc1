// Command groupprog prints what the ErrSight server would group three
// captured errors by. TestGroupingStable builds it in two directories, once
// with -trimpath, and requires identical output. Its go.mod is written by
// the test, which replaces the SDK with the working tree. It imports little
// beyond the SDK, so that building it with a cold cache stays quick.
package main

import (
	"fmt"

	"example.com/groupdep"
	"example.com/groupprog/internal/store"
	"github.com/errsight/errsight-go/stacktrace"
)

func main() {
	sym := stacktrace.NewSymbolizer(stacktrace.Options{})
	// An error captured where it is handled, in package main.
	err := store.Open("missing.db")
	describe(sym, "capture_in_main", err, capture())

	// An error that carries its creation stack, made in a method.
	s := &store.Store{}
	err = s.Load("orders")
	describe(sym, "origin_in_method", err, stacktrace.OriginPCs(err))

	// A panic in a method, called from a function literal that a
	// dependency's function literal calls.
	var pcs []uintptr
	r := func() (r any) {
		defer func() {
			if r = recover(); r != nil {
				pcs = capture()
			}
		}()
		groupdep.Wrap(func() { s.MustGet("customer") })()
		return nil
	}()
	describe(sym, "panic_through_dependency", r.(error), pcs)
}

func capture() []uintptr {
	pcs := make([]uintptr, 64)
	return pcs[:stacktrace.Callers(1, pcs)]
}

// describe prints one case: its class, its first in-app frame, and every
// frame, one line each.
func describe(sym *stacktrace.Symbolizer, name string, err error, pcs []uintptr) {
	frames, _ := sym.Frames(pcs)
	fmt.Printf("case %s\nclass %s\n", name, stacktrace.ErrorClass(err))
	for _, f := range frames {
		if f.InApp {
			fmt.Printf("first %s|%s\n", f.Filename, f.Function)
			break
		}
	}
	for _, f := range frames {
		fmt.Printf("frame %s:%d in %s in_app=%v\n", f.Filename, f.Lineno, f.Function, f.InApp)
	}
}
