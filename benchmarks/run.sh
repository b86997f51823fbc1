#!/usr/bin/env bash
# Reproduces every number in benchmarks/README.md and BENCHMARKS.md,
# writing the raw results and the tables into benchmarks/results/:
#
#   machine.txt     the machine, Go version, date, load before and after
#   targets.txt     BenchmarkTargets: issue 16's targets, each a ratio of two
#                   measurements alternated in this run, PASS or FAIL (target
#                   1b builds the code issue 16 was filed against, BASELINE,
#                   default a03c2ec, from git history)
#   bench.txt       errsight-go and sentry-go side by side (go test -bench)
#   benchstat.txt   benchstat -col /sdk of bench.txt
#   e2e.jsonl       one line per end-to-end run (cmd/e2e)
#   summary.md      README.md's tables (cmd/report), the targets first
#
# Usage: bash benchmarks/run.sh            (about 5 minutes on 2 cores)
# Environment: COUNT (passes over the side-by-side benchmarks, default 3),
# BENCHTIME (default 0.2s), E2E_EVENTS (default 20000), E2E_REPEAT (runs
# against the fast server, default 3), SKIP_TARGETS=1, SKIP_BENCH=1,
# SKIP_E2E=1.
#
# The targets are ratios of two measurements taken seconds apart in one
# process, the caller-side ones in CPU time of the calling thread: they hold
# on a loaded machine. The side-by-side wall times do not: read their
# cpu-ns/op, and the load average recorded before and after.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"
# Neither SDK may pick up a real key or DSN.
unset ERRSIGHT_API_KEY ERRSIGHT_HOST ERRSIGHT_DEBUG SENTRY_DSN || true

COUNT=${COUNT:-3}
BENCHTIME=${BENCHTIME:-0.2s}
E2E_EVENTS=${E2E_EVENTS:-20000}
E2E_REPEAT=${E2E_REPEAT:-3}
out=results
mkdir -p "$out"

machine() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "go: $(go version)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "sentry-go: $(go list -m -f '{{.Version}}' github.com/getsentry/sentry-go)"
  echo "errsight-go: $(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown) (working tree)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine > "$out/machine.txt"
cat "$out/machine.txt"

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

go test -c -o "$bin/benchmarks.test" .

# Target 1 is also "10x today": the code when issue 16 was filed is built
# from git history, and BenchmarkTargets alternates its BenchmarkDeliver
# with this tree's. Without git history (a shallow clone) the row says so.
baseline=${BASELINE:-a03c2ec}
if [ -z "${SKIP_TARGETS:-}" ] && git -C .. cat-file -e "$baseline^{commit}" 2>/dev/null; then
  mkdir -p "$bin/baseline"
  git -C .. archive "$baseline" | tar -x -C "$bin/baseline"
  (cd "$bin/baseline/benchmarks" && go test -c -o "$bin/baseline.test" .)
  export ERRSIGHT_BENCH_BASELINE="$bin/baseline.test" ERRSIGHT_BENCH_BASELINE_REV="$baseline"
fi

if [ -z "${SKIP_TARGETS:-}" ]; then
  echo "== targets (about a minute)"
  "$bin/benchmarks.test" -test.run '^$' -test.bench '^BenchmarkTargets$' -test.benchtime 1x \
    -test.timeout 30m | tee "$out/targets.txt"
fi

if [ -z "${SKIP_BENCH:-}" ]; then
  # Each pass runs every benchmark once, so that the errsight-go and the
  # sentry-go run of a benchmark are seconds apart, never one SDK's runs
  # and then the other's: whatever else the machine does falls on both.
  # The integrations' benchmarks (routers, fiber, gRPC, loggers) have their
  # own commands in README.md.
  : > "$out/bench.txt"
  for pass in $(seq "$COUNT"); do
    echo "== pass $pass of $COUNT: errsight-go and sentry-go side by side (benchtime $BENCHTIME)"
    "$bin/benchmarks.test" -test.run '^$' -test.bench '^Benchmark(Capture|Deliver|Fork|Slog|Machine)' \
      -test.benchmem -test.count 1 -test.benchtime "$BENCHTIME" -test.timeout 30m | tee -a "$out/bench.txt"
  done
  # benchstat is pinned by this module's go.mod (a tool directive), so it
  # is fetched through the module proxy like any dependency.
  go tool benchstat -col /sdk "$out/bench.txt" > "$out/benchstat.txt"
fi

if [ -z "${SKIP_E2E:-}" ]; then
  echo "== end to end: $E2E_EVENTS errors from 4 goroutines, each SDK in its own process"
  go build -o "$bin/e2e" ./cmd/e2e
  : > "$out/e2e.jsonl"
  for delay in 0s 200ms; do
    # A run against the fast server lasts about a second: repeat it, the
    # report takes the median. The 200 ms runs are bounded by the cap.
    reps=$E2E_REPEAT
    [ "$delay" = 0s ] || reps=1
    for rep in $(seq "$reps"); do
      for run in "-sdk errsight" "-sdk errsight -batch 100" "-sdk sentry" "-sdk sentry-legacy"; do
        # shellcheck disable=SC2086
        "$bin/e2e" $run -delay "$delay" -events "$E2E_EVENTS" -cap 10s | tee -a "$out/e2e.jsonl"
      done
    done
  done
  # Identical errors: errsight's spike protection collapses them, and counts it.
  "$bin/e2e" -sdk errsight -distinct=false -events "$E2E_EVENTS" | tee -a "$out/e2e.jsonl"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
go run ./cmd/report -dir "$out" > "$out/summary.md"
cat "$out/summary.md"
