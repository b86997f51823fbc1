package errsighthttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
)

func panickingHandler(w http.ResponseWriter, r *http.Request) {
	panic("boom")
}

// outcome is what a client and the server's error log see of one request.
type outcome struct {
	status int
	body   string
	err    string // the client's error, with the server's URL replaced
	log    string // the server's error log
}

func run(t *testing.T, s *sink, h http.Handler, path string) outcome {
	t.Helper()
	ts, errLog := s.serve(t, h)
	status, body, err := get(t, freshClient(ts), ts.URL+path, nil)
	var o outcome
	o.status, o.body = status, body
	if err != nil {
		o.err = strings.ReplaceAll(err.Error(), ts.URL, "URL")
	}
	ts.Close() // waits for the handler, so the log is complete
	o.log = errLog.String()
	return o
}

// firstLine is the log's first line without the client's address.
func firstLine(log string) string {
	line, _, _ := strings.Cut(log, "\n")
	if i := strings.Index(line, "127.0.0.1:"); i >= 0 {
		if j := strings.Index(line[i:], ": "); j >= 0 {
			line = line[:i] + "ADDR" + line[i+j:]
		}
	}
	return line
}

func TestPanicIsReportedThenRepanicked(t *testing.T) {
	s := newSink(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic/{n}", panickingHandler)

	bare := run(t, s, mux, "/panic/1")
	wrapped := run(t, s, errsighthttp.Middleware(errsighthttp.Options{})(mux), "/panic/1")

	// net/http's own behaviour is unchanged: same client error, same log.
	require.NotEmpty(t, bare.err, "client error with middleware %q, without %q", wrapped.err, bare.err)
	assert.Equal(t, bare.err, wrapped.err, "client error with middleware %q, without %q", wrapped.err, bare.err)
	want := "http: panic serving ADDR: boom"
	require.Equal(t, want, firstLine(bare.log), "server log first line with middleware %q, without %q, want %q", firstLine(wrapped.log), firstLine(bare.log), want)
	assert.Equal(t, want, firstLine(wrapped.log), "server log first line with middleware %q, without %q, want %q", firstLine(wrapped.log), firstLine(bare.log), want)
	// The re-panic happens on top of the original panic's frames, so the
	// logged stack still shows where it came from.
	assert.Contains(t, wrapped.log, "panickingHandler", "server log lost the panicking frame:\n%s", wrapped.log)

	events := s.events(t)
	require.Len(t, events, 1, "got %d events, want 1 (only the wrapped server reports)", len(events))
	ev := events[0]
	require.EqualValues(t, "fatal", ev.Level, "event = %s %q", ev.Level, ev.Message)
	assert.EqualValues(t, "panic: boom", ev.Message, "event = %s %q", ev.Level, ev.Message)
	rd := requestData(ev)
	require.EqualValues(t, "/panic/1", rd["path"], "request data = %v", rd)
	assert.EqualValues(t, "GET /panic/{n}", rd["route"], "request data = %v", rd)
	frames := ev.ExceptionFrames()
	require.NotZero(t, len(frames), "first frame = %+v, want the panicking handler", frames)
	assert.Contains(t, frames[0].Function, "panickingHandler", "first frame = %+v, want the panicking handler", frames)
}

func TestErrAbortHandlerIsNeverReported(t *testing.T) {
	abort := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	for _, opts := range []errsighthttp.Options{{}, {RecoverWith500: true}} {
		s := newSink(t)
		bare := run(t, s, abort, "/")
		wrapped := run(t, s, errsighthttp.Middleware(opts)(abort), "/")
		require.NotEmpty(t, bare.err, "%+v: client saw %d %q with middleware, %q without", opts, wrapped.status, wrapped.err, bare.err)
		require.Equal(t, bare.err, wrapped.err, "%+v: client saw %d %q with middleware, %q without", opts, wrapped.status, wrapped.err, bare.err)
		assert.Zero(t, wrapped.status, "%+v: client saw %d %q with middleware, %q without", opts, wrapped.status, wrapped.err, bare.err)
		require.Empty(t, bare.log, "%+v: server logged %q with middleware, %q without", opts, wrapped.log, bare.log)
		assert.Empty(t, wrapped.log, "%+v: server logged %q with middleware, %q without", opts, wrapped.log, bare.log)
		events := s.events(t)
		assert.Empty(t, events, "%+v: ErrAbortHandler reported", opts)
	}
}

func TestRecoverWith500(t *testing.T) {
	t.Run("nothing written", func(t *testing.T) {
		s := newSink(t)
		h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true})(http.HandlerFunc(panickingHandler))
		o := run(t, s, h, "/")
		require.Empty(t, o.err, "client saw %d %q %q", o.status, o.body, o.err)
		require.Equal(t, http.StatusInternalServerError, o.status, "client saw %d %q %q", o.status, o.body, o.err)
		assert.EqualValues(t, "Internal Server Error\n", o.body, "client saw %d %q %q", o.status, o.body, o.err)
		assert.Empty(t, o.log, "server logged %q", o.log)
		events := s.events(t)
		require.Len(t, events, 1, "got %d events, want one fatal", len(events))
		assert.EqualValues(t, "fatal", events[0].Level, "got %d events, want one fatal", len(events))
	})
	t.Run("response begun", func(t *testing.T) {
		s := newSink(t)
		h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic("midway")
		}))
		o := run(t, s, h, "/")
		// The status is gone: the connection is cut so the client sees a
		// truncated body, not a complete 200, and net/http logs nothing.
		require.Equal(t, http.StatusOK, o.status, "client saw %d %q %q", o.status, o.body, o.err)
		require.EqualValues(t, "partial", o.body, "client saw %d %q %q", o.status, o.body, o.err)
		assert.Contains(t, o.err, "unexpected EOF", "client saw %d %q %q", o.status, o.body, o.err)
		assert.Empty(t, o.log, "server logged %q", o.log)
		events := s.events(t)
		require.Len(t, events, 1, "got %d events, want the panic", len(events))
		assert.EqualValues(t, "panic: midway", events[0].Message, "got %d events, want the panic", len(events))
	})
}

func TestFlushTimeoutDeliversBeforeAnswering(t *testing.T) {
	s := newSink(t)
	h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true, FlushTimeout: 10 * time.Second})(http.HandlerFunc(panickingHandler))
	ts, _ := s.serve(t, h)
	status, _, _ := get(t, ts.Client(), ts.URL, nil)
	require.Equal(t, http.StatusInternalServerError, status)
	// No Flush here: the middleware waited for delivery before answering.
	n := len(s.srv.Events())
	assert.EqualValues(t, 1, n, "the server had %d events when the response arrived, want 1", n)
}

func TestGoexitIsNotAPanic(t *testing.T) {
	s := newSink(t)
	h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.Goexit()
	}))
	rec := httptest.NewRecorder()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(errsight.ContextWithHub(context.Background(), s.hub)))
	}()
	wg.Wait()
	require.Equal(t, http.StatusOK, rec.Code, "Goexit answered %d %q", rec.Code, rec.Body)
	assert.Zero(t, rec.Body.Len(), "Goexit answered %d %q", rec.Code, rec.Body)
	events := s.events(t)
	assert.Empty(t, events, "Goexit reported")
}

// The status-observing wrapper (RecoverWith500, CaptureServerErrors) keeps
// the ResponseWriter's optional interfaces working.
func TestWrappedWriterKeepsInterfaces(t *testing.T) {
	s := newSink(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		assert.NoError(t, rc.SetWriteDeadline(time.Now().Add(time.Minute)), "SetWriteDeadline through the wrapper")
		_, _ = io.Copy(w, strings.NewReader("copied;")) // ReadFrom
		assert.NoError(t, rc.Flush(), "Flush")
		w.(http.Flusher).Flush()
	})
	mux.HandleFunc("GET /hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if !assert.NoError(t, err, "Hijack") { // a handler goroutine: no require
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		_ = brw.Flush()
		panic("after hijack") // RecoverWith500 must not write to a hijacked connection
	})
	hijackDone := make(chan struct{})
	h := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true, CaptureServerErrors: true})(mux)
	ts, errLog := s.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hijack" {
			// httptest.Server.Close does not wait for hijacked connections.
			defer close(hijackDone)
		}
		h.ServeHTTP(w, r)
	}))
	status, body, err := get(t, ts.Client(), ts.URL+"/stream", nil)
	require.NoError(t, err, "stream: %d %q %v", status, body, err)
	require.EqualValues(t, 200, status, "stream: %d %q %v", status, body, err)
	assert.EqualValues(t, "copied;", body, "stream: %d %q %v", status, body, err)
	status, body, err = get(t, freshClient(ts), ts.URL+"/hijack", nil)
	require.NoError(t, err, "hijack")
	assert.Equal(t, 200, status, "hijack")
	assert.Equal(t, "hijacked", body, "hijack")
	<-hijackDone
	ts.Close()
	assert.NotContains(t, errLog.String(), "hijacked connection", "wrote to a hijacked connection: %s", errLog)
	events := s.events(t)
	require.Len(t, events, 1, "got %d events, want the hijack panic", len(events))
	assert.EqualValues(t, "panic: after hijack", events[0].Message, "got %d events, want the hijack panic", len(events))
}
