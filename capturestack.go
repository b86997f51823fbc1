package errsight

// A capture with a stack holds its program counters in the same allocation
// as the record: one allocation per capture, sized to the stack. The record
// types below differ only in the room they have; newCaptureWithStack picks
// the smallest that fits.

type captureStack8 struct {
	capture
	buf [8]uintptr
}

type captureStack16 struct {
	capture
	buf [16]uintptr
}

type captureStack24 struct {
	capture
	buf [24]uintptr
}

type captureStack32 struct {
	capture
	buf [32]uintptr
}

type captureStack48 struct {
	capture
	buf [48]uintptr
}

type captureStack64 struct {
	capture
	buf [stackDepth]uintptr
}

// newCaptureWithStack returns a new record holding a copy of pcs (at most
// stackDepth of them; nil for none).
func newCaptureWithStack(pcs []uintptr) *capture {
	pcs = pcs[:min(len(pcs), stackDepth)]
	var r *capture
	var buf []uintptr
	switch n := len(pcs); {
	case n == 0:
		return &capture{}
	case n <= 8:
		x := &captureStack8{}
		r, buf = &x.capture, x.buf[:]
	case n <= 16:
		x := &captureStack16{}
		r, buf = &x.capture, x.buf[:]
	case n <= 24:
		x := &captureStack24{}
		r, buf = &x.capture, x.buf[:]
	case n <= 32:
		x := &captureStack32{}
		r, buf = &x.capture, x.buf[:]
	case n <= 48:
		x := &captureStack48{}
		r, buf = &x.capture, x.buf[:]
	default:
		x := &captureStack64{}
		r, buf = &x.capture, x.buf[:]
	}
	n := copy(buf, pcs)
	r.pcs = buf[:n:n] // no append may write into the rest of the room

	return r
}
