#!/usr/bin/env bash
# The official WASI preview1 test suite, through the real CLI: one count per test.
# TIMECRAFT_WASI_CHAOTIC=RATE runs it under `run --chaotic RATE` (0: fault
# injection in place, injecting nothing: the suite must pass all the same).
set -uo pipefail
cd "$(dirname "$0")/../.."
wasi_suite=${TIMECRAFT_WASI_SUITE:-$PWD/../shared/wasi-testsuite}
if [ ! -d "$wasi_suite/tests" ]; then
  echo "WASI test suite not found at $wasi_suite (set TIMECRAFT_WASI_SUITE)"
  echo "0 passed, 1 failed"
  exit 0
fi
out=$(bin/tests/wasi_testsuite_runner --timecraft bin/timecraft \
      ${TIMECRAFT_WASI_CHAOTIC:+--chaotic "$TIMECRAFT_WASI_CHAOTIC"} "$wasi_suite" 2>&1)
echo "$out" | grep -v '^PASS ' | tail -n 100 | sed 's/^\([0-9]* passed, [0-9]* failed\)/wasi testsuite: \1/'
line=$(echo "$out" | tail -1)
if ! echo "$line" | grep -qE '^[0-9]+ passed, [0-9]+ failed'; then
  echo "wasi testsuite runner crashed: $line"; echo "0 passed, 1 failed"; exit 0
fi
echo "$line"
