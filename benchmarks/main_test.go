package benchmarks

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv(sinkEnv) != "" {
		runSink() // the loopback sink of target 1, in a process of its own
		return
	}
	// Neither SDK may pick up a real key or DSN from the environment: a
	// disabled client must be disabled, and nothing may leave the machine.
	for _, v := range []string{"ERRSIGHT_API_KEY", "ERRSIGHT_HOST", "ERRSIGHT_DEBUG", "SENTRY_DSN", "SENTRY_RELEASE", "SENTRY_ENVIRONMENT"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}
