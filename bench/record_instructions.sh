#!/usr/bin/env bash
# Recording overhead on CPU-bound code, counted in instructions rather than
# time: each benchmark program (quick size) runs under valgrind's
# cachegrind with --no-record and recorded; the table gives the
# instructions executed (all threads, start-up included) and the increase.
# Deterministic, so it sees a 0.1% difference that wall-clock runs on a
# shared machine (+-10% noise) cannot. Needs valgrind and bench/build/
# (bench/run.sh builds it).
#
#   bench/record_instructions.sh [PROGRAM...]
set -eu -o pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "record_instructions: valgrind not found (apt-get install valgrind)" >&2; exit 2; }
TIMECRAFT=${TIMECRAFT:-bin/timecraft}
progs=("$@")
((${#progs[@]})) || progs=(fib sieve matmul sha256 nbody interp sort memops hash64)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TIMECRAFT_REGISTRY=$tmp/registry
count() { # instructions executed by: timecraft run FLAGS... PROGRAM quick
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$TIMECRAFT" run "$@" quick \
    2>&1 >/dev/null | awk '/I +refs:/ {gsub(",", "", $4); print $4}'
}
printf '%-10s %16s %16s %9s\n' program "--no-record" recorded increase
sum=0
for p in "${progs[@]}"; do
  [[ -s bench/build/$p.wasm ]] || { echo "record_instructions: bench/build/$p.wasm missing (run bench/run.sh quick)" >&2; exit 2; }
  a=$(count --no-record "bench/build/$p.wasm") r=$(count "bench/build/$p.wasm")
  inc=$(awk -v a="$a" -v r="$r" 'BEGIN {printf "%+.3f%%", (r / a - 1) * 100}')
  printf '%-10s %16s %16s %9s\n' "$p" "$a" "$r" "$inc"
  sum=$(awk -v s="$sum" -v a="$a" -v r="$r" 'BEGIN {print s + log(r / a)}')
done
awk -v s="$sum" -v n="${#progs[@]}" 'BEGIN {printf "geomean increase: %+.3f%%  (target: recording within 3%%)\n", (exp(s / n) - 1) * 100}'
