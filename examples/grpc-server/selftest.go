package main

import (
	"context"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/internal/exampleapp"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// runSelftest makes a few calls, waits for the reports, prints what the
// ErrSight server received and checks it.
func runSelftest(c testgrpc.TestServiceClient, client *errsight.Client, fake *errsighttest.Server) error {
	as := func(user string) context.Context {
		return metadata.AppendToOutgoingContext(context.Background(), "x-user", user, "authorization", "Bearer "+exampleapp.SecretToken)
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
	return exampleapp.Check(events, requests, map[string]string{
		"bob":   "error /grpc.testing.TestService/UnaryCall",
		"carol": "fatal /grpc.testing.TestService/EmptyCall",
	})
}
