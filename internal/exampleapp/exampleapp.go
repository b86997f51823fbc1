// Package exampleapp runs the example services of the framework
// integrations (examples/chi-server, gin-server, echo-server, fiber-server;
// grpc-server uses Setup and Check): the same checkout service, the same
// -selftest and the same checks, so that each example shows only its
// framework's wiring. It is internal: an application wires errsight in its
// own main.
package exampleapp

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
)

// SecretToken is sent in every self-test request (query and Authorization
// header); it must never reach ErrSight.
const SecretToken = "selftest-secret-token"

// ErrStockUnavailable is what the stock check of order 13 fails with.
var ErrStockUnavailable = errors.New("stock service unavailable")

// Service is an example service.
type Service struct {
	// Name names the command in messages ("gin-server").
	Name string
	// Handler serves the routes: GET /checkout/{order} (order 13 fails
	// with a 502 reported through the integration), GET /panic (a panic
	// answered 500), GET /healthz. Handlers set the user from the X-User
	// header. It is served by a net/http server, unless Serve is set.
	Handler http.Handler
	// Serve, when set, serves the same routes on ln with a server of the
	// framework's own (fiber's fasthttp) instead of Handler, and returns
	// the function that shuts it down once Serve has returned.
	Serve func(ln net.Listener) (shutdown func(context.Context) error)
	// Routes are the route tags the integration reports for the checkout
	// and panic routes ("GET /checkout/:order", "GET /panic").
	CheckoutRoute, PanicRoute string
}

// Main parses -addr and -selftest and runs the service; on failure it
// prints the error and exits with status 1.
func Main(s Service) {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	selftest := flag.Bool("selftest", false, "send a few requests to the server, print what ErrSight received, and exit")
	flag.Parse()
	if err := Run(s, *addr, *selftest); err != nil {
		fmt.Fprintln(os.Stderr, s.Name+":", err)
		os.Exit(1)
	}
}

// Run serves s on addr until Ctrl-C or, with selftest, on a free loopback
// port until the self-test is done. Without ERRSIGHT_API_KEY it reports to
// an in-process errsighttest server.
func Run(s Service, addr string, selftest bool) error {
	client, fake, done, err := Setup(s.Name)
	if err != nil {
		return err
	}
	defer done()

	if selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	serve := s.Serve
	if serve == nil {
		serve = s.serveHTTP
	}
	shutdown := serve(ln)

	if selftest {
		err := s.selftest("http://"+ln.Addr().String(), client, fake)
		return errors.Join(err, shutdown(context.Background()))
	}
	fmt.Println("listening on", ln.Addr(), "(Ctrl-C to stop)")
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	<-ctx.Done()
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelShutdown()
	return shutdown(shutdownCtx)
}

// Setup initialises the global client of the example named name: to the
// ErrSight API when ERRSIGHT_API_KEY is set, else to an in-process
// errsighttest server, returned as fake. done closes both, delivering what
// is still queued.
func Setup(name string) (client *errsight.Client, fake *errsighttest.Server, done func(), err error) {
	opts := errsight.Options{Release: name + "@1.0.0", Environment: "development"}
	if os.Getenv(errsight.EnvAPIKey) == "" {
		fake = errsighttest.NewServer()
		opts.Host, opts.APIKey = fake.URL, fake.APIKey()
		fmt.Println("ERRSIGHT_API_KEY is not set: reporting to an in-process errsighttest server at", fake.URL)
	}
	client, err = errsight.Init(opts)
	if err != nil {
		if fake != nil {
			fake.Close()
		}
		return nil, nil, nil, err
	}
	return client, fake, func() {
		_ = client.Close()
		if fake != nil {
			fake.Close()
		}
	}, nil
}

// serveHTTP serves Handler on ln with net/http.
func (s Service) serveHTTP(ln net.Listener) func(context.Context) error {
	server := &http.Server{Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(ln) }()
	return func(ctx context.Context) error {
		err := server.Shutdown(ctx)
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		return err
	}
}

// selftest sends a few requests, waits for the reports, prints what the
// ErrSight server received and checks it.
func (s Service) selftest(baseURL string, client *errsight.Client, fake *errsighttest.Server) error {
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	steps := []struct{ path, user string }{
		{"/checkout/7?token=" + SecretToken, "alice"},
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
		req.Header.Set("Authorization", "Bearer "+SecretToken)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		fmt.Printf("GET %s as %s: %s\n", strings.ReplaceAll(st.path, SecretToken, "…"), st.user, resp.Status)
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
	return s.check(events, fake.Requests())
}

// check verifies what the examples promise: one event per failing request,
// each with its own user and route, and no secret in what was sent.
func (s Service) check(events []errsighttest.Event, requests []errsighttest.Request) error {
	return Check(events, requests, map[string]string{"bob": "error " + s.CheckoutRoute, "carol": "fatal " + s.PanicRoute})
}

// Check verifies what an example promises: the events are exactly one per
// user in want, whose value is the event's level and route tag ("error GET
// /checkout/:order"), and no request to ErrSight holds SecretToken.
func Check(events []errsighttest.Event, requests []errsighttest.Request, want map[string]string) error {
	want = maps.Clone(want)
	var errs []error
	for _, ev := range events {
		if want[ev.User.ID] == ev.Level+" "+ev.Tags["route"] {
			delete(want, ev.User.ID)
		} else {
			errs = append(errs, fmt.Errorf("unexpected event %q for %q (route %q)", ev.Message, ev.User.ID, ev.Tags["route"]))
		}
	}
	for user, what := range want {
		errs = append(errs, fmt.Errorf("no %s event for %s", what, user))
	}
	for _, r := range requests {
		if strings.Contains(string(r.Body), SecretToken) {
			errs = append(errs, errors.New("a secret was sent to ErrSight"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("self-test failed: %w", err)
	}
	fmt.Println("\nself-test passed: each failure reported once with its own user and route, no secrets sent")
	return nil
}
