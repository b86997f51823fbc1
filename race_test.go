//go:build race

package errsight

const raceEnabled = true
