//go:build race

package errsightslog_test

const raceEnabled = true
