package errsight

import (
	"regexp"
	"testing"
)

// TestVersion keeps Version in the shape RELEASING.md asks for (a semver
// without the "v", equal to the tag) and checks that the User-Agent and the
// events' context report it.
func TestVersion(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(Version) {
		t.Errorf("Version %q is not a semantic version without the v", Version)
	}
	if userAgent != "errsight-go/"+Version {
		t.Errorf("User-Agent %q", userAgent)
	}
	if c := clientContexts(Options{}); c[ContextSDKName] != "errsight-go" || c[ContextSDKVersion] != Version {
		t.Errorf("context %v", c)
	}
}
