#!/usr/bin/env bash
# Set-up, build, and run every test: unit tests (Boost.Test) and the
# WebAssembly spec test suite. The last line is "N passed, N failed" over
# every check (unit-test assertions + spec-script commands); the exit status
# is non-zero if anything failed.
#
# The spec suite is found at $TIMECRAFT_SPEC_SUITE, else ../shared/spec-testsuite.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
# Every `timecraft run` records: keep the tests' recordings out of ~/.timecraft.
export TIMECRAFT_REGISTRY=$(mktemp -d /tmp/timecraft-test-registry.XXXXXX)
export TIMECRAFT_CONFIG=$TIMECRAFT_REGISTRY/config.yaml
trap 'rm -rf "$TIMECRAFT_REGISTRY"' EXIT
if ! { b2 -j2 -d0 && b2 -j2 -d0 test; }; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Every *_tests target of test/Jamfile must have been installed: a test
# dropped from the install list would otherwise stop running silently.
for name in $(sed -n 's/^exe \([a-z0-9_]*_tests\) .*/\1/p' test/Jamfile); do
  [ -x "bin/tests/$name" ] || { echo "test binary $name was not installed"; failed=$((failed + 1)); }
done

# Unit tests: count assertions from each Boost.Test XML report.
for t in bin/tests/*_tests; do
  [ -x "$t" ] || continue
  report=$(mktemp)
  "$t" --log_level=error --report_level=short --report_format=XML --report_sink="$report" >/dev/null 2>"$report.err"
  rc=$?
  p=$(grep -o 'assertions_passed="[0-9]*"' "$report" | head -1 | grep -o '[0-9]*')
  f=$(grep -o 'assertions_failed="[0-9]*"' "$report" | head -1 | grep -o '[0-9]*')
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or aborted
  echo "unit $(basename "$t"): $p passed, $f failed"
  [ "$f" -eq 0 ] || { "$t" --log_level=error 2>&1 | tail -20; }
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$report" "$report.err"
done

# Spec tests.
suite=${TIMECRAFT_SPEC_SUITE:-$root/../shared/spec-testsuite}
if [ -d "$suite/wasm-2.0" ]; then
  out=$(mktemp)
  bin/timecraft wast --expectations spec-tests/expectations.txt "$suite/wasm-2.0" >"$out" 2>&1
  grep -v '^passed ' "$out" | tail -n 200
  line=$(tail -1 "$out")
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  if [ -z "$p" ]; then p=0; f=1; echo "spec runner crashed: $line"; fi
  echo "spec wasm-2.0: $line"
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$out"
else
  echo "spec suite not found at $suite (set TIMECRAFT_SPEC_SUITE)"
  failed=$((failed + 1))
fi

# The official WASI preview1 test suite, through the real CLI.
wasi_suite=${TIMECRAFT_WASI_SUITE:-$root/../shared/wasi-testsuite}
if [ -d "$wasi_suite/tests" ]; then
  out=$(bin/tests/wasi_testsuite_runner --timecraft bin/timecraft "$wasi_suite" 2>&1)
  echo "$out" | grep -v '^PASS ' | tail -n 100
  line=$(echo "$out" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  if [ -z "$p" ]; then p=0; f=1; echo "wasi testsuite runner crashed: $line"; fi
  echo "wasi testsuite: $line"
  passed=$((passed + p)); failed=$((failed + f))
else
  echo "WASI test suite not found at $wasi_suite (set TIMECRAFT_WASI_SUITE)"
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
