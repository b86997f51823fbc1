package transport

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind (a
// connection's read loop, a server handler).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
