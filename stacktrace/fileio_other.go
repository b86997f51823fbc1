//go:build !unix

package stacktrace

// oNonblock is 0 where FIFOs don't block an open the same way; the stat
// before the open still keeps non-regular files out.
const oNonblock = 0
