//go:build !race

package errsighthttp_test

const raceEnabled = false
