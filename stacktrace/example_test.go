package stacktrace_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/errsight/errsight-go/stacktrace"
)

func ExampleCallers() {
	sym := stacktrace.NewSymbolizer(stacktrace.Options{ContextLines: -1})

	// Capture cheaply where the error is handled...
	pcs := make([]uintptr, 64)
	func() {
		pcs = pcs[:stacktrace.Callers(0, pcs)]
	}()

	// ...and symbolise later, on another goroutine if need be.
	frames, omitted := sym.Frames(pcs)
	f := frames[0]
	fmt.Println(f.Filename, f.Function, f.InApp, omitted)
	// Output: stacktrace/example_test.go ExampleCallers.func true 0
}

func ExampleSplitFunction() {
	for _, name := range []string{
		"github.com/acme/app/internal/db.(*DB).Query",
		"gopkg.in/yaml%2ev3.(*decoder).unmarshal",
		"main.main.func1.2",
		"main.main.Logging.func3",
		"example.com/lib.Map[go.shape.int]",
		"main.(*Server).handle-fm",
	} {
		pkg, fn := stacktrace.SplitFunction(name)
		fmt.Printf("%-32s %s\n", pkg, fn)
	}
	// Output:
	// github.com/acme/app/internal/db  (*DB).Query
	// gopkg.in/yaml.v3                 (*decoder).unmarshal
	// main                             main.func
	// main                             Logging.func
	// example.com/lib                  Map[...]
	// main                             (*Server).handle
}

func ExampleErrorClass() {
	var err error = &fs.PathError{Op: "open", Path: "config.yaml", Err: fs.ErrNotExist}
	err = fmt.Errorf("load config: %w", err)
	fmt.Println(stacktrace.ErrorClass(err))
	fmt.Println(stacktrace.ErrorClass(errors.Join(errors.New("a"), errors.New("b"))))
	// Output:
	// *fs.PathError
	// *errors.errorString
}

func ExampleErrorMessage() {
	var nilErr *os.PathError
	fmt.Println(stacktrace.ErrorMessage(nilErr))
	fmt.Println(stacktrace.ErrorMessage(fmt.Errorf("save: %w", os.ErrPermission)))
	// Output:
	// <nil>
	// save: permission denied
}

func ExampleSymbolizer_Causes() {
	sym := stacktrace.NewSymbolizer(stacktrace.Options{})
	var err error = &fs.PathError{Op: "open", Path: "config.yaml", Err: fs.ErrNotExist}
	err = fmt.Errorf("start: %w", fmt.Errorf("load config: %w", err))
	for _, c := range sym.Causes(err, 5) {
		fmt.Printf("%s: %s\n", c.Class, c.Message)
	}
	// Output:
	// *fmt.wrapError: load config: open config.yaml: file does not exist
	// *fs.PathError: open config.yaml: file does not exist
	// *errors.errorString: file does not exist
}

func ExampleBacktrace() {
	lines := stacktrace.Backtrace([]stacktrace.Frame{
		{Filename: "internal/db/query.go", Lineno: 42, Function: "(*DB).Query"},
		{Filename: "cmd/server/main.go", Lineno: 17, Function: "main"},
	})
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// internal/db/query.go:42 in (*DB).Query
	// cmd/server/main.go:17 in main
}
