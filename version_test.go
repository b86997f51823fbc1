package errsight

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersion keeps Version in the shape RELEASING.md asks for (a semver
// without the "v", equal to the tag) and checks that the User-Agent and the
// events' context report it.
func TestVersion(t *testing.T) {
	assert.True(t, regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(Version), "Version %q is not a semantic version without the v", Version)
	assert.Equal(t, "errsight-go/"+Version, userAgent, "User-Agent %q", userAgent)
	c := clientContexts(Options{})
	require.EqualValues(t, "errsight-go", c[ContextSDKName], "context %v", c)
	assert.Equal(t, Version, c[ContextSDKVersion], "context %v", c)
}
