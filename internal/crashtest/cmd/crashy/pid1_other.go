//go:build !unix

package main

import (
	"fmt"
	"os"
)

// The PID-1 modes test the crash monitor's init, which exists on Linux.

func awaitForwardedSignal() { unsupported() }
func awaitOrphanReaped()    { unsupported() }

func unsupported() {
	fmt.Fprintln(os.Stderr, "crashy: this mode needs a Unix system")
	os.Exit(64)
}
