package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// Secrets the self-test sends in its requests' headers; they must never
// reach ErrSight.
const (
	secretToken  = "selftest-secret-token"
	secretCookie = "selftest-secret-cookie"
)

// runSelftest sends a few requests to the server at baseURL, waits for the
// reports, prints what the ErrSight server received and checks it.
func runSelftest(baseURL string, client *errsight.Client, fake *errsighttest.Server) error {
	// A new connection per request: net/http's client retries an
	// idempotent request once on a reused connection closed without an
	// answer, which is what a panicking handler does.
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	steps := []struct{ path, user string }{
		{"/checkout/7", "alice"},
		{"/checkout/13", "bob"},
		{"/panic", "carol"},
	}
	fmt.Println("\n--- requests ---")
	for _, st := range steps {
		req, err := http.NewRequest(http.MethodGet, baseURL+st.path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("X-User", st.user)
		req.Header.Set("Authorization", "Bearer "+secretToken)
		req.Header.Set("Cookie", "session="+secretCookie)
		resp, err := hc.Do(req)
		if err != nil {
			fmt.Printf("GET %s as %s: %v (net/http closed the connection: its usual answer to a panic)\n", st.path, st.user, err)
			continue
		}
		resp.Body.Close()
		fmt.Printf("GET %s as %s: %s\n", st.path, st.user, resp.Status)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Flush(ctx); err != nil {
		return err
	}
	if fake == nil {
		fmt.Println("\nthe events went to", client.Options().Host)
		return nil
	}

	events := fake.Events()
	fmt.Printf("\n--- %d events received by the server ---\n", len(events))
	for _, ev := range events {
		printEvent(ev)
	}
	return check(events, fake.Requests())
}

func printEvent(ev errsighttest.Event) {
	fmt.Printf("\n[%s] %s\n", ev.Level, ev.Message)
	if ev.User.ID != "" {
		fmt.Printf("  user:      %s\n", ev.User.ID)
	}
	fmt.Printf("  tags:      route=%q http.method=%q plan=%q\n", ev.Tags["route"], ev.Tags["http.method"], ev.Tags["plan"])
	if request, ok := ev.Metadata["request"].(map[string]any); ok {
		fmt.Printf("  request:   %v %v headers=%v\n", request["method"], request["url"], request["headers"])
	}
	if class := ev.ExceptionClass(); class != "" {
		fmt.Printf("  exception: %s\n", class)
	}
	for _, c := range ev.ExceptionCauses() {
		fmt.Printf("  caused by: %s: %s\n", c.Class, c.Message)
	}
	if frames := ev.ExceptionFrames(); len(frames) > 0 {
		fmt.Printf("  raised in: %s (%s:%d)\n", frames[0].Function, frames[0].Filename, frames[0].Lineno)
	}
	for _, b := range ev.Breadcrumbs {
		fmt.Printf("  breadcrumb [%s/%s] %s\n", b.Category, b.Level, b.Message)
	}
}

// check verifies what the example promises: one event per failing request,
// each with its own user, and no secret anywhere in what was sent.
func check(events []errsighttest.Event, requests []errsighttest.Request) error {
	var errs []error
	want := map[string]string{"bob": "error", "carol": "fatal"}
	for _, ev := range events {
		if level, ok := want[ev.User.ID]; ok && level == ev.Level {
			delete(want, ev.User.ID)
		}
	}
	for user, level := range want {
		errs = append(errs, fmt.Errorf("no %s event for %s", level, user))
	}
	for _, r := range requests {
		body := string(r.Body)
		if strings.Contains(body, secretToken) || strings.Contains(body, secretCookie) {
			errs = append(errs, errors.New("a secret header value was sent to ErrSight"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("self-test failed: %w", err)
	}
	fmt.Println("\nself-test passed: each failing request reported with its own user, no secrets sent")
	return nil
}
