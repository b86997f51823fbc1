// Package groupdep is a dependency of groupprog, replaced by a directory.
// Wrap is small enough to be inlined, and its function literal is then
// named after the caller ("main.main.Wrap.func2").
package groupdep

// Wrap returns a function that calls next.
func Wrap(next func()) func() {
	return func() { next() }
}
