package batcher_test

import (
	"context"
	"fmt"
	"time"

	"github.com/errsight/errsight-go/batcher"
	"github.com/errsight/errsight-go/transport"
)

// printer is a Transport that prints each request body.
type printer struct{}

func (printer) Send(_ context.Context, body []byte) transport.Outcome {
	fmt.Printf("POST %s\n", body)
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

func Example() {
	b := batcher.New(batcher.Config[string]{
		Transport: printer{},
		Encode: func(msg string, shrink int) ([]byte, error) {
			return fmt.Appendf(nil, `{"message":%q}`, msg), nil
		},
		BatchSize: 2,
	})
	for _, msg := range []string{"disk full", "timeout", "panic"} {
		b.Enqueue(msg) // never blocks
	}
	// The third event waits for its batch to fill; Flush sends it now.
	if err := b.Flush(context.Background()); err != nil {
		fmt.Println(err)
	}
	if err := b.Close(5 * time.Second); err != nil {
		fmt.Println(err)
	}
	s := b.Stats()
	fmt.Printf("enqueued %d, sent %d, pending %d\n", s.Enqueued, s.Sent, s.Pending)
	// Output:
	// POST [{"message":"disk full"},{"message":"timeout"}]
	// POST [{"message":"panic"}]
	// enqueued 3, sent 3, pending 0
}
