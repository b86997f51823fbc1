package errsightchi_test

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// quietLogger gives chi's Recoverer a log entry that writes nowhere, so
// that it does not print the panics the tests cause.
var quietLogger = middleware.RequestLogger(quietFormatter{})

type quietFormatter struct{}

func (quietFormatter) NewLogEntry(*http.Request) middleware.LogEntry   { return quietFormatter{} }
func (quietFormatter) Write(int, int, http.Header, time.Duration, any) {}
func (quietFormatter) Panic(any, []byte)                               {}
