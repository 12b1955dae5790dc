#!/usr/bin/env bash
# For the current build: the 3.0 spec commands that fail and are NOT
# covered by spec-tests/expectations-3.0.txt, grouped by file with their
# count, then the listed failures that now pass (stale entries, which
# also count as failures). Empty output (but the totals) means the 3.0
# suite is clean. Usage: scripts/spec3-classify.sh [-a] (-a: every line,
# else the first 20 per file).
set -uo pipefail
cd "$(dirname "$0")/.."
suite=${TIMECRAFT_SPEC_SUITE:-$PWD/../shared/spec-testsuite}
per_file=20
[ "${1:-}" = "-a" ] && per_file=1000000
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bin/timecraft wast --expectations spec-tests/expectations-3.0.txt \
  "$suite/wasm-3.0" "$suite/wasm-3.0/legacy" "$suite/wasm-3.0/custom" >"$out" 2>&1
echo "== failing commands not covered by spec-tests/expectations-3.0.txt"
grep -E '^  [^ ]+:[0-9]+: ' "$out" | grep -v ': passed, but is listed as an expected failure$' |
  awk -v max="$per_file" '{ split($1, a, ":"); f = a[1]; n[f]++; if (n[f] <= max) print }
       END { for (f in n) if (n[f] > max) printf "  ... %s: %d in all\n", f, n[f] }'
echo "== per file"
grep -E '^  [^ ]+:[0-9]+: ' "$out" | grep -v ': passed, but is listed as an expected failure$' |
  sed -E 's/^  ([^:]+):.*/\1/' | sort | uniq -c | sort -rn
echo "== listed as expected failures, but passing (remove them)"
grep ': passed, but is listed as an expected failure$' "$out" | sed 's/: passed, but is listed.*//'
echo "== totals"
tail -1 "$out"
