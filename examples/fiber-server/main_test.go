package main

import (
	"testing"

	"github.com/errsight/errsight-go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// fasthttp's process-wide Date header updater never ends: not ours.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"))
}

// TestSelftest runs the example's -selftest, so that CI (which runs every
// module's tests) builds and runs the example.
func TestSelftest(t *testing.T) {
	t.Setenv(errsight.EnvAPIKey, "")
	if err := run("", true); err != nil {
		t.Fatal(err)
	}
}
