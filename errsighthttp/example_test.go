package errsighthttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsighttest"
)

func ExampleMiddleware() {
	// An in-process ErrSight API stands in for errsight.com.
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, err := errsight.Init(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		// r.Context() carries this request's own hub.
		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: "u-42"})
		})
		errsight.CaptureError(r.Context(), errors.New("order not found"))
		http.Error(w, "not found", http.StatusNotFound)
	})
	handler := errsighthttp.Middleware(errsighthttp.Options{})(mux)

	// A real program serves it: http.ListenAndServe(":8080", handler).
	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/orders/7?token=abc&page=2", nil))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message, "user", ev.User.ID)
	fmt.Println("route:", ev.Tags["route"])
	request := ev.Metadata["request"].(map[string]any)
	fmt.Println(request["url"], request["query"])
	// Output:
	// error order not found user u-42
	// route: GET /orders/{id}
	// http://example.com/orders/7 token=[Filtered]&page=2
}

func ExampleOptions() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()

	// RecoverWith500 answers 500 after reporting a panic, instead of letting
	// net/http close the connection.
	handler := errsighthttp.Middleware(errsighthttp.Options{RecoverWith500: true})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			parts := strings.Split(r.URL.Path, "/")
			_ = parts[3] // index out of range
		}))

	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/checkout", nil)
	// Without errsight.Init, hand the middleware a parent hub in the context.
	r = r.WithContext(errsight.ContextWithHub(r.Context(), errsight.NewHub(client, nil)))
	handler.ServeHTTP(rec, r)
	fmt.Println("status:", rec.Code)

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Level, ev.Message)
	// Output:
	// status: 500
	// fatal panic: runtime error: index out of range [3] with length 2
}

func ExampleNewTransport() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such sku", http.StatusNotFound)
	}))
	defer upstream.Close()

	// Outbound requests made with ctx become breadcrumbs on its hub.
	httpClient := &http.Client{Transport: errsighthttp.NewTransport(nil)}
	defer httpClient.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, "GET", upstream.URL+"/stock?sku=9&api_key=abc", nil)
	if resp, err := httpClient.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	errsight.CaptureMessage(ctx, "stock lookup failed", errsight.LevelError)
	_ = client.Flush(context.Background())
	crumb := srv.Events()[0].Breadcrumbs[0]
	fmt.Println(crumb.Category, crumb.Level, crumb.Data["status_code"])
	fmt.Println(crumb.Data["url"] == upstream.URL+"/stock?sku=9&api_key=[Filtered]")
	// Output:
	// http warning 404
	// true
}
