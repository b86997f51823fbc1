package errsightotel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightotel"
	"github.com/errsight/errsight-go/errsighttest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func ExampleNewHook() {
	srv := errsighttest.NewServer() // stands in for errsight.com
	defer srv.Close()

	client, err := errsight.NewClient(errsight.Options{
		Host: srv.URL, APIKey: srv.APIKey(),
		ContextHooks: []errsight.ContextHook{
			errsightotel.NewHook(errsightotel.Options{RecordException: true}),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("checkout").Start(ctx, "charge")
	errsight.CaptureError(ctx, errors.New("card declined"))
	span.End()
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	ev := events[0]
	trace := ev.Metadata["errsight_context"].(map[string]any)
	fmt.Println(trace["trace_id"] == span.SpanContext().TraceID().String())
	fmt.Println(trace["span_id"] == span.SpanContext().SpanID().String())
	fmt.Println(ev.Tags["trace_id"] == span.SpanContext().TraceID().String())
	// Output:
	// true
	// true
	// true
}
