package transport_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/errsight/errsight-go/transport"
)

func ExampleHTTP_Send() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()

	h, err := transport.NewHTTP(transport.HTTPOptions{Host: srv.URL, APIKey: "elp_example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.CloseIdleConnections()
	out := h.Send(context.Background(), []byte(`[{"message":"boom","level":"error"}]`))
	fmt.Println(out.Kind, out.Status, out.RetryAfter)
	// Output: rate_limited 429 30s
}

func ExampleParseRetryAfter() {
	fmt.Println(transport.ParseRetryAfter("120", time.Time{}))
	fmt.Println(transport.ParseRetryAfter("0", time.Time{}))
	fmt.Println(transport.ParseRetryAfter("soon", time.Time{}))
	// Output:
	// 2m0s true
	// 0s true
	// 0s false
}
