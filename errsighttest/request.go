package errsighttest

import (
	"bytes"
	"net/http"
	"time"
)

// Request is one HTTP request the [Server] received, on any path and with
// any method. It is a deep copy owned by its receiver.
type Request struct {
	Method string
	// Path is the request URL's path (without the query).
	Path string
	// Header is a clone of the request headers (Go canonical keys;
	// Content-Length and Host are not among them: see ContentLength).
	Header http.Header
	// ContentLength is the declared Content-Length, or -1 when unknown
	// (chunked).
	ContentLength int64
	// Body is the request body as received. A body larger than 16 MiB is
	// not read (the request is answered 413 and its connection closed), so
	// Body is then empty.
	Body []byte
	// Status is the status code answered. It is 0 while the request is
	// being served, and stays 0 when no answer was written: a Hang or
	// CloseConnection fault, a client that went away, or Close.
	Status int
	// Events is the number of event objects in the body when it parsed as
	// a valid ingestion payload, else 0. It is the number accepted when
	// Status is 202 and Faulted is false.
	Events int
	// Faulted reports whether a Fault decided the answer.
	Faulted bool
	// Received is when the request arrived.
	Received time.Time
}

func (r *Request) clone() Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	return c
}
