// Command gen records real Go crash outputs for the traceback parser's
// tests. For every case it runs itself in a child process that points
// runtime/debug.SetCrashOutput at a file and then crashes in one particular
// way; it saves what the crash monitor would read (NAME.crash.txt) and what
// the runtime printed on standard error (NAME.stderr.txt).
//
// Run it from the traceback package directory with go generate, or:
//
//	go run ./testdata/gen -out testdata
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

const caseEnv = "TRACEBACK_GEN_CASE"

// A crashCase crashes the process in one way. env is added to the child's
// environment (GOTRACEBACK...).
type crashCase struct {
	crash func()
	env   []string
}

var cases = map[string]crashCase{
	"panic_string":         {crash: func() { panicString("boom") }},
	"panic_goroutine":      {crash: panicInGoroutine},
	"nil_map_write":        {crash: nilMapWrite},
	"index_out_of_range":   {crash: indexOutOfRange},
	"nil_pointer":          {crash: nilPointer},
	"concurrent_map":       {crash: concurrentMapWrites},
	"panic_in_defer":       {crash: panicInDefer},
	"recovered_then_panic": {crash: recoveredThenPanic},
	"repanicked":           {crash: repanicked},
	"custom_error":         {crash: func() { panic(&codeError{Code: 42}) }},
	"custom_string_type":   {crash: func() { panic(state("broken")) }},
	"custom_struct":        {crash: func() { panic(point{1, 2}) }},
	"custom_int_type":      {crash: func() { panic(code(7)) }},
	"stringer":             {crash: func() { panic(named{"widget"}) }},
	"multiline_value":      {crash: func() { panic("first line\nsecond line\n\tindented") }},
	"long_value":           {crash: func() { panic(strings.Repeat("0123456789", 2000)) }},
	"panic_nil":            {crash: func() { panic(nil) }},
	"panic_error_panics":   {crash: func() { panic(badError{}) }},
	"deep_recursion":       {crash: func() { recurse(200) }},
	"generic_method":       {crash: func() { (&box[int]{}).explode() }},
	"deadlock":             {crash: deadlock},
	"goexit_deadlock":      {crash: runtime.Goexit},
	"stack_overflow":       {crash: func() { overflow(0) }},
	"sigquit":              {crash: sigquit},
	"all_goroutines":       {crash: allGoroutines, env: []string{"GOTRACEBACK=all"}},
	"traceback_system":     {crash: func() { panicString("system") }, env: []string{"GOTRACEBACK=system"}},
	"traceback_none":       {crash: func() { panicString("quiet") }, env: []string{"GOTRACEBACK=none"}},
	"traceback_crash":      {crash: panicInGoroutine, env: []string{"GOTRACEBACK=crash"}},
	"concurrent_map_system": {
		crash: concurrentMapWrites, env: []string{"GOTRACEBACK=system"},
	},
	"unlock_unlocked":  {crash: func() { var mu sync.Mutex; mu.Unlock() }},
	"runlock_unlocked": {crash: func() { var mu sync.RWMutex; mu.RUnlock() }},
	"closed_channel":   {crash: func() { c := make(chan int); close(c); close(c) }},
	"type_assertion":   {crash: func() { var v any = "s"; _ = v.(int) }},
}

func main() {
	if name := os.Getenv(caseEnv); name != "" {
		runCase(name)
		return
	}
	out := flag.String("out", "testdata", "directory to write NAME.crash.txt and NAME.stderr.txt to")
	only := flag.String("only", "", "comma-separated case names (default: all)")
	flag.Parse()
	names := make([]string, 0, len(cases))
	for name := range cases {
		if *only == "" || slices.Contains(strings.Split(*only, ","), name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		if err := record(exe, *out, name); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
	}
	if *only == "" {
		if err := truncated(*out); err != nil {
			log.Fatal(err)
		}
	}
}

// truncated saves a crash output cut off in the middle of a line, as a
// monitor that stopped reading would have it.
func truncated(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, "all_goroutines.crash.txt"))
	if err != nil {
		return err
	}
	cut := len(data) * 2 / 3
	for cut > 0 && data[cut-1] == '\n' {
		cut--
	}
	return os.WriteFile(filepath.Join(dir, "truncated.crash.txt"), data[:cut], 0o644)
}

func record(exe, dir, name string) error {
	crashFile := filepath.Join(dir, name+".crash.txt")
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), caseEnv+"="+name, "TRACEBACK_GEN_OUT="+crashFile)
	cmd.Env = append(cmd.Env, cases[name].env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("want a crash, got %v", err)
	}
	fmt.Printf("%-24s %v, %d bytes of stderr\n", name, exit.ProcessState, stderr.Len())
	return os.WriteFile(filepath.Join(dir, name+".stderr.txt"), stderr.Bytes(), 0o644)
}

func runCase(name string) {
	c, ok := cases[name]
	if !ok {
		log.Fatalf("unknown case %q", name)
	}
	f, err := os.Create(os.Getenv("TRACEBACK_GEN_OUT"))
	if err != nil {
		log.Fatal(err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		log.Fatal(err)
	}
	f.Close()
	c.crash()
	time.Sleep(time.Minute) // for cases that crash on another goroutine
}

//go:noinline
func panicString(s string) { panic(s) }

func panicInGoroutine() {
	go worker(0)
	time.Sleep(time.Minute) // the worker's panic ends the program first
}

//go:noinline
func worker(int) {
	panic("worker failed")
}

//go:noinline
func nilMapWrite() {
	var m map[string]int
	m["a"] = 1
}

//go:noinline
func indexOutOfRange() {
	s := []int{1, 2, 3}
	i := 5
	fmt.Println(s[i])
}

type node struct{ next *node }

//go:noinline
func nilPointer() {
	var n *node
	fmt.Println(n.next)
}

func concurrentMapWrites() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				m[i%64] = i
			}
		})
	}
	wg.Wait()
}

//go:noinline
func panicInDefer() {
	defer func() { panic("second") }()
	panic("first")
}

//go:noinline
func recoveredThenPanic() {
	defer func() {
		r := recover()
		panic(fmt.Sprintf("wrapped: %v", r))
	}()
	panic("first")
}

//go:noinline
func repanicked() {
	defer func() {
		r := recover()
		panic(r)
	}()
	panic(errors.New("repanic me"))
}

type codeError struct{ Code int }

func (e *codeError) Error() string { return fmt.Sprintf("code %d", e.Code) }

type state string
type code int
type point struct{ X, Y int }
type named struct{ name string }

func (n named) String() string { return "named " + n.name }

type badError struct{}

func (badError) Error() string { panic("Error method panicked") }

//go:noinline
func recurse(n int) {
	if n == 0 {
		panic("deep")
	}
	recurse(n - 1)
}

type box[T any] struct{ v T }

//go:noinline
func (b *box[T]) explode() { panic(fmt.Sprintf("box of %T", b.v)) }

func deadlock() {
	c := make(chan int)
	<-c
}

//go:noinline
func overflow(n int) int { return overflow(n+1) + 1 }

func sigquit() {
	go func() { select {} }()
	_ = syscall.Kill(os.Getpid(), syscall.SIGQUIT)
	time.Sleep(time.Minute)
}

func allGoroutines() {
	var mu sync.Mutex
	mu.Lock()
	block := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { <-block }()
	go func() { select {} }()
	go func() { mu.Lock() }()
	go func() { wg.Wait() }()
	go func() { time.Sleep(time.Hour) }()
	time.Sleep(50 * time.Millisecond)
	panicString("with company")
}
