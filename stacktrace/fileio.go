package stacktrace

import (
	"errors"
	"io/fs"
	"os"
	"sync/atomic"
	"time"
)

// The symbolizer reads source files and go.mod files at paths taken from
// the binary: paths of the machine that built it. Whatever sits there now
// may block the reader: a FIFO blocks open until a writer comes, a device
// may never end, a hung network mount blocks even stat. The worker that
// symbolises must never wait on that, so file access goes through here.

// fileTimeout bounds one file access (stat, open and read). A source file
// that takes longer is treated as missing: source context is a nicety.
const fileTimeout = 500 * time.Millisecond

// stuckReaders counts the accesses that outlived fileTimeout and are still
// blocked in a system call. While one is, no other access starts, so a
// hung file system leaves at most a goroutine per concurrent caller
// behind, each ending when its system call returns.
var stuckReaders atomic.Int32

var (
	errNotRegular = errors.New("not a regular file")
	errFileSlow   = errors.New("file access took too long")
)

// openRegular opens name for reading only if it is a regular file. It
// checks before opening (a FIFO would block the open itself), opens
// without blocking (in case the path changed in between), and checks the
// opened file again.
func openRegular(name string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, errNotRegular
	}
	f, err := os.OpenFile(name, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err = f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = errNotRegular
		}
		return nil, nil, err
	}
	return f, st, nil
}

// bounded runs access on a goroutine of its own and waits at most
// fileTimeout for it. It returns errFileSlow, without waiting any longer,
// when access did not finish in time or when an earlier one is still
// stuck; access's results must then be ignored.
func bounded(access func() error) error {
	if stuckReaders.Load() > 0 {
		return errFileSlow
	}
	const (
		running = iota
		finished
		abandoned
	)
	var state atomic.Int32
	done := make(chan error, 1)
	go func() { // ends when access returns, however long its system calls take
		err := access()
		if !state.CompareAndSwap(running, finished) {
			stuckReaders.Add(-1) // abandoned: no longer stuck
		}
		done <- err
	}()
	t := time.NewTimer(fileTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		if state.CompareAndSwap(running, abandoned) {
			stuckReaders.Add(1)
			return errFileSlow
		}
		return <-done // it finished just now
	}
}
