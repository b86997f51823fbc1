package crashmonitor

import (
	"errors"
	"io"
	"os"
)

// The PID-1 init exists only on Linux, where containers run programs as
// PID 1 of a PID namespace.

func adoptInit(string)        {}
func inheritedPipe() *os.File { return nil }

func useInit(*os.File, Config) (*monitor, error) {
	return nil, errors.New("no PID-1 init on this system")
}

// InitConfig is what RunInit needs of the SDK.
type InitConfig struct {
	// Serve reads the application's pipe and reports its crash, if any;
	// its result is ignored.
	Serve func(in io.Reader) int
	// Logf writes one debug line; nil means none.
	Logf func(format string, args ...any)
}

// RunInit is for Linux only: it returns false elsewhere.
func RunInit(InitConfig) bool { return false }
