package batcher

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind: a worker
// that Close did not stop, a Send that was never cancelled.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
