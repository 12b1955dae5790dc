#!/usr/bin/env bash
# The libFuzzer targets (fuzz/): one count per target. A target passes when
# it builds, every input in fuzz/regressions/<target>/ (inputs that once
# crashed it) runs cleanly, and a short fuzzing run from its seed corpus
# finds nothing. $TIMECRAFT_FUZZ_SECONDS per target (default 20).
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${TIMECRAFT_FUZZ_SECONDS:-20}
targets=$(scripts/fuzz.sh list)
passed=0
failed=0
if ! b2 toolset=clang variant=fuzz -j2 -d0 fuzzers; then
  echo "fuzz: build failed"
  echo "0 passed, $(echo "$targets" | wc -w) failed"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in $targets; do
  ok=1
  if [ ! -x bin/fuzz/$t ]; then
    echo "fuzz $t: not built"; ok=0
  else
    regs=(fuzz/regressions/$t/*)
    if [ -e "${regs[0]}" ]; then
      if bin/fuzz/$t -rss_limit_mb=2048 -timeout=10 "${regs[@]}" >"$work/$t.reg.log" 2>&1; then
        echo "fuzz $t: ${#regs[@]} regression inputs ok"
      else
        echo "fuzz $t: a regression input fails:"; grep -E 'Running:|ERROR|SUMMARY|runtime error' "$work/$t.reg.log" | tail -5
        ok=0
      fi
    fi
    FUZZ_WORKDIR=$work scripts/fuzz.sh "$t" "$seconds" | sed 's/^/fuzz /' || ok=0
  fi
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
