// Command crashy is the errsight package's crash test program: it sets
// errsight up, then fails in the way its argument names. The tests build
// it, point it at an errsighttest server through ERRSIGHT_API_KEY and
// ERRSIGHT_HOST, and look at what the server received, at its exit status
// and standard error, and at the monitor process it leaves (or not).
//
// Modes "monitor-..." start the crash monitor. Every mode but "recover" and
// "go" prints "ready <Init duration in µs>" on standard output once Init
// has returned, then waits for a line on standard input before it fails,
// so that the test can look at the monitor process while the program
// still runs.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	errsight "github.com/errsight/errsight-go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crashy MODE")
		os.Exit(64)
	}
	mode := os.Args[1]
	ctx := context.Background()
	// The global scope as it is at Init goes to the monitor.
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
		s.SetTag("app", "crashy")
		s.SetUser(errsight.User{ID: "u-7"})
	})
	start := time.Now()
	client, err := errsight.Init(errsight.Options{
		Environment:     "crashtest",
		Release:         "crashy@1.0.0",
		CrashMonitor:    strings.HasPrefix(mode, "monitor-"),
		ShutdownTimeout: 5 * time.Second,
		FlushInterval:   10 * time.Millisecond,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	took := time.Since(start)
	defer client.Close()

	switch mode {
	case "recover":
		recoverPanic(ctx)
	case "go":
		goPanic(ctx)
	}

	fmt.Printf("ready %d\n", took.Microseconds())
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(65)
	}
	switch mode {
	case "monitor-panic":
		go worker()
		time.Sleep(time.Minute) // the worker's panic ends the program first
	case "monitor-fatal":
		concurrentMapWrites()
	case "monitor-recover":
		recoverPanic(ctx)
	case "monitor-main-panic":
		// The deferred client.Close runs while this panic unwinds main,
		// before the runtime prints it: the monitor must still report it.
		panicInMain(&codeError{code: 42})
	case "monitor-clean", "clean":
		return
	case "monitor-exit":
		os.Exit(3)
	case "monitor-signal":
		awaitForwardedSignal()
	case "monitor-orphan":
		awaitOrphanReaped()
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(64)
	}
}

//go:noinline
func recoverPanic(ctx context.Context) {
	defer errsight.Recover(ctx)
	panicker()
}

//go:noinline
func panicker() {
	panic("recover boom")
}

func goPanic(ctx context.Context) {
	ctx = errsight.WithScope(ctx)
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("request", "r-1") })
	errsight.Go(ctx, func(ctx context.Context) {
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("job", "reindex") })
		reindex()
	})
	time.Sleep(time.Minute) // the goroutine's panic ends the program first
}

//go:noinline
func reindex() {
	panic(fmt.Errorf("reindex: %w", errors.ErrUnsupported))
}

//go:noinline
func worker() {
	panic("goroutine boom")
}

func concurrentMapWrites() {
	m := map[int]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeForever(m)
		}()
	}
	wg.Wait()
}

//go:noinline
func writeForever(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i
	}
}

type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprintf("code %d", e.code) }

//go:noinline
func panicInMain(err error) {
	panic(err)
}
