package errsight

import "github.com/errsight/errsight-go/internal/text"

// The server's limits (PROTOCOL.md): the SDK stays inside them itself, so
// that nothing is cut without the SDK knowing and saying so.
const (
	maxMessageChars     = 10000
	maxReleaseChars     = 120
	maxEnvironmentChars = 120
	maxTags             = 30
	maxTagKeyChars      = 60
	maxTagValueChars    = 200
	maxMetadataKeys     = 50
	maxCrumbCategory    = 60
	maxCrumbMessage     = 500
	maxCrumbDataKeys    = 20
	maxUserIDChars      = 120
	maxUserEmailChars   = 200
	maxUserNameChars    = 120
	maxUserIPChars      = 64
	maxFingerprintParts = 20
	maxFingerprintChars = 200
	maxValueBytes       = 64 << 10 // one metadata value, encoded
	shrunkValueBytes    = 1 << 10  // one metadata value at shrink level 3
	shrunkMessageChars  = 1000
	truncationMarker    = text.Marker
)

// truncate cuts s to at most max characters (runes, as the server counts
// them), ending with a marker that says it was cut.
func truncate(s string, max int) string { return text.Truncate(s, max) }
