package errsight

import "unicode/utf8"

// The server's limits (PROTOCOL.md): the SDK stays inside them itself, so
// that nothing is cut without the SDK knowing and saying so.
const (
	maxMessageChars      = 10000
	maxReleaseChars      = 120
	maxEnvironmentChars  = 120
	maxTags              = 30
	maxTagKeyChars       = 60
	maxTagValueChars     = 200
	maxMetadataKeys      = 50
	maxCrumbCategory     = 60
	maxCrumbMessage      = 500
	maxCrumbDataKeys     = 20
	maxUserIDChars       = 120
	maxUserEmailChars    = 200
	maxUserNameChars     = 120
	maxUserIPChars       = 64
	maxFingerprintParts  = 20
	maxFingerprintChars  = 200
	maxValueBytes        = 64 << 10 // one metadata value, encoded
	shrunkValueBytes     = 1 << 10  // one metadata value at shrink level 3
	shrunkMessageChars   = 1000
	truncationMarker     = "…[truncated]"
	truncationMarkerRune = 12 // utf8.RuneCountInString(truncationMarker)
)

// truncate cuts s to at most max characters (runes, as the server counts
// them), on a rune boundary, ending with a marker that says it was cut.
// Invalid UTF-8 is left to the JSON encoder, which replaces it.
func truncate(s string, max int) string {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	keep := max - truncationMarkerRune
	if keep <= 0 {
		return cutRunes(s, max)
	}
	return cutRunes(s, keep) + truncationMarker
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
