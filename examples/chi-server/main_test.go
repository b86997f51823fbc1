package main

import (
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/exampleapp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestSelftest runs the example's -selftest, so that CI (which runs every
// module's tests) builds and runs the example.
func TestSelftest(t *testing.T) {
	t.Setenv(errsight.EnvAPIKey, "")
	if err := exampleapp.Run(service(), "", true); err != nil {
		t.Fatal(err)
	}
}
