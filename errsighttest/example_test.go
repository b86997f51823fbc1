package errsighttest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/errsight/errsight-go/errsighttest"
)

// postEvent sends body to srv the way any client would, and returns the
// status and response body.
func postEvent(srv *errsighttest.Server, key, body string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/events", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", key)
	resp, err := srv.Client().Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func ExampleNewServer() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	status, body := postEvent(srv, srv.APIKey(), `{
		"level": "error",
		"message": "payment failed",
		"tags": {"region": "eu"},
		"metadata": {"order": 1234, "exception_class": "*payment.Error"}
	}`)
	fmt.Println(status, body)

	events, err := srv.WaitForEvents(1, 5*time.Second)
	if err != nil {
		panic(err)
	}
	ev := events[0]
	fmt.Println(ev.Level, ev.Message, ev.Tags["region"], ev.MetadataKeys, ev.ExceptionClass())
	// Output:
	// 202 {"status":"accepted","queued":1}
	// error payment failed eu [order exception_class] *payment.Error
}

func ExampleServer_Fail() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	srv.Fail(
		errsighttest.Fault{Status: http.StatusServiceUnavailable},
		errsighttest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "2"},
	)
	for range 3 {
		status, body := postEvent(srv, srv.APIKey(), `{"level":"error","message":"boom"}`)
		fmt.Println(status, body)
	}
	fmt.Println(len(srv.Events()), "accepted of", len(srv.Requests()), "requests")
	// Output:
	// 503 {"error":"Service Unavailable"}
	// 429 {"error":"Rate limit exceeded — try again in 2s","code":"RATE_LIMIT_EXCEEDED","retry_after":2}
	// 202 {"status":"accepted","queued":1}
	// 1 accepted of 3 requests
}

func ExampleServer_ReadKey() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	fmt.Println(postEvent(srv, srv.ReadKey(), `{"message":"m"}`))
	fmt.Println(postEvent(srv, "not-a-key", `{"message":"m"}`))
	fmt.Println(postEvent(srv, srv.APIKey(), `{"message":"m"`))
	// Output:
	// 403 {"error":"API key lacks required scope: write"}
	// 401 {"error":"Invalid or missing API key"}
	// 400 {"error":"Invalid JSON payload","code":"INVALID_JSON"}
}

func ExampleEvent_Stored() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	postEvent(srv, srv.APIKey(), `{
		"level": "WARN",
		"message": "\u001b[31mdisk full\u001b[0m",
		"environment": "",
		"release": "  v1.4.0  ",
		"user": {"id": 42}
	}`)
	st := srv.Events()[0].Stored()
	fmt.Printf("%s %q %s %q %s\n", st.Level, st.Message, st.Environment, st.Release, st.UserIdentifier)
	fmt.Println(st.Grouping, len(st.Fingerprint))
	// Output:
	// info "disk full" production "v1.4.0" 42
	// legacy 32
}

func ExampleEvent_GroupingKey() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	frames := `"exception_frames":[{"filename":"store.go","function":"store.Get","lineno":12,"in_app":true}]`
	postEvent(srv, srv.APIKey(), `[
		{"level":"error","message":"user 42 not found","metadata":{"exception_class":"*store.NotFound",`+frames+`}},
		{"level":"error","message":"user 97 not found","metadata":{"exception_class":"*store.NotFound",`+frames+`}},
		{"level":"error","message":"user 42 not found","fingerprint":["users","lookup"]}
	]`)
	evs := srv.Events()
	fmt.Println(evs[0].GroupingKey() == evs[1].GroupingKey(), evs[0].Stored().Grouping)
	fmt.Println(evs[0].GroupingKey() == evs[2].GroupingKey(), evs[2].Stored().Grouping)
	// Output:
	// true frames
	// false fingerprint
}

func ExampleEvent_Problems() {
	srv := errsighttest.NewServer()
	defer srv.Close()

	postEvent(srv, srv.APIKey(), `{"level":"Error","message":"m","tags":{"attempt":3},
		"metadata":{"exception_frames":[{"function":"main.run","lineno":"7"}]}}`)
	for _, p := range srv.Events()[0].Problems() {
		fmt.Println(p)
	}
	// Output:
	// level "Error" is not one of debug, info, warning, error, fatal
	// tags["attempt"] is a number, not a string
	// metadata.exception_frames[0].filename is missing or empty
	// metadata.exception_frames[0].lineno is not an integer
}
