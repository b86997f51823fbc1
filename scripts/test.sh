#!/usr/bin/env bash
# Runs the tests of every module in the repository with the race detector.
# Extra arguments go to `go test` (e.g. -run, -count).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for mod in $(git ls-files 'go.mod' '*/go.mod' | xargs -n1 dirname | sort); do
  echo "== go test -race ./... in $mod"
  (cd "$mod" && go test -race -timeout 20m "$@" ./...) || status=1
done
exit $status
