// Package childtest runs a test's body in a child process: the test binary
// itself, re-run with only that test selected. A fatal runtime error
// (stack overflow, concurrent map writes) cannot be recovered and would kill
// the whole test binary, hiding every other result; in a child it fails the
// one test that found it.
package childtest

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// envChild names the test a child process runs the body of.
const envChild = "ERRSIGHT_CHILDTEST"

// timeout bounds a child: a hang is a failure too, not a stuck test run.
const timeout = 2 * time.Minute

// Run runs body in a child process and fails t when the child fails,
// crashes or hangs, with the child's output. In the child, it runs body.
func Run(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if os.Getenv(envChild) == t.Name() {
		body(t)
		return
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envChild+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("child process for %s failed (%v):\n%s", t.Name(), err, excerpt(string(out), 60))
	}
}

// excerpt keeps the first and last n lines of a child's output: a stack overflow's
// trace is thousands of lines long, and its head is what says why.
func excerpt(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= 2*n {
		return s
	}
	return strings.Join(lines[:n], "\n") + "\n...\n" + strings.Join(lines[len(lines)-n:], "\n")
}
