//go:build race

package errsighthttp_test

const raceEnabled = true
