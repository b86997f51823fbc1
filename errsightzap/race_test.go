//go:build race

package errsightzap_test

const raceEnabled = true
