#!/usr/bin/env bash
# SIMD benchmark: kernels.c compiled for wasm32-wasi with and without
# -msimd128, both run under timecraft (median of BENCH_RUNS wall times);
# the two checksums must agree. Usage: bench/simd/run.sh [quick|REPS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tc=${TIMECRAFT:-$root/bin/timecraft}
runs=${BENCH_RUNS:-5}
arg=${1:-}
out=$root/bench/build/simd
mkdir -p "$out"
read -ra cc <<<"${CC_WASM:-clang --target=wasm32-wasi}"
"${cc[@]}" -O2 "$here/kernels.c" -o "$out/scalar.wasm"
"${cc[@]}" -O2 -msimd128 "$here/kernels.c" -o "$out/simd128.wasm"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A sum
for v in scalar simd128; do
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s.%N)
    sum[$v]=$("$tc" run --no-record "$out/$v.wasm" $arg)
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  med=$(printf '%s\n' "${times[@]}" | median)
  printf '%-8s %8.3f s   %s\n' "$v" "$med" "${sum[$v]}"
done
if [[ "${sum[scalar]}" != "${sum[simd128]}" ]]; then
  echo "FAIL: checksums differ" >&2
  exit 1
fi
