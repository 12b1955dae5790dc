#!/usr/bin/env bash
# The spec suites (wasm-2.0 as 20-spec.sh runs it, wasm-3.0 as
# 22-spec-3.0.sh) and the WASI suite (as 30-wasi.sh) again with
# TIMECRAFT_FUSE=0: the compiler emits the plain sequence, without fused
# pairs, triples and quads or the specialised single ops (EngineConfig::fuse
# and specialise), and every result must be the same. One count per script
# command and per WASI test, as there.
set -uo pipefail
cd "$(dirname "$0")/../.."
export TIMECRAFT_FUSE=0
passed=0
failed=0
for suite in 20-spec 22-spec-3.0 30-wasi; do
  out=$(bash "scripts/tests/$suite.sh" 2>&1)
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
  echo "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed' | sed "s/^/TIMECRAFT_FUSE=0 /"
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
  if [ -z "$p" ]; then
    echo "TIMECRAFT_FUSE=0 $suite: no result line (crashed?)"
    p=0 f=1
  fi
  echo "TIMECRAFT_FUSE=0 $suite: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$passed passed, $failed failed"
