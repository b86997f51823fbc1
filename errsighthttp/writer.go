package errsighthttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// responseWriter observes the status a handler answers with, for
// Options.RecoverWith500 (was anything written?) and
// Options.CaptureServerErrors (was it a 5xx?). The middleware uses it only
// when one of those options needs it, so that the default leaves the
// ResponseWriter untouched.
//
// Optional interfaces keep working: Flush, Hijack and ReadFrom are passed
// through, and Unwrap lets http.ResponseController reach everything else
// (deadlines, full duplex).
type responseWriter struct {
	http.ResponseWriter
	status   int  // the final status written, 0 before
	hijacked bool // the connection was taken over
}

var (
	_ http.Flusher  = (*responseWriter)(nil)
	_ http.Hijacker = (*responseWriter)(nil)
	_ io.ReaderFrom = (*responseWriter)(nil)
)

// WriteHeader records the first final status. Informational answers (1xx
// except 101 Switching Protocols) may precede it and are not final.
func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write sends the body; the first write implies a 200 status.
func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is buffered, which commits the headers (200 if none were
// written). A writer that cannot flush ignores it, as http.Flusher allows
// no error.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack takes over the connection when the underlying writer supports it
// (HTTP/1.x); otherwise it returns an error wrapping http.ErrNotSupported.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, brw, err
}

// ReadFrom keeps net/http's sendfile path (io.Copy to the ResponseWriter)
// available through the wrapper.
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, src)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// written reports whether the response has begun: a status or body byte
// went out, or the connection is no longer ours.
func (w *responseWriter) written() bool { return w.status != 0 || w.hijacked }

// writerOnly hides a writer's ReadFrom, so io.Copy cannot loop back into it.
type writerOnly struct{ io.Writer }
