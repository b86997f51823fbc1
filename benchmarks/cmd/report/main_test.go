package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
`

var rootTxt = strings.Repeat(`BenchmarkCaptureDisabled-2  1000  3 ns/op  0 B/op  0 allocs/op
BenchmarkCaptureMessage-2  1000  400 ns/op  464 B/op  2 allocs/op
BenchmarkWithScope-2  1000  100 ns/op  192 B/op  2 allocs/op
`, 6) + `BenchmarkCaptureError-2  1000  1000 ns/op  976 B/op  3 allocs/op
BenchmarkCaptureError-2  1000  1200 ns/op  976 B/op  3 allocs/op
`

const e2eJSONL = `{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":1,"events_per_second":100,"unaccounted":0}
{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":2,"events_per_second":50,"unaccounted":0}
{"name":"errsight-b100 delay=0s","sdk":"errsight","batch_size":100,"events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":100,"delivered":100,"deliver_seconds":0.5,"events_per_second":200,"unaccounted":0}
{"name":"sentry delay=0s","sdk":"sentry","events":100,"distinct":true,"delay_ms":0,"accepted":100,"sdk_sent":-1,"delivered":10,"delivered_ratio":0.1,"reported_dropped":{"queue_overflow":80},"deliver_seconds":1,"events_per_second":10,"unaccounted":10}
`

func TestReport(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"bench.txt": benchTxt, "root.txt": rootTxt, "e2e.jsonl": e2eJSONL} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if err := run(&out, dir); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	// With 2 runs or fewer the 95% interval of a median is unbounded: ±∞.
	for _, want := range []string{
		"| CaptureMessage/tr=discard | 255 ns ±∞ | 2.55 µs ±∞ | 10.0× | 300 ns ±∞ | — | 2 ±∞ | 26 ±∞ |", // medians of 2 runs
		"| SlogBelowBreadcrumb [sentry-defaults] | 12 ns ±∞ | 900 ns ±∞ | 75.0× |",
		"| Machine/op=time.Now | 55 ns ±∞ | — | — |",
		"| sentry delay=0s | 10 / 100 (10.0%) | 10 | queue_overflow 80 | 10 |",
		"| CaptureMessage, populated hub | ≤ 300 ns, ≤ 3 allocs | 400 ns ±0% | 2 ±0% | root `CaptureMessage` | **missed** |",
		"| disabled capture (package-level, no API key) | ≤ 5.00 ns, ≤ 0 allocs | 3.00 ns ±0% | 0 ±0% | root `CaptureDisabled` | **met** |",
		"| per-request fork of a populated hub (WithScope) | ≤ 150 ns, ≤ 2 allocs | 100 ns ±0% | 2 ±0% | root `WithScope` | **met** |",
		"| ≤ 1.50 µs, ≤ 5 allocs | 1.10 µs ±∞ | 3 ±∞ | root `CaptureError` | inconclusive (too few runs for an interval) |",
		"| disabled capture (hub method) | ≤ 5.00 ns, ≤ 0 allocs | — | — | root `CaptureDisabledHub` | not measured |",
		"| 100 vs 10: 10.0× | | e2e | **met** |", // the median of 50, 100 and 200
		"| 3 errsight runs: at most 0 unaccounted; Stats().Sent ≤ the server's count in 3 of 3 | | e2e | **met** |",
		"| errsight-b100 delay=0s, median of 3 | 100 / 100 (0.0%) | 100 (50–200) |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}
