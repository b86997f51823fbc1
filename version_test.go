package errsight

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVersion keeps Version in the shape RELEASING.md asks for (a semver
// without the "v", equal to the tag) and checks that the User-Agent and the
// events' context report it.
func TestVersion(t *testing.T) {
	assert.True(t, regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(Version), "Version %q is not a semantic version without the v", Version)
	assert.Equal(t, "errsight-go/"+Version, userAgent, "User-Agent %q", userAgent)
	if c := clientContexts(Options{}); c[ContextSDKName] != "errsight-go" || c[ContextSDKVersion] != Version {
		t.Errorf("context %v", c)
	}
}
