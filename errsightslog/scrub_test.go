package errsightslog_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsightslog"
)

// TestLoggedURLsAreScrubbed: a log line that quotes a URL with a token —
// as a breadcrumb, as an event's message, as an error attribute — reaches
// the server without the token, nor the password of its credentials.
func TestLoggedURLsAreScrubbed(t *testing.T) {
	s := newSink(t)
	ctx, _ := s.ctx()
	logger := slog.New(errsightslog.NewHandler(nil))
	// Made at run time, so that the source context sent with the event
	// cannot hold them either.
	secret := func(i int) string { return fmt.Sprintf("s%d-%d", i, i*7919) }

	logger.InfoContext(ctx, "calling https://api.example/v1?api_key="+secret(1)+"&page=2")
	err := errors.New(`Get "https://u:` + secret(2) + `@api.example/v1?token=` + secret(3) + `": EOF`)
	logger.ErrorContext(ctx, "sync failed: https://api.example/v1?sig="+secret(4), "err", err)

	ev := s.only(t)
	assert.Contains(t, ev.Message, `https://api.example/v1?sig=[Filtered] Get "https://api.example/v1?token=[Filtered]": EOF`)
	assert.Equal(t, `Get "https://api.example/v1?token=[Filtered]": EOF`, ev.Metadata["err"])
	require.NotEmpty(t, ev.Breadcrumbs)
	assert.Equal(t, "calling https://api.example/v1?api_key=[Filtered]&page=2", ev.Breadcrumbs[len(ev.Breadcrumbs)-1].Message)
	bodies := s.base.Bodies()
	for i := 1; i <= 4; i++ {
		assert.False(t, strings.Contains(bodies, secret(i)), "%s sent: %s", secret(i), bodies)
	}
}
