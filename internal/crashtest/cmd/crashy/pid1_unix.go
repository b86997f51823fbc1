//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// awaitForwardedSignal sends SIGTERM to the parent, the PID-1 init under
// test, which must forward it here: exit status 7 when it does, 8 when it
// does not within 10 s (a guard, not a measurement).
func awaitForwardedSignal() {
	got := make(chan os.Signal, 1)
	signal.Notify(got, syscall.SIGTERM)
	if err := syscall.Kill(os.Getppid(), syscall.SIGTERM); err != nil {
		fmt.Fprintln(os.Stderr, "crashy: kill:", err)
		os.Exit(9)
	}
	select {
	case <-got:
		fmt.Fprintln(os.Stderr, "crashy: got terminated")
		os.Exit(7)
	case <-time.After(10 * time.Second):
		fmt.Fprintln(os.Stderr, "crashy: the init did not forward SIGTERM")
		os.Exit(8)
	}
}

// awaitOrphanReaped starts a shell that leaves a short-lived orphan, which
// the kernel re-parents to PID 1: the init must reap it. A zombie still
// answers kill(pid, 0); a reaped process does not. Exit status 0 once the
// orphan is reaped, 8 if it is not within 10 s (a guard).
func awaitOrphanReaped() {
	out, err := exec.Command("/bin/sh", "-c", "sleep 0.05 & echo $!").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashy: sh:", err)
		os.Exit(9)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			fmt.Fprintln(os.Stderr, "crashy: orphan reaped")
			os.Exit(0)
		}
	}
	fmt.Fprintln(os.Stderr, "crashy: orphan", pid, "not reaped")
	os.Exit(8)
}
