package main

import (
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// fasthttp's process-wide Date header updater never ends.
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
		// After Shutdown, fasthttp's idle-worker cleaner ends when its
		// current sleep (10 s) is over: stopped, not leaked.
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"))
}

// TestSelftest runs the example's -selftest, so that CI (which runs every
// module's tests) builds and runs the example.
func TestSelftest(t *testing.T) {
	t.Setenv(errsight.EnvAPIKey, "")
	if err := exampleapp.Run(service(), "", true); err != nil {
		t.Fatal(err)
	}
}
