package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const benchTxt = `goos: linux
pkg: github.com/errsight/errsight-go/benchmarks
BenchmarkCaptureMessage/tr=discard/sdk=errsight-2   1000  250.0 ns/op  300 cpu-ns/op  400 B/op  2 allocs/op
BenchmarkCaptureMessage/tr=discard/sdk=errsight-2   1000  260.0 ns/op  300 cpu-ns/op  400 B/op  2 allocs/op
BenchmarkCaptureMessage/tr=discard/sdk=sentry-2     1000  2500 ns/op  3600 B/op  26 allocs/op
BenchmarkCaptureMessage/tr=discard/sdk=sentry-2     1000  2600 ns/op  3600 B/op  26 allocs/op
BenchmarkSlogBelowBreadcrumb/sdk=errsight-2  1000  12 ns/op  0 B/op  0 allocs/op
BenchmarkMachine/op=time.Now-2  1000  55 ns/op
BenchmarkSlogBelowBreadcrumb/sdk=sentry-defaults-2  1000  900 ns/op  280 B/op  7 allocs/op
BenchmarkDeliver/tr=encode/sdk=errsight-2  1000  50000 ns/op  40000 cpu-ns/op  1 delivered/op
`

const targetsTxt = `
errsight-go's targets (issue 16), ratios measured in this run; caller-side in CPU time of the caller's thread

| # | target | measured | ratio | limit | result |
|---|---|---|--:|--:|---|
| 4 | CaptureMessage ÷ time.Now, worker running | CaptureMessage 515 ns, time.Now 51 ns | 10.13 | ≤ 4.00 | FAIL |
goos: linux
BenchmarkTargets-2   	       1	39948433245 ns/op
`

const e2eJSONL = `{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":1,"events_per_second":100,"unaccounted":0}
{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":2,"events_per_second":50,"unaccounted":0}
{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":0.5,"events_per_second":200,"unaccounted":0}
{"name":"sentry delay=0s","sdk":"sentry","events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":-1,"delivered":10,"delivered_ratio":0.1,"reported_dropped":{"queue_overflow":80},"deliver_seconds":1,"events_per_second":10,"unaccounted":10}
`

func TestReport(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"bench.txt": benchTxt, "targets.txt": targetsTxt, "e2e.jsonl": e2eJSONL} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	var out strings.Builder
	require.NoError(t, run(&out, dir))
	got := out.String()
	// With 2 runs or fewer the 95% interval of a median is unbounded: ±∞.
	for _, want := range []string{
		"| CaptureMessage/tr=discard | 255 ns ±∞ | 2.55 µs ±∞ | 10.0× | 300 ns ±∞ | — | 2 ±∞ | 26 ±∞ |", // medians of 2 runs
		"| SlogBelowBreadcrumb [sentry-defaults] | 12 ns ±∞ | 900 ns ±∞ | 75.0× |",
		"| Machine/op=time.Now | 55 ns ±∞ | — | — |",
		"| sentry delay=0s | 10 / 100 (10.0%) | 10 | queue_overflow 80 | 10 |",
		"| 4 | CaptureMessage ÷ time.Now, worker running | CaptureMessage 515 ns, time.Now 51 ns | 10.13 | ≤ 4.00 | FAIL |",
		"| Deliver/tr=encode/sdk=errsight | 1 ±∞ | 20000 | 25000 |",
		"3 errsight runs, at most 0 unaccounted; Stats().Sent ≤ the server's count in 3 of 3: PASS",
		"| errsight-b100 delay=0s, median of 3 | 100 / 100 (0.0%) | 100 (50–200) |",
	} {
		assert.Contains(t, got, want, "report lacks %q", want)
	}
}
