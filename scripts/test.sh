#!/usr/bin/env bash
# Set-up, build, and run every test. The last line is "N passed, N failed",
# counting test cases (Boost.Test cases, spec-script commands, WASI suite
# tests, fuzz targets, differential cases), never assertions inside a test:
# a property test that checks a million inputs is one test. The exit status
# is non-zero if anything failed.
#
# Each suite is a file in scripts/tests/ (run in name order); it prints its
# own lines and ends with one "N passed, N failed" line that is added here.
# The spec suite is found at $TIMECRAFT_SPEC_SUITE, else ../shared/spec-testsuite;
# the WASI suite at $TIMECRAFT_WASI_SUITE, else ../shared/wasi-testsuite.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

# Every `timecraft run` records: keep the tests' recordings out of ~/.timecraft.
export TIMECRAFT_REGISTRY=$(mktemp -d /tmp/timecraft-test-registry.XXXXXX)
export TIMECRAFT_CONFIG=$TIMECRAFT_REGISTRY/config.yaml
# ... and the validation key out of ~/.local/state (outside the registry, as for users).
TIMECRAFT_KEY_DIR=$(mktemp -d /tmp/timecraft-test-key.XXXXXX)
export TIMECRAFT_KEY_FILE=$TIMECRAFT_KEY_DIR/validation.key
# A real S3 server (a one-node radosgw, scripts/s3-server.sh) for the S3
# tests, stopped at exit; without it they skip, and say why.
TIMECRAFT_S3_DIR=$(mktemp -d /tmp/timecraft-test-s3.XXXXXX)
trap 'scripts/s3-server.sh stop "$TIMECRAFT_S3_DIR"; rm -rf "$TIMECRAFT_REGISTRY" "$TIMECRAFT_KEY_DIR" "$TIMECRAFT_S3_DIR"' EXIT
if ! { b2 -j2 -d0 && b2 -j2 -d0 test; }; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

s3_t0=${EPOCHREALTIME/./}
if s3_out=$(scripts/s3-server.sh start "$TIMECRAFT_S3_DIR" 2>&1); then
  # shellcheck disable=SC1091
  . "$TIMECRAFT_S3_DIR/env"
  export TIMECRAFT_TEST_S3_ENDPOINT TIMECRAFT_TEST_S3_ACCESS_KEY TIMECRAFT_TEST_S3_SECRET_KEY
  echo "s3: radosgw at $TIMECRAFT_TEST_S3_ENDPOINT (started in $(( (${EPOCHREALTIME/./} - s3_t0) / 1000 )) ms)"
else
  export TIMECRAFT_TEST_S3_SKIP_REASON=$(echo "$s3_out" | tail -1)
  echo "s3: no server ($TIMECRAFT_TEST_S3_SKIP_REASON): the S3 tests skip"
fi

passed=0
failed=0
for suite in scripts/tests/*.sh; do
  out=$(mktemp)
  bash "$suite" >"$out" 2>&1
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  grep -vE '^[0-9]+ passed, [0-9]+ failed' "$out"
  echo "== $(basename "$suite" .sh): ${line:-no result}"
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  if [ -z "$p" ]; then p=0; f=1; echo "$(basename "$suite"): no result line (crashed?)"; fi
  passed=$((passed + p)); failed=$((failed + f))
  rm -f "$out"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
