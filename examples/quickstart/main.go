// Command quickstart reports an error, a message and their context to
// ErrSight, then prints what the server received.
//
// Without ERRSIGHT_API_KEY it starts an in-process errsighttest server and
// reports to it, so it runs on a fresh machine with no account:
//
//	go run ./examples/quickstart
//
// With ERRSIGHT_API_KEY (and optionally ERRSIGHT_HOST) set, it reports to
// the real API instead.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

func main() {
	opts := errsight.Options{Release: "quickstart@1.0.0", Environment: "development"}
	var srv *errsighttest.Server
	if os.Getenv(errsight.EnvAPIKey) == "" {
		srv = errsighttest.NewServer()
		defer srv.Close()
		opts.Host, opts.APIKey = srv.URL, srv.APIKey()
		fmt.Println("ERRSIGHT_API_KEY is not set: reporting to an in-process errsighttest server at", srv.URL)
	}

	client, err := errsight.Init(opts)
	if err != nil {
		log.Fatal(err)
	}

	// Each unit of work gets its own scope, carried in its context.
	ctx := errsight.WithScope(context.Background())
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
		s.SetUser(errsight.User{ID: "u-42", Email: "alice@example.com"})
		s.SetTag("service", "checkout")
		s.SetMetadata("cart_items", 3)
	})
	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "http", Message: "GET /cart"})
	errsight.AddBreadcrumb(ctx, errsight.Breadcrumb{Category: "db", Message: "SELECT cart"})

	if err := checkout(); err != nil {
		id := errsight.CaptureError(ctx, err)
		fmt.Println("captured error", id)
	}
	id := errsight.CaptureMessage(ctx, "checkout took too long", errsight.LevelWarning)
	fmt.Println("captured message", id)

	// Close delivers what is queued (within Options.ShutdownTimeout).
	if err := client.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stats: %+v\n", client.Stats())

	if srv == nil {
		return
	}
	events, err := srv.WaitForEvents(2, 5*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	for i, ev := range events {
		var out bytes.Buffer
		if err := json.Indent(&out, ev.Raw, "", "  "); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("\n--- event %d of %d received by the server ---\n%s\n", i+1, len(events), out.String())
	}
}

var errPayment = errors.New("payment declined")

func checkout() error {
	if err := loadCart(); err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	return nil
}

func loadCart() error {
	_, err := os.Open("/nonexistent/cart.json")
	return fmt.Errorf("load cart: %w", errors.Join(err, errPayment))
}

var _ fs.FS // the chain contains an *fs.PathError
