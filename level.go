package errsight

import (
	"fmt"
	"strings"
)

// Level is an event's severity. Levels are ordered: LevelDebug < LevelInfo <
// LevelWarning < LevelError < LevelFatal.
//
// The zero Level means "unset": in [Options.MinLevel] it selects the default
// (LevelWarning), in a [Breadcrumb] LevelInfo, and in an [Event] the default
// of the capture function. That is why LevelDebug is not the zero value:
// setting it explicitly must mean debug.
type Level int8

// The levels the ErrSight server knows.
const (
	LevelDebug Level = iota + 1
	LevelInfo
	LevelWarning
	LevelError
	LevelFatal
)

var levelNames = [...]string{"debug", "info", "warning", "error", "fatal"}

// String returns the level's wire name: debug, info, warning, error or fatal.
// An out-of-range level prints as "Level(N)".
func (l Level) String() string {
	if l.valid() {
		return levelNames[l-1]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

func (l Level) valid() bool { return l >= LevelDebug && l <= LevelFatal }

// wire is the name sent to the server; an out-of-range level clamps to the
// nearest valid one rather than becoming the server's "info" fallback.
func (l Level) wire() string {
	switch {
	case l < LevelDebug:
		return levelNames[0]
	case l > LevelFatal:
		return levelNames[len(levelNames)-1]
	}
	return levelNames[l-1]
}

// MarshalText encodes the level as its wire name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.wire()), nil }

// UnmarshalText decodes a level name as ParseLevel does.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseLevel parses a level name, case-insensitively and ignoring surrounding
// space. It accepts the wire names and the common aliases "warn", "err",
// "critical" and "panic".
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug", "trace":
		return LevelDebug, nil
	case "info", "information":
		return LevelInfo, nil
	case "warning", "warn":
		return LevelWarning, nil
	case "error", "err":
		return LevelError, nil
	case "fatal", "critical", "panic":
		return LevelFatal, nil
	}
	return 0, fmt.Errorf("errsight: unknown level %q", s)
}
