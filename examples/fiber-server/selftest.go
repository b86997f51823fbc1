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

// secretToken is sent in every self-test request; it must never reach
// ErrSight.
const secretToken = "selftest-secret-token"

// runSelftest sends a few requests to the server at baseURL, waits for the
// reports, prints what the ErrSight server received and checks it.
func runSelftest(baseURL string, client *errsight.Client, fake *errsighttest.Server) error {
	hc := &http.Client{Timeout: 5 * time.Second}
	steps := []struct{ path, user string }{
		{"/checkout/7?token=" + secretToken, "alice"},
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
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Printf("GET %s as %s: %s\n", strings.ReplaceAll(st.path, secretToken, "…"), st.user, resp.Status)
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
		fmt.Printf("\n[%s] %s\n  user: %s  route: %s  status: %s\n", ev.Level, ev.Message, ev.User.ID, ev.Tags["route"], ev.Tags["http.status_code"])
		if class := ev.ExceptionClass(); class != "" {
			fmt.Printf("  exception: %s\n", class)
		}
		for _, b := range ev.Breadcrumbs {
			fmt.Printf("  breadcrumb [%s] %s\n", b.Category, b.Message)
		}
	}
	return check(events, fake.Requests())
}

// check verifies what the example promises: one event per failing request,
// each with its own user and route, and no secret in what was sent.
func check(events []errsighttest.Event, requests []errsighttest.Request) error {
	var errs []error
	want := map[string]string{"bob": "error GET /checkout/:order", "carol": "fatal GET /panic"}
	for _, ev := range events {
		if want[ev.User.ID] == ev.Level+" "+ev.Tags["route"] {
			delete(want, ev.User.ID)
		} else {
			errs = append(errs, fmt.Errorf("unexpected event %q for %q", ev.Message, ev.User.ID))
		}
	}
	for user, what := range want {
		errs = append(errs, fmt.Errorf("no %s event for %s", what, user))
	}
	for _, r := range requests {
		if strings.Contains(string(r.Body), secretToken) {
			errs = append(errs, errors.New("a secret was sent to ErrSight"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("self-test failed: %w", err)
	}
	fmt.Println("\nself-test passed: each failing request reported once with its own user and route, no secrets sent")
	return nil
}
