#!/usr/bin/env bash
# Runs the grouping corpus (grouping_corpus_test.go) against a real ErrSight
# server twice, from two builds, and compares the issues the server made:
#
#   a: the test binary built here;
#   b: built from a copy in another directory with -trimpath, with lines
#      inserted above every corpus function and inside each (line numbers
#      shift), and run after the copy is deleted (no source files); with
#      CORPUS_B_TOOLCHAIN=go1.24.0 (any toolchain the module proxy serves),
#      b is also built by another Go release.
#
# Both runs must give every case its promised number of issues, and the
# same issue keys. Needs the server of ../shared/realserver (setup.sh); reads
# ERRSIGHT_HOST, WRITE_KEY and PGURL from its keys.env.
#
#   bash scripts/realserver-corpus.sh [/tmp/rs/keys.env]
set -euo pipefail
# shellcheck disable=SC1090
source "${1:-/tmp/rs/keys.env}"
: "${ERRSIGHT_HOST:?}" "${WRITE_KEY:?}" "${PGURL:?}"
CHROOT=${CHROOT:-/tmp/rs/chroot}
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=corpus-$(date +%s)

go test -c -o "$tmp/a.test" "$repo"

copy="$tmp/elsewhere/build dir/errsight-go"
mkdir -p "$copy"
(cd "$repo" && git ls-files -co --exclude-standard | tar -cf - -T -) | tar -xf - -C "$copy"
# Shift every line of the corpus: 7 lines after the package clause, and one
# more at the start of every corpus function body.
awk 'NR==1 {print; for (i = 0; i < 7; i++) print "// shifted"; next}
     /^func corpus/ {print; print "\t// shifted inside"; next} {print}' \
  "$repo/grouping_corpus_test.go" > "$copy/grouping_corpus_test.go"
(cd "$copy" && GOTOOLCHAIN=${CORPUS_B_TOOLCHAIN:-local} go test -c -trimpath -o "$tmp/b.test" .)
rm -rf "$tmp/elsewhere"
go version "$tmp/a.test" "$tmp/b.test" | sed "s|^$tmp/||" 

for r in a b; do
  (cd "$tmp" && ERRSIGHT_CORPUS_HOST=$ERRSIGHT_HOST ERRSIGHT_CORPUS_KEY=$WRITE_KEY ERRSIGHT_CORPUS_RUN=$run-$r \
    "./$r.test" -test.run 'TestGroupingCorpus$' -test.count=1 >"$tmp/$r.log" 2>&1) || { cat "$tmp/$r.log"; exit 1; }
done
sleep 2 # the server may process asynchronously

q() { chroot "$CHROOT" psql -qtA -F ' | ' "$PGURL" -c "$1"; }
echo "case | issues a | issues b | events a | events b | same keys"
q "select c, count(distinct fa), count(distinct fb), count(ea), count(eb),
          (array_agg(distinct fa) filter (where fa is not null) = array_agg(distinct fb) filter (where fb is not null))
   from (select tags->>'corpus_case' c, fingerprint fa, null fb, id ea, null::bigint eb from events where tags->>'corpus_run' = '$run-a'
         union all
         select tags->>'corpus_case', null, fingerprint, null, id from events where tags->>'corpus_run' = '$run-b') x
   group by c order by c"
