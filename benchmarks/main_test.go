package benchmarks

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// Neither SDK may pick up a real key or DSN from the environment: a
	// disabled client must be disabled, and nothing may leave the machine.
	for _, v := range []string{"ERRSIGHT_API_KEY", "ERRSIGHT_HOST", "ERRSIGHT_DEBUG", "SENTRY_DSN", "SENTRY_RELEASE", "SENTRY_ENVIRONMENT"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}
