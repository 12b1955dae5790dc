#!/usr/bin/env bash
# The engine and CLI build with clang++ 14 as well as g++ 12 (what
# libFuzzer and clang's sanitizers need), and the clang build passes the
# spec suite. One count: the build and the suite together.
set -uo pipefail
cd "$(dirname "$0")/../.."
suite=${TIMECRAFT_SPEC_SUITE:-$PWD/../shared/spec-testsuite}
if ! out=$(b2 toolset=clang -j2 -d0 dist 2>&1); then
  echo "$out" | grep -E 'error' -A3 | head -20
  echo "clang build: failed"
  echo "0 passed, 1 failed"
  exit 0
fi
line=$(bin/clang/timecraft wast --expectations spec-tests/expectations.txt "$suite/wasm-2.0" 2>&1 | tail -1)
echo "clang build: spec wasm-2.0 $line"
if echo "$line" | grep -qE '^[0-9]+ passed, 0 failed'; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
