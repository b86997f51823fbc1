package crashmonitor

import (
	"fmt"
	"io"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// fakeAppArg makes the test binary stand for an application's main (see
// TestMain), for the tests of who becomes a monitor.
const fakeAppArg = "fake-app"

// TestMain lets the test binary be started as a monitor (serveTest) or
// stand for an application that is not one: with ChildArg or fakeAppArg as
// its argument, it prints what its main would see and exits, instead of
// running the tests again.
func TestMain(m *testing.M) {
	Child(serveTest)
	if len(os.Args) == 2 && (os.Args[1] == ChildArg || os.Args[1] == fakeAppArg) {
		fmt.Printf("main ran; %s=%q\n", EnvMarker, os.Getenv(EnvMarker))
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// serveTest is the test monitor's work: it says it is ready on its
// standard error, then reads the pipe to the end. The exit status is 0 for
// a clean end, 3 for a crash, 1 for a bad header.
func serveTest(in io.Reader) int {
	fmt.Fprintln(os.Stderr, "monitor ready")
	c, err := Read(in)
	switch {
	case err != nil:
		return 1
	case c.Report != nil:
		return 3
	}
	return 0
}
