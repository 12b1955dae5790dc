#!/usr/bin/env bash
# Differential testing against V8: generates COUNT random valid modules with
# binaryen's `wasm-opt -ttf` (WebAssembly 2.0 features only) from a seeded
# byte stream, runs each with Node.js (test/diff/diff_runner.js) and with
# timecraft's engine (bin/tests/wasm_diff_runner, five times: with fuel
# and guard pages; without fuel, the production configuration; with fuel
# and explicit bounds checks; in the debugger's exact tier; on its counted
# tiers with frames switching), and compares the outputs line by line.
#
#   scripts/difftest.sh COUNT [SEED]      (SEED defaults to 1)
#   scripts/difftest.sh --reduce MODULE.wasm [OUT.wasm]   (see below)
#
# One count per module: passed (all outputs equal), failed (a difference, a
# crash, a hang without fuel, or the engine rejecting a module V8 accepts),
# or skipped with a reason (V8 rejects the module or times out, the engine
# runs out of fuel, the two run out of call stack at different depths:
# inconclusive). Failing modules, and modules V8 rejects
# but the engine accepts, are kept with both outputs in $DIFFTEST_KEEP
# (default /tmp/timecraft-difftest-SEED). The same COUNT and SEED always
# give the same modules. Needs node, wasm-opt (binaryen) and `b2 test`.
#
# Every other module also goes through binaryen's random optimisation
# passes (--fuzz-passes), one in three keeps memory accesses in bounds
# (--no-fuzz-oob), so more code runs before a trap. One module in four
# enables reference types instead of SIMD: binaryen 108 then often emits
# GC-only constructs, which both engines must reject ("both reject").
#
# NaNs: the spec lets float operations on NaNs return any arithmetic NaN,
# and V8 and the engine differ there, so modules get binaryen's --denan
# (scalar floats) and test/diff/denan_simd.js (f32x4/f64x2 arithmetic), and
# float results print NaN as "nan".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Triage: scripts/difftest.sh --reduce MODULE.wasm [OUT.wasm] shrinks a
# failing module with binaryen's wasm-reduce, keeping the outputs different
# (--check FILE is its test command: prints "differ", "same" or "bad").
if [ "${1:-}" = --check ]; then
  e=$(timeout 10 "$root/bin/tests/wasm_diff_runner" --dump-memory "$2" 2>/dev/null); erc=$?
  n=$(timeout 10 node "$root/test/diff/diff_runner.js" --dump-memory "$2" 2>/dev/null); nrc=$?
  if ((erc || nrc)); then echo bad; elif [ "$e" != "$n" ]; then echo differ; else echo same; fi
  exit 0
fi
if [ "${1:-}" = --reduce ]; then
  in=$(realpath "${2:?usage: scripts/difftest.sh --reduce MODULE.wasm [OUT.wasm]}")
  out=$(realpath -m "${3:-${2%.wasm}.reduced.wasm}")
  t=$(mktemp /tmp/timecraft-reduce.XXXXXX.wasm)
  trap 'rm -f "$t"' EXIT
  cd "$(dirname "$out")" || exit 1
  wasm-reduce "$in" -b "$(dirname "$(command -v wasm-opt)")/" -to 20 --all-features \
    --command="bash $root/scripts/difftest.sh --check $t" -t "$t" -w "$out" | tail -3
  wasm-dis "$out"
  exit 0
fi

# The rest is one function, read whole before it runs: editing this file
# during a long run cannot derail it.
main() {
cd "$root"
count=${1:?usage: scripts/difftest.sh COUNT [SEED]}
seed=${2:-1}
keep=${DIFFTEST_KEEP:-/tmp/timecraft-difftest-$seed}
runner=bin/tests/wasm_diff_runner
timeout_s=${DIFFTEST_TIMEOUT:-20}
for tool in node wasm-opt wasm-dis wasm-as "$runner"; do
  command -v "$tool" >/dev/null || { echo "difftest: $tool not found"; echo "0 passed, 1 failed"; exit 1; }
done

work=$(mktemp -d /tmp/timecraft-difftest-work.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A private copy: rebuilding during a long run must not change or remove it.
cp "$runner" "$work/wasm_diff_runner" && runner=$work/wasm_diff_runner
mkdir -p "$keep"

# 1000-16999 bytes per module from a splitmix32 stream keyed by (seed, case).
node -e '
  const fs = require("fs");
  const [dir, count, seed] = [process.argv[1], +process.argv[2], +process.argv[3]];
  for (let i = 0; i < count; ++i) {
    let s = (Math.imul(seed, 0x9e3779b9) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const b = Buffer.alloc(1000 + next() % 16000);
    for (let k = 0; k < b.length; ++k) b[k] = next() & 0xff;
    fs.writeFileSync(dir + "/" + i + ".in", b);
  }' "$work" "$count" "$seed" || { echo "difftest: input generation failed"; echo "0 passed, 1 failed"; exit 1; }

base_features=(--mvp-features --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int
               --enable-bulk-memory --enable-multivalue)
passed=0
failed=0
declare -A skipped=()
start=$(date +%s)

# First differing line of two outputs: "line N: engine: ... | v8: ...".
first_diff() {
  awk 'NR == FNR { a[FNR] = $0; na = FNR; next }
       { b[FNR] = $0; nb = FNR }
       END {
         n = na > nb ? na : nb
         for (i = 1; i <= n; ++i)
           if (a[i] != b[i]) {
             x = i in a ? a[i] : "(end)"; y = i in b ? b[i] : "(end)"
             if (length(x) > 300) x = substr(x, 1, 300) "..."
             if (length(y) > 300) y = substr(y, 1, 300) "..."
             printf "line %d: engine: %s | v8: %s\n", i, x, y; exit
           }
       }' "$1" "$2"
}

fail() {  # case reason
  failed=$((failed + 1))
  echo "FAIL case $1 (seed $seed, case $1): $2"
  mkdir -p "$keep/$1"
  cp "$work/$1.in" "$work/$1.wasm" "$keep/$1/" 2>/dev/null
  cp "$work/$1".*.txt "$keep/$1/" 2>/dev/null
}
skip() {  # case reason
  skipped[$2]=$(( ${skipped[$2]:-0} + 1 ))
}

# Phase 1: the modules.
declare -A genfail=()
declare -A feature_args=()
for ((i = 0; i < count; ++i)); do
  # Reference types without SIMD: binaryen's text round trip (below)
  # re-encodes their types in GC form.
  features=("${base_features[@]}" --enable-simd)
  ((i % 4 == 3)) && features=("${base_features[@]}" --enable-reference-types)
  ttf=(-ttf)
  ((i % 2 == 1)) && ttf+=(--fuzz-passes)  # random optimisation passes
  ((i % 3 == 2)) && ttf+=(--no-fuzz-oob)  # accesses kept in bounds: longer runs
  # (in a subshell, so that bash reports no "Aborted" when binaryen asserts)
  (wasm-opt "$work/$i.in" "${ttf[@]}" "${features[@]}" --denan -o "$work/$i.wasm"; exit $?) >/dev/null 2>&1 ||
    genfail[$i]="wasm-opt -ttf failed"
  feature_args[$i]="${features[*]}"
done
# --denan covers scalar floats only: SIMD float arithmetic gets its NaN
# lanes zeroed by test/diff/denan_simd.js (text round trip through
# binaryen), which also lets each call run 1000 loop iterations and calls
# instead of binaryen's 10 (the hang limit). Not for reference types.
wats=()
for ((i = 0; i < count; ++i)); do
  [ -n "${genfail[$i]:-}" ] && continue
  ((i % 4 == 3)) && continue
  wasm-dis "$work/$i.wasm" -o "$work/$i.wat" 2>/dev/null && wats+=("$work/$i.wat") || genfail[$i]="wasm-dis failed"
done
if ((${#wats[@]})); then
  for w in $(node test/diff/denan_simd.js --hang-limit 1000 "${wats[@]}"); do
    i=$(basename "$w" .wat)
    # shellcheck disable=SC2086  # the feature flags, one word each
    wasm-as ${feature_args[$i]} "$w" -o "$work/$i.wasm" >/dev/null 2>&1 || genfail[$i]="wasm-as failed on the SIMD-denanned text"
  done
fi

# Phase 2: V8, all modules in one Node process (start-up dominates
# otherwise). A module making no progress for $timeout_s seconds is marked
# hung (status 124) and the batch restarts after it.
pending=()
for ((i = 0; i < count; ++i)); do [ -n "${genfail[$i]:-}" ] || pending+=("$work/$i.wasm"); done
while ((${#pending[@]})); do
  node test/diff/diff_runner.js --out "$work" "${pending[@]}" 2>/dev/null &
  pid=$!
  last=-1
  idle=0
  killed=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    n=$(find "$work" -name '*.v8.rc' | wc -l)
    if [ "$n" -ne "$last" ]; then last=$n; idle=0; else idle=$((idle + 1)); fi
    if ((idle > timeout_s * 5)); then kill "$pid" 2>/dev/null; killed=1; break; fi
  done
  wait "$pid" 2>/dev/null
  rest=()
  first=1
  for f in "${pending[@]}"; do
    [ -e "${f%.wasm}.v8.rc" ] && continue
    # The first unfinished module hung (or crashed the runner).
    if ((first)); then echo $((killed ? 124 : 99)) >"${f%.wasm}.v8.rc"; first=0; else rest+=("$f"); fi
  done
  pending=("${rest[@]}")
done

# Phase 3: the engine, and the comparison.
engine() {  # case output-suffix runner-options...
  local i=$1 out=$2
  shift 2
  timeout "$timeout_s" "$runner" "$@" "$work/$i.wasm" >"$work/$i.$out.txt" 2>/dev/null
}
for ((i = 0; i < count; ++i)); do
  if [ -n "${genfail[$i]:-}" ]; then skip "$i" "${genfail[$i]}"; continue; fi
  m=$work/$i.wasm
  nrc=$(cat "$work/$i.v8.rc")
  engine "$i" engine  # fuel and guard pages
  erc=$?
  if [ "$nrc" -eq 124 ]; then skip "$i" "V8 timed out"; continue; fi
  if [ "$erc" -ne 0 ] && [ "$erc" -ne 2 ] && [ "$erc" -ne 3 ]; then
    fail "$i" "engine exit status $erc (crash or hang)"; continue
  fi
  if [ "$nrc" -eq 2 ]; then
    if [ "$erc" -eq 2 ]; then skip "$i" "both reject the module"; continue; fi
    skip "$i" "V8 rejects, engine accepts (kept in $keep)"
    mkdir -p "$keep/$i" && cp "$work/$i.in" "$m" "$keep/$i/"
    continue
  fi
  if [ "$nrc" -ne 0 ]; then skip "$i" "V8 runner failed (status $nrc)"; continue; fi
  if [ "$erc" -eq 2 ]; then fail "$i" "engine rejects a module V8 accepts"; continue; fi
  if [ "$erc" -eq 3 ]; then skip "$i" "fuel exhausted (inconclusive)"; continue; fi
  if ! cmp -s "$work/$i.engine.txt" "$work/$i.v8.txt"; then
    d=$(first_diff "$work/$i.engine.txt" "$work/$i.v8.txt")
    # Where the call stack runs out is up to the engine (V8 counts bytes,
    # timecraft frames): a difference starting there is inconclusive.
    case $d in *"=> trap stack"*) skip "$i" "call stack limits differ (inconclusive)"; continue ;; esac
    fail "$i" "$d"; continue
  fi
  # The production configuration (no fuel checks: other fused groups),
  # then explicit bounds checks instead of guard pages.
  engine "$i" engine-nofuel --fuel 0
  erc=$?
  if [ "$erc" -ne 0 ]; then fail "$i" "without fuel: exit status $erc"; continue; fi
  if ! cmp -s "$work/$i.engine-nofuel.txt" "$work/$i.v8.txt"; then
    fail "$i" "without fuel: $(first_diff "$work/$i.engine-nofuel.txt" "$work/$i.v8.txt")"; continue
  fi
  engine "$i" engine-explicit --explicit-bounds
  erc=$?
  if [ "$erc" -ne 0 ]; then fail "$i" "explicit bounds checks: exit status $erc"; continue; fi
  if ! cmp -s "$work/$i.engine-explicit.txt" "$work/$i.v8.txt"; then
    fail "$i" "explicit bounds checks: $(first_diff "$work/$i.engine-explicit.txt" "$work/$i.v8.txt")"; continue
  fi
  # The debugger's exact tier (no folding or fused groups, every
  # instruction counted).
  TIMECRAFT_TIER=exact engine "$i" engine-exact --fuel 0
  erc=$?
  if [ "$erc" -ne 0 ]; then fail "$i" "exact tier: exit status $erc"; continue; fi
  if ! cmp -s "$work/$i.engine-exact.txt" "$work/$i.v8.txt"; then
    fail "$i" "exact tier: $(first_diff "$work/$i.engine-exact.txt" "$work/$i.v8.txt")"; continue
  fi
  # The debugger's counted tiers, frames moving between the fast and the
  # exact code every few instructions.
  TIMECRAFT_TIER=switch engine "$i" engine-switch --fuel 0
  erc=$?
  if [ "$erc" -ne 0 ]; then fail "$i" "tiers switching: exit status $erc"; continue; fi
  if ! cmp -s "$work/$i.engine-switch.txt" "$work/$i.v8.txt"; then
    fail "$i" "tiers switching: $(first_diff "$work/$i.engine-switch.txt" "$work/$i.v8.txt")"; continue
  fi
  passed=$((passed + 1))
done

nskipped=0
for reason in "${!skipped[@]}"; do
  echo "skipped ${skipped[$reason]}: $reason"
  nskipped=$((nskipped + skipped[$reason]))
done
echo "difftest: $count modules (seed $seed) in $(( $(date +%s) - start ))s, $nskipped skipped"
[ "$failed" -eq 0 ] || echo "failing modules kept in $keep"
rmdir "$keep" 2>/dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
}
main "$@"
exit
