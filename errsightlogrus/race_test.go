//go:build race

package errsightlogrus_test

const raceEnabled = true
