// Command e2e runs one end-to-end delivery run: a burst of errors captured
// from several goroutines through one SDK's HTTP pipeline to a loopback
// server, then prints one JSON line of results (see e2e.Result).
//
// The server runs in this process; the SDK runs in a child process (this
// program again, with -child), so that the peak RSS it reports is the SDK's
// alone and runs never share a heap.
//
//	go run ./cmd/e2e -sdk errsight -batch 100 -delay 200ms
//	go run ./cmd/e2e -sdk sentry -delay 0
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
)

func main() {
	var (
		cfg       e2e.Config
		child     = flag.Bool("child", false, "internal: run the SDK side against -target and print its e2e.SDKResult")
		target    = flag.String("target", "", "internal: the e2e.Target of a -child, as JSON")
		inProcess = flag.Bool("inprocess", false, "run the server and the SDK in this one process (no RSS figures)")
	)
	flag.StringVar(&cfg.SDK, "sdk", e2e.Errsight, "SDK pipeline: errsight, sentry (default pipeline) or sentry-legacy (HTTPTransport)")
	flag.IntVar(&cfg.BatchSize, "batch", 0, "errsight Options.BatchSize (0: the default, 10)")
	flag.IntVar(&cfg.Events, "events", e2e.DefaultEvents, "capture calls in the burst")
	flag.IntVar(&cfg.Goroutines, "goroutines", e2e.DefaultGoroutines, "goroutines sharing the burst")
	flag.DurationVar(&cfg.Delay, "delay", 0, "how long the server takes to answer each request")
	flag.DurationVar(&cfg.Cap, "cap", e2e.DefaultCap, "bound on the wait for delivery, from the start of the burst")
	flag.DurationVar(&cfg.CloseTimeout, "close-timeout", e2e.DefaultCloseTimeout, "bound on the SDK's shutdown after the cap")
	flag.BoolVar(&cfg.Distinct, "distinct", true, "give each event its own fingerprint (false: identical events, which errsight's spike protection collapses)")
	flag.Parse()

	var err error
	switch {
	case *child:
		err = runChild(cfg, *target)
	case *inProcess:
		var r e2e.Result
		if r, err = e2e.Run(cfg); err == nil {
			err = printJSON(r)
		}
	default:
		err = runParent(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
}

// runParent serves, runs the SDK in a child process and merges the halves.
func runParent(cfg e2e.Config) error {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return err
	}
	srv := e2e.NewServer(cfg.SDK, cfg.Delay)
	defer srv.Close()
	t, err := json.Marshal(srv.Target())
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// The child bounds itself (cap, then flush and close, each bounded);
	// this only guards against a hang of the harness.
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Cap+2*cfg.CloseTimeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe,
		"-child", "-target", string(t),
		"-sdk", cfg.SDK,
		"-batch", strconv.Itoa(cfg.BatchSize),
		"-events", strconv.Itoa(cfg.Events),
		"-goroutines", strconv.Itoa(cfg.Goroutines),
		"-delay", cfg.Delay.String(),
		"-cap", cfg.Cap.String(),
		"-close-timeout", cfg.CloseTimeout.String(),
		"-distinct="+strconv.FormatBool(cfg.Distinct),
	)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("child: %w", err)
	}
	var s e2e.SDKResult
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		return fmt.Errorf("child output %q: %w", out.String(), err)
	}
	srv.Close() // releases delayed requests; the counts are final after it
	return printJSON(e2e.Merge(cfg, s, srv.Result()))
}

// runChild drives the SDK and prints its half, with this process's memory.
func runChild(cfg e2e.Config, target string) error {
	var t e2e.Target
	if err := json.Unmarshal([]byte(target), &t); err != nil {
		return fmt.Errorf("-target: %w", err)
	}
	baseline := procStatusKB("VmRSS")
	s, err := e2e.Drive(cfg, t)
	if err != nil {
		return err
	}
	s.BaselineRSSKB = baseline
	s.PeakRSSKB = procStatusKB("VmHWM")
	s.CPUSeconds = cpuSeconds()
	return printJSON(s)
}

func printJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Printf("%s\n", b)
	return err
}
