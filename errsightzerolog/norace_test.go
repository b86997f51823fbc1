//go:build !race

package errsightzerolog_test

const raceEnabled = false
