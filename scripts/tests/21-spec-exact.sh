#!/usr/bin/env bash
# The spec suite again on the debugger's tiers: first all on the exact code
# (TIMECRAFT_TIER=exact: every instruction counted and steppable), then on
# the counted fast code with frames moved onto the exact code and back every
# few instructions (TIMECRAFT_TIER=switch), each command's instruction count
# checked against the exact code's (--check-counts). Results identical.
set -uo pipefail
cd "$(dirname "$0")/../.."
suite=${TIMECRAFT_SPEC_SUITE:-$PWD/../shared/spec-testsuite}
if [ ! -d "$suite/wasm-2.0" ]; then
  echo "spec suite not found at $suite (set TIMECRAFT_SPEC_SUITE)"
  echo "0 passed, 1 failed"
  exit 0
fi
passed=0
failed=0
pass() {  # TIER LABEL [OPTION...]
  local tier=$1 label=$2 out line p f
  shift 2
  out=$(mktemp)
  TIMECRAFT_TIER=$tier bin/timecraft wast "$@" --expectations spec-tests/expectations.txt "$suite/wasm-2.0" >"$out" 2>&1
  grep -v '^passed ' "$out" | tail -n 200 | sed "s/^\([0-9]* passed, [0-9]* failed\)/spec wasm-2.0 ($label): \1/"
  line=$(tail -1 "$out")
  rm -f "$out"
  if ! echo "$line" | grep -qE '^[0-9]+ passed, [0-9]+ failed'; then
    echo "spec runner crashed ($label): $line"
    failed=$((failed + 1))
    return
  fi
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  passed=$((passed + p))
  failed=$((failed + f))
}
pass exact "exact tier"
pass switch "tiers switching, counts checked" --check-counts
echo "$passed passed, $failed failed"
