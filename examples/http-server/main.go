// Command http-server is a small web service that reports to ErrSight with
// the integrations of the core module: errsighthttp.Middleware around its
// routes, errsightslog as slog's default handler, a user set per request,
// an outbound call through errsighthttp.NewTransport, and a route that panics.
//
//	go run ./examples/http-server              # serve on localhost:8080 until Ctrl-C
//	go run ./examples/http-server -selftest    # send a few requests to itself, print what ErrSight received, exit
//
// Without ERRSIGHT_API_KEY it reports to an in-process errsighttest server,
// so it runs on a fresh machine with no account. Try, while it serves:
//
//	curl -H 'X-User: alice' localhost:8080/checkout/7    # fine: breadcrumbs only
//	curl -H 'X-User: bob' localhost:8080/checkout/13     # the stock service fails: an error event
//	curl localhost:8080/panic                            # a fatal event; net/http closes the connection
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/errsight/errsight-go/errsightslog"
	"github.com/errsight/errsight-go/errsighttest"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	selftest := flag.Bool("selftest", false, "send a few requests to the server, print what ErrSight received, and exit")
	flag.Parse()
	if err := run(*addr, *selftest); err != nil {
		fmt.Fprintln(os.Stderr, "http-server:", err)
		os.Exit(1)
	}
}

func run(addr string, selftest bool) error {
	opts := errsight.Options{Release: "http-server@1.0.0", Environment: "development"}
	var fake *errsighttest.Server
	if os.Getenv(errsight.EnvAPIKey) == "" {
		fake = errsighttest.NewServer()
		defer fake.Close()
		opts.Host, opts.APIKey = fake.URL, fake.APIKey()
		fmt.Println("ERRSIGHT_API_KEY is not set: reporting to an in-process errsighttest server at", fake.URL)
	}
	client, err := errsight.Init(opts)
	if err != nil {
		return err
	}
	defer client.Close() // delivers what is still queued

	// Errors logged with slog become events, Info and Warn lines become
	// breadcrumbs of the request whose context they carry; every line is
	// still written to stderr. log.Printf (net/http's own error log
	// included) goes the same way.
	slog.SetDefault(slog.New(errsightslog.NewHandler(&errsightslog.HandlerOptions{
		Next: slog.NewTextHandler(os.Stderr, nil),
	})))

	if selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	a := &app{
		baseURL: "http://" + ln.Addr().String(),
		// Outbound calls become breadcrumbs on the hub of their request.
		http: &http.Client{Transport: errsighthttp.NewTransport(nil), Timeout: 5 * time.Second},
	}
	server := &http.Server{
		// A hub per request, request data on every event, panics reported
		// then re-panicked so that net/http handles them as usual.
		Handler:           errsighthttp.Middleware(errsighthttp.Options{})(a.routes()),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = server.Serve(ln) }()

	if selftest {
		err := runSelftest(a.baseURL, client, fake)
		return errors.Join(err, server.Shutdown(context.Background()))
	}

	fmt.Println("listening on", a.baseURL, "(Ctrl-C to stop)")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return server.Shutdown(shutdownCtx)
}

// app is the service: a checkout that asks a stock service (served by the
// same process, for the example) before it answers.
type app struct {
	baseURL string
	http    *http.Client
}

func (a *app) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /checkout/{order}", a.checkout)
	mux.HandleFunc("GET /stock/{sku}", stock)
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		identify(r)
		parts := strings.Split(r.URL.Path, "/")
		_, _ = fmt.Fprintf(w, "section %s\n", parts[2]) // index out of range
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux
}

func (a *app) checkout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context() // carries this request's own hub
	order := r.PathValue("order")
	identify(r)
	slog.InfoContext(ctx, "checkout started", "order", order) // a breadcrumb

	if err := a.reserveStock(ctx, order); err != nil {
		// An event with the request's user, tags and data, the breadcrumbs
		// above, and err's type and causes.
		slog.ErrorContext(ctx, "checkout failed", "err", err, "order", order)
		http.Error(w, "stock service unavailable", http.StatusBadGateway)
		return
	}
	_, _ = fmt.Fprintf(w, "order %s confirmed\n", order)
}

// identify sets the request's user on its scope. Real code would take it
// from a session; the example trusts an X-User header. The user stays with
// this request, whatever else runs at the same time. It must run inside the
// middleware: outside, r.Context() holds the parent hub, shared by all.
func identify(r *http.Request) {
	user := r.Header.Get("X-User")
	if user == "" {
		return
	}
	errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
		s.SetUser(errsight.User{ID: user, Username: user})
		s.SetTag("plan", "pro")
	})
}

// errStockUnavailable is what reserveStock wraps when the stock service
// fails, so callers can test for it with errors.Is.
var errStockUnavailable = errors.New("stock service unavailable")

func (a *app) reserveStock(ctx context.Context, order string) error {
	// The request's context: the call is a breadcrumb on its hub. The
	// api_key value is scrubbed from the breadcrumb's URL.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.baseURL+"/stock/"+order+"?api_key=demo-secret", nil)
	if err != nil {
		return err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("reserve stock for order %s: %w", order, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reserve stock for order %s: %w (status %d)", order, errStockUnavailable, resp.StatusCode)
	}
	return nil
}

// stock pretends to be another service; order 13 is unlucky.
func stock(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("sku") == "13" {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, `{"reserved":true}`)
}
