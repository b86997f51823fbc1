package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// secretToken is sent as authorization metadata on every self-test call;
// it must never reach ErrSight.
const secretToken = "selftest-secret-token"

// runSelftest makes a few calls, waits for the reports, prints what the
// ErrSight server received and checks it.
func runSelftest(c testgrpc.TestServiceClient, client *errsight.Client, fake *errsighttest.Server) error {
	as := func(user string) context.Context {
		return metadata.AppendToOutgoingContext(context.Background(), "x-user", user, "authorization", "Bearer "+secretToken)
	}
	fmt.Println("\n--- calls ---")
	_, err := c.UnaryCall(as("alice"), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte("7")}})
	fmt.Println("checkout 7 as alice:", status.Code(err))
	_, err = c.UnaryCall(as("bob"), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte("13")}})
	fmt.Println("checkout 13 as bob:", status.Code(err))
	_, err = c.EmptyCall(as("carol"), &testgrpc.Empty{})
	fmt.Println("buggy call as carol:", status.Code(err))

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
		fmt.Printf("\n[%s] %s\n  user: %s  route: %s  code: %s\n", ev.Level, ev.Message, ev.User.ID, ev.Tags["route"], ev.Tags["grpc.code"])
		for _, b := range ev.Breadcrumbs {
			fmt.Printf("  breadcrumb [%s/%s] %s\n", b.Category, b.Level, b.Message)
		}
	}
	return check(events, fake.Requests())
}

// check verifies what the example promises: one event per failing call,
// each with its own user and method, and no secret in what was sent.
func check(events []errsighttest.Event, requests []errsighttest.Request) error {
	var errs []error
	want := map[string]string{
		"bob":   "error /grpc.testing.TestService/UnaryCall",
		"carol": "fatal /grpc.testing.TestService/EmptyCall",
	}
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
	fmt.Println("\nself-test passed: each failing call reported once with its own user and method, no secrets sent")
	return nil
}
