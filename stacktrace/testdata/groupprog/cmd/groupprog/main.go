// Command groupprog prints, as JSON, what the ErrSight server would group
// three captured errors by. TestGroupingStable builds it in two directories,
// once with -trimpath, and requires identical output. Its go.mod is written
// by the test, which replaces the SDK with the working tree.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"example.com/groupdep"
	"example.com/groupprog/internal/store"
	"github.com/errsight/errsight-go/stacktrace"
)

type report struct {
	Case     string   `json:"case"`
	Class    string   `json:"class"`
	Filename string   `json:"filename"`
	Function string   `json:"function"`
	Key      string   `json:"key"`
	Frames   []string `json:"frames"`
}

func main() {
	sym := stacktrace.NewSymbolizer(stacktrace.Options{})
	var out []report

	// An error captured where it is handled, in package main.
	err := store.Open("missing.db")
	out = append(out, describe(sym, "capture_in_main", err, capture()))

	// An error that carries its creation stack, made in a method.
	s := &store.Store{}
	err = s.Load("orders")
	out = append(out, describe(sym, "origin_in_method", err, stacktrace.OriginPCs(err)))

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
	out = append(out, describe(sym, "panic_through_dependency", r.(error), pcs))

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func capture() []uintptr {
	pcs := make([]uintptr, 64)
	return pcs[:stacktrace.Callers(1, pcs)]
}

func describe(sym *stacktrace.Symbolizer, name string, err error, pcs []uintptr) report {
	frames, _ := sym.Frames(pcs)
	r := report{Case: name, Class: stacktrace.ErrorClass(err)}
	for _, f := range frames {
		if f.InApp && r.Filename == "" {
			r.Filename, r.Function = f.Filename, f.Function
		}
		r.Frames = append(r.Frames, fmt.Sprintf("%s:%d in %s in_app=%v", f.Filename, f.Lineno, f.Function, f.InApp))
	}
	sum := sha256.Sum256([]byte("v2|" + r.Class + "|" + r.Filename + "|" + r.Function))
	r.Key = hex.EncodeToString(sum[:])
	return r
}
