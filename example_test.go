package errsight_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// testServer starts an in-process ErrSight API and returns options pointing
// at it; the examples below report there instead of errsight.com.
func testServer() (*errsighttest.Server, errsight.Options) {
	srv := errsighttest.NewServer()
	return srv, errsight.Options{Host: srv.URL, APIKey: srv.APIKey(), Environment: "example"}
}

func ExampleInit() {
	srv, opts := testServer()
	defer srv.Close()

	client, err := errsight.Init(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	errsight.CaptureMessage(context.Background(), "service started with a stale cache", errsight.LevelWarning)
	if err := client.Flush(context.Background()); err != nil {
		log.Fatal(err)
	}
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Message, events[0].Environment)
	// Output: warning service started with a stale cache example
}

func ExampleNewClient() {
	// Without an API key (and without ERRSIGHT_API_KEY) the client is
	// disabled: no goroutine, no requests, and captures cost nanoseconds.
	os.Unsetenv(errsight.EnvAPIKey)
	client, err := errsight.NewClient(errsight.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("enabled:", client.Enabled())

	_, err = errsight.NewClient(errsight.Options{Host: "not a url"})
	fmt.Println(err)
	// Output:
	// enabled: false
	// errsight: Options.Host must be an http:// or https:// URL with a host
}

func ExampleCaptureError() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	_, err := os.Open("/nonexistent/config.yaml")
	errsight.CaptureError(ctx, fmt.Errorf("load config: %w", err))
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	ev := events[0]
	fmt.Println(ev.Level, ev.ExceptionClass())
	fmt.Println(ev.Message)
	for _, c := range ev.ExceptionCauses() {
		fmt.Println("caused by", c.Class)
	}
	// Output:
	// error *fs.PathError
	// load config: open /nonexistent/config.yaml: no such file or directory
	// caused by *fs.PathError
	// caused by syscall.Errno
}

func ExampleCaptureErrorAtLevel() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.CaptureErrorAtLevel(ctx, errors.New("retrying payment"), errsight.LevelWarning)
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Message)
	// Output: warning retrying payment
}

func ExampleCaptureMessage() {
	srv, opts := testServer()
	defer srv.Close()
	opts.MinLevel = errsight.LevelDebug // the default, LevelWarning, would drop info
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.CaptureMessage(ctx, "cache rebuilt", errsight.LevelInfo)
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Message)
	// Output: info cache rebuilt
}

func ExampleCaptureEvent() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.CaptureEvent(ctx, &errsight.Event{
		Level:       errsight.LevelError,
		Message:     "nightly export failed",
		Tags:        map[string]string{"job": "export"},
		Fingerprint: []string{"nightly-export"},
	})
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Message, events[0].Tags["job"], events[0].Fingerprint)
	// Output: nightly export failed export [nightly-export]
}

func ExampleWithScope() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	base := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	for _, user := range []string{"alice", "bob"} {
		ctx := errsight.WithScope(base) // one fork per unit of work
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
			s.SetUser(errsight.User{Username: user})
		})
		errsight.CaptureMessage(ctx, "checkout failed for "+user, errsight.LevelError)
	}
	client.Close()
	events, _ := srv.WaitForEvents(2, time.Second)
	for _, ev := range events {
		fmt.Println(ev.Message, "->", ev.User.Username)
	}
	// Output:
	// checkout failed for alice -> alice
	// checkout failed for bob -> bob
}

func ExampleConfigureScope() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
		s.SetTag("tenant", "acme")
		s.SetMetadata("plan", "pro")
	})
	errsight.CaptureMessage(ctx, "quota exceeded", errsight.LevelWarning)
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Tags["tenant"], events[0].Metadata["plan"])
	// Output: acme pro
}

func ExampleAddBreadcrumb() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "db", Message: "SELECT cart"})
	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "http", Message: "POST /pay", Level: errsight.LevelWarning})
	errsight.CaptureMessage(ctx, "payment failed", errsight.LevelError)
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	for _, b := range events[0].Breadcrumbs {
		fmt.Println(b.Category, b.Level, b.Message)
	}
	// Output:
	// db info SELECT cart
	// http warning POST /pay
}

func ExampleRecover() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	func() {
		// Recover re-panics after reporting; this outer recover stands in
		// for whatever would otherwise handle (or crash on) the panic.
		defer func() { fmt.Println("recovered again:", recover()) }()
		defer errsight.Recover(ctx)
		panic("nil config")
	}()
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Level, events[0].Message)
	// Output:
	// recovered again: nil config
	// fatal panic: nil config
}

func ExampleGo() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	done := make(chan struct{})
	errsight.Go(ctx, func(ctx context.Context) {
		defer close(done)
		// The goroutine has its own fork of the hub: tags set here stay here.
		errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("job", "reindex") })
		errsight.CaptureError(ctx, errors.New("reindex failed"))
	})
	<-done
	client.Close()
	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Message, events[0].Tags["job"])
	// Output: reindex failed reindex
}

func ExampleClient_Flush() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	defer client.Close()
	hub := errsight.NewHub(client, nil)

	hub.CaptureMessage("about to exit", errsight.LevelError)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := client.Flush(ctx); err != nil {
		log.Print(err) // says how many events are still pending
	}
	fmt.Println(len(srv.Events()), "event delivered")
	// Output: 1 event delivered
}

func ExampleClient_Close() {
	srv, opts := testServer()
	defer srv.Close()
	srv.SetFault(errsighttest.Fault{Status: 401}) // the server rejects the key
	client, _ := errsight.NewClient(opts)
	errsight.NewHub(client, nil).CaptureMessage("lost", errsight.LevelError)

	// A rejected key is a configuration error: Close says so (and a
	// warning went to stderr when the server first refused it).
	err := client.Close()
	fmt.Println(errors.Is(err, errsight.ErrAPIKeyRejected))
	fmt.Println(client.Stats().Dropped.APIKey)
	// Output:
	// true
	// 1
}

func ExampleClient_Stats() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)
	for range 3 {
		hub.CaptureMessage("disk almost full", errsight.LevelWarning)
	}
	client.Close()
	st := client.Stats()
	fmt.Println("captured", st.Captured, "sent", st.Sent, "dropped", st.Dropped.Total())
	// Output: captured 3 sent 3 dropped 0
}

func ExampleHubFromContext() {
	// Without a hub in the context, the global hub answers: never nil.
	hub := errsight.HubFromContext(context.Background())
	fmt.Println(hub == errsight.CurrentHub())

	own := errsight.NewHub(nil, nil)
	ctx := errsight.ContextWithHub(context.Background(), own)
	fmt.Println(errsight.HubFromContext(ctx) == own)
	// Output:
	// true
	// true
}

func ExampleHub_Clone() {
	hub := errsight.NewHub(nil, nil)
	hub.Scope().SetTag("service", "api")
	clone := hub.Clone()
	clone.Scope().SetTag("request", "r-1")
	fmt.Println(hub.Scope().Tags(), clone.Scope().Tags())
	// Output: map[service:api] map[request:r-1 service:api]
}

func ExampleNewScope() {
	scope := errsight.NewScope()
	scope.SetUser(errsight.User{ID: "u-1"})
	hub := errsight.NewHub(nil, scope)
	fmt.Println(hub.Scope().User().ID)
	// Output: u-1
}

func ExampleParseLevel() {
	level, err := errsight.ParseLevel("WARN")
	fmt.Println(level, err, level >= errsight.LevelWarning)
	// Output: warning <nil> true
}

func ExampleOptionsFromEnv() {
	os.Setenv(errsight.EnvEnvironment, "staging")
	defer os.Unsetenv(errsight.EnvEnvironment)
	fmt.Println(errsight.OptionsFromEnv().Environment)
	// Output: staging
}

func ExampleOptions_beforeSend() {
	srv, opts := testServer()
	defer srv.Close()
	opts.BeforeSend = func(ev *errsight.Event) *errsight.Event {
		delete(ev.Metadata, "credit_card")
		if ev.Tags["noise"] != "" {
			return nil // drop the event
		}
		return ev
	}
	client, _ := errsight.NewClient(opts)
	hub := errsight.NewHub(client, nil)
	hub.Scope().SetMetadata("credit_card", "4111 1111 1111 1111")
	hub.Scope().SetMetadata("order", 42)
	hub.CaptureMessage("charge failed", errsight.LevelError)
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].MetadataKeys)
	// Output: [errsight_event_id errsight_context order]
}

func ExampleFlush() {
	srv, opts := testServer()
	defer srv.Close()
	client, _ := errsight.NewClient(opts)
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	errsight.CaptureMessage(ctx, "flushed", errsight.LevelError)
	fmt.Println(errsight.Flush(ctx), len(srv.Events()))
	// Output: <nil> 1
}

func ExampleDeliveryError() {
	srv, opts := testServer()
	defer srv.Close()
	srv.SetFault(errsighttest.Fault{Hang: true}) // a server that never answers
	opts.ShutdownTimeout = 50 * time.Millisecond
	client, _ := errsight.NewClient(opts)
	errsight.NewHub(client, nil).CaptureMessage("stuck in traffic", errsight.LevelError)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := client.Flush(ctx)
	var de *errsight.DeliveryError
	fmt.Println(errors.Is(err, context.DeadlineExceeded), errors.As(err, &de) && de.Pending == 1)

	err = client.Close()
	fmt.Println(errors.Is(err, errsight.ErrShutdownTimeout))
	fmt.Println(err)
	// Output:
	// true true
	// true
	// errsight: Close: 1 events not delivered: 1 still queued when ShutdownTimeout (50ms) ran out; raise Options.ShutdownTimeout or Flush earlier
}
