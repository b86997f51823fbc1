#!/usr/bin/env bash
# Writes the CPU profiles BENCHMARKS.md cites into benchmarks/results/profiles/
# as text (go tool pprof -top): where each remaining number goes.
#
#   deliver-errsight.txt  BenchmarkDeliver/tr=encode/sdk=errsight: one error
#                         event, capture to a discarding transport, every
#                         goroutine of the process (target 1)
#   deliver-sentry.txt    the same for sentry-go
#   root-CaptureError.txt, root-CaptureMessage.txt, root-AddBreadcrumb.txt:
#                         the root package's caller-side benchmarks (targets
#                         3, 4, 5a)
#
# Usage: bash benchmarks/profiles.sh     (about a minute)
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"
unset ERRSIGHT_API_KEY ERRSIGHT_HOST ERRSIGHT_DEBUG SENTRY_DSN || true
out=results/profiles
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rev=$(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown)

# profile DIR BENCH BENCHTIME NAME: one benchmark's CPU profile, as text.
profile() {
  local dir=$1 bench=$2 benchtime=$3 name=$4
  (cd "$dir" && go test -c -o "$tmp/$name.test" . >/dev/null)
  "$tmp/$name.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" \
    -test.benchmem -test.cpuprofile "$tmp/$name.prof" > "$tmp/$name.out"
  {
    echo "# $bench -benchtime $benchtime in $dir, $(date -u +%Y-%m-%d), commit $rev"
    grep '^Benchmark' "$tmp/$name.out"
    echo "## flat"
    go tool pprof -top -nodecount=30 "$tmp/$name.test" "$tmp/$name.prof" 2>/dev/null | sed -n '4,$p'
    echo "## cumulative"
    go tool pprof -top -cum -nodecount=45 "$tmp/$name.test" "$tmp/$name.prof" 2>/dev/null | sed -n '4,$p'
  } > "$out/$name.txt"
  echo "wrote $out/$name.txt"
}

profile . '^BenchmarkDeliver$/^tr=encode$/^sdk=errsight$' 300000x deliver-errsight
profile . '^BenchmarkDeliver$/^tr=encode$/^sdk=sentry$' 5000x deliver-sentry
profile .. '^BenchmarkCaptureError$' 2s root-CaptureError
profile .. '^BenchmarkCaptureMessage$' 2s root-CaptureMessage
profile .. '^BenchmarkAddBreadcrumb$' 2s root-AddBreadcrumb
rm -f "$out/root-EncodeEvent.txt" # superseded by deliver-errsight.txt
