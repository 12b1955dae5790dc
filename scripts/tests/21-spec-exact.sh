#!/usr/bin/env bash
# The spec suite again in the debugger's exact tier (TIMECRAFT_TIER=exact):
# every instruction counted and steppable, results identical.
set -uo pipefail
cd "$(dirname "$0")/../.."
suite=${TIMECRAFT_SPEC_SUITE:-$PWD/../shared/spec-testsuite}
if [ ! -d "$suite/wasm-2.0" ]; then
  echo "spec suite not found at $suite (set TIMECRAFT_SPEC_SUITE)"
  echo "0 passed, 1 failed"
  exit 0
fi
out=$(mktemp)
TIMECRAFT_TIER=exact bin/timecraft wast --expectations spec-tests/expectations.txt "$suite/wasm-2.0" >"$out" 2>&1
grep -v '^passed ' "$out" | tail -n 200 | sed 's/^\([0-9]* passed, [0-9]* failed\)/spec wasm-2.0 (exact tier): \1/'
line=$(tail -1 "$out")
rm -f "$out"
if ! echo "$line" | grep -qE '^[0-9]+ passed, [0-9]+ failed'; then
  echo "spec runner crashed: $line"; echo "0 passed, 1 failed"; exit 0
fi
echo "$line" | sed 's/, [0-9]* skipped//'
