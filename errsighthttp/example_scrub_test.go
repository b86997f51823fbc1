package errsighthttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsighttest"
)

func ExampleIsSensitiveName() {
	for _, name := range []string{"api_key", "apiKey", "x-api-key", "monkey", "PHPSESSID", "X-Amz-Signature", "design", "code", "country_code"} {
		fmt.Println(name, errsighthttp.IsSensitiveName(name))
	}
	// Output:
	// api_key true
	// apiKey true
	// x-api-key true
	// monkey false
	// PHPSESSID true
	// X-Amz-Signature true
	// design false
	// code true
	// country_code false
}

func ExampleScrubQuery() {
	fmt.Println(errsighthttp.ScrubQuery("page=2&access_token=abc&pwd=hunter2"))
	// Output: page=2&access_token=[Filtered]&pwd=[Filtered]
}

func ExampleScrubURL() {
	fmt.Println(errsighthttp.ScrubURL("https://user:pw@bucket.example/o?X-Amz-Signature=abc&X-Amz-Date=20260101#top"))
	// Output: https://bucket.example/o?X-Amz-Signature=[Filtered]&X-Amz-Date=20260101
}

func ExampleSensitiveNames() {
	// The application's own secret parameters, on top of the defaults.
	names := errsighthttp.SensitiveNames{"customer_ref"}
	fmt.Println(names.ScrubQuery("customerRef=c-42&token=t&page=1"))
	fmt.Println(names.Match("X-Customer-Ref"), names.Match("customer"))

	// The same names for the middleware and for outbound breadcrumbs.
	opts := errsighthttp.Options{SensitiveNames: names}
	_ = errsighthttp.Middleware(opts)
	_ = &http.Client{Transport: errsighthttp.NewTransportWithOptions(nil, opts)}
	// Output:
	// customerRef=[Filtered]&token=[Filtered]&page=1
	// true false
}

func ExampleNewRequestData() {
	r := httptest.NewRequest("GET", "https://shop.example/orders/42?page=2&session_id=abc", nil)
	r.Header.Set("Authorization", "Bearer never-reported")
	r.Header.Set("User-Agent", "example")
	rd := errsighthttp.NewRequestData(r, nil)
	fmt.Println(rd.Method, rd.URL, rd.Query, rd.Headers)
	// Output: GET https://shop.example/orders/42 page=2&session_id=[Filtered] map[User-Agent:example]
}

// A router integration keeps a Request per request: the hub to pass down,
// the route once known, and the panic to report.
func ExampleStartRequest() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	opts := &errsighthttp.Options{}
	serve := func(w http.ResponseWriter, r *http.Request) {
		rq := errsighthttp.StartRequest(r, opts)
		r = r.WithContext(errsight.ContextWithHub(r.Context(), rq.Hub))
		rq.SetRoute("/orders/{id}") // as soon as the router knows it
		defer func() {
			if v := recover(); v != nil {
				rq.ReportPanic(v)
				panic(v)
			}
		}()
		errsight.CaptureMessage(r.Context(), "carries this request's data", errsight.LevelError)
		fmt.Println(rq.Data.Route, rq.Hub.Scope().Tags()[errsighthttp.TagRoute])
	}
	r := httptest.NewRequest("GET", "/orders/42", nil)
	serve(httptest.NewRecorder(), r.WithContext(errsight.ContextWithHub(r.Context(), errsight.NewHub(client, nil))))
	// Output: /orders/{id} /orders/{id}
}
