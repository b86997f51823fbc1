package benchmarks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
	"github.com/errsight/errsight-go/benchmarks/internal/fixture"
)

// sinkEnv makes the test binary run as the loopback sink of target 1 (see
// TestMain) instead of running tests.
const sinkEnv = "ERRSIGHT_BENCH_SINK"

// sinkAddrs is what the sink process tells its parent: where each SDK
// sends, and where the counts are.
type sinkAddrs struct {
	ErrsightURL string `json:"errsight_url"`
	SentryDSN   string `json:"sentry_dsn"`
	Counts      string `json:"counts"`
}

// sinkCounts is what the sink accepted, by SDK.
type sinkCounts struct {
	Errsight int64 `json:"errsight"`
	Sentry   int   `json:"sentry"`
}

// runSink serves both SDKs' ingestion endpoints on loopback until its
// standard input closes (the parent exited or is done with it): errsight's
// POST /api/v1/events answered 202, counting the events of each body, and
// sentry-go's envelope endpoint (e2e.SentryServer, which parses every
// envelope). Running in a process of its own, its CPU is not charged to
// either SDK.
func runSink() {
	var errsightEvents atomic.Int64
	es := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		// Each event object opens with its ingestion_id; nothing else does.
		errsightEvents.Add(int64(bytes.Count(body, []byte(`{"ingestion_id":`))))
		w.WriteHeader(http.StatusAccepted)
	}))
	defer es.Close()
	ss := e2e.NewSentryServer(0)
	defer ss.Close()
	counts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(sinkCounts{Errsight: errsightEvents.Load(), Sentry: ss.Result().Delivered})
	}))
	defer counts.Close()
	_ = json.NewEncoder(os.Stdout).Encode(sinkAddrs{ErrsightURL: es.URL, SentryDSN: ss.DSN(), Counts: counts.URL})
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startSink starts the sink process for tb, stopped when tb ends.
func startSink(tb testing.TB) (sinkAddrs, func() sinkCounts) {
	tb.Helper()
	self, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), sinkEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	var addrs sinkAddrs
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &addrs)
	}
	if err != nil {
		tb.Fatalf("sink process: %v (%q)", err, line)
	}
	return addrs, func() sinkCounts {
		resp, err := http.Get(addrs.Counts)
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		var c sinkCounts
		if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
			tb.Fatal(err)
		}
		return c
	}
}

// TestSink: both SDKs' real HTTP pipelines deliver to the sink process,
// and it counts what they delivered.
func TestSink(t *testing.T) {
	addrs, counts := startSink(t)
	ec, eh := errsightHTTPClient(t, addrs)
	sc, sh := sentryHTTPClient(t, addrs)
	err := fmt.Errorf("sink: %w", os.ErrNotExist)
	for range 25 {
		eh.CaptureError(err)
		sh.CaptureException(err)
	}
	flushErrsight(t, ec)
	if !sc.Flush(10 * time.Second) {
		t.Fatal("sentry: Flush timed out")
	}
	got := counts()
	if got.Errsight != 25 || got.Sentry != 25 {
		t.Fatalf("the sink counted %+v, want 25 of each", got)
	}
}

// errsightHTTPClient is an errsight client with its default HTTP pipeline
// to the sink, spike protection off, and a hub with the common scope.
func errsightHTTPClient(tb testing.TB, addrs sinkAddrs) (*errsight.Client, *errsight.Hub) {
	tb.Helper()
	c, err := errsight.NewClient(errsight.Options{
		Host: addrs.ErrsightURL, APIKey: "elp_0123456789abcdef0123456789abcdef0123456789abcdef",
		SpikeLimit: -1, Release: fixture.Release, Environment: fixture.Environment,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c, errsightHub(c)
}

// sentryHTTPClient is a sentry-go client with its default HTTP transport
// to the sink, and a hub with the common scope.
func sentryHTTPClient(tb testing.TB, addrs sinkAddrs) (*sentry.Client, *sentry.Hub) {
	tb.Helper()
	c, err := sentry.NewClient(sentry.ClientOptions{Dsn: addrs.SentryDSN, Release: fixture.Release, Environment: fixture.Environment})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		c.Flush(5 * time.Second)
		c.Close()
	})
	return c, sentryHub(c)
}
