package testhub

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain also proves that New's cleanup stops the client's worker.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
