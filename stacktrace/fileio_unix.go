//go:build unix

package stacktrace

import "syscall"

// oNonblock makes opening a FIFO return at once instead of waiting for a
// writer. It has no effect on regular files.
const oNonblock = syscall.O_NONBLOCK
