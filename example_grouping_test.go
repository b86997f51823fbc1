package errsight_test

import (
	"errors"
	"fmt"
	"time"

	errsight "github.com/errsight/errsight-go"
)

// Errors whose messages differ only in the values they carry are one
// issue; a different error captured at the same place is another.
// errsighttest's GroupingKey is the issue the real server files each
// event under.
func Example_grouping() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)

	report := func(err error) { hub.CaptureError(err) } // one helper for every error
	report(fmt.Errorf("load user %d: timeout after %v", 42, 1500*time.Millisecond))
	report(fmt.Errorf("load user %d: timeout after %v", 7, 300*time.Millisecond))
	report(errors.New("render invoice: template missing"))
	client.Close()

	events, _ := srv.WaitForEvents(3, time.Second)
	fmt.Println(events[0].GroupingKey() == events[1].GroupingKey())
	fmt.Println(events[0].GroupingKey() == events[2].GroupingKey())
	fmt.Println(events[0].Fingerprint[3])
	// Output:
	// true
	// false
	// load user <n>: timeout after <n>
}

// BeforeSend can refine the SDK's grouping instead of replacing it: here,
// one issue per tenant.
func ExampleEvent_DefaultFingerprint() {
	srv, opts := testServer()
	defer srv.Close()
	opts.BeforeSend = func(ev *errsight.Event) *errsight.Event {
		ev.Fingerprint = append(ev.DefaultFingerprint(), "tenant="+ev.Tags["tenant"])
		return ev
	}
	client, _ := errsight.NewClient(opts)
	for _, tenant := range []string{"acme", "globex"} {
		hub := errsight.NewHub(client, nil)
		hub.Scope().SetTag("tenant", tenant)
		hub.CaptureError(errors.New("quota exceeded"))
	}
	client.Close()

	events, _ := srv.WaitForEvents(2, time.Second)
	fmt.Println(events[0].GroupingKey() == events[1].GroupingKey())
	fmt.Println(events[0].Fingerprint[len(events[0].Fingerprint)-1])
	// Output:
	// false
	// tenant=acme
}
