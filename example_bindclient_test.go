package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
)

func ExampleHub_BindClient() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	defer client.Close()

	// Code under test reports through the global hub; point it at the
	// test client, and put the previous client back afterwards.
	undo := errsight.CurrentHub().BindClient(client)
	errsight.CaptureError(context.Background(), errors.New("payment declined"))
	undo()

	_ = client.Flush(context.Background())
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(len(events), events[0].Message, errsight.CurrentHub().Client() == client)
	// Output: 1 payment declined false
}
