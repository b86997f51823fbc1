//go:build !linux

package crashmonitor

import (
	"errors"
	"os"
)

// The PID-1 init exists only on Linux, where containers run programs as
// PID 1 of a PID namespace.

func adoptInit(string)        {}
func inheritedPipe() *os.File { return nil }

func useInit(*os.File, Config) (*monitor, error) {
	return nil, errors.New("no PID-1 init on this system")
}

// RunInit is for Linux only: it returns false elsewhere.
func RunInit(InitConfig) bool { return false }
