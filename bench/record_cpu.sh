#!/usr/bin/env bash
# Recording cost in CPU time (user+sys of the whole process, all threads,
# the log writer's included):
# each program runs with `--no-record` and recorded, alternately
# (BENCH_RUNS pairs, default 7); prints the medians and their ratio.
# The issue's targets: clocks (1M clock_time_get) <= 1.5x, reads (200 MiB
# of file reads in 64 KiB calls) <= 4x.
#
#   bench/record_cpu.sh            (from the project root, after b2)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${BENCH_RUNS:-7}
out=bench/build/syscalls
mkdir -p "$out/data"
scratch_registry tc-bench-registry "$out/data"
build_syscalls "$out" clocks reads
head -c $((50 << 20)) /dev/urandom > "$out/data/blob"   # 50 MiB, read 4 times

# cpu_ms CMD... -> CPU ms of one run, all threads, user+sys (stdout
# discarded): perf's task-clock (to the microsecond) where perf works, else
# /usr/bin/time's user+sys (to 10 ms).
if perf stat -x, -e task-clock -o "$out/time" true 2>/dev/null; then
  cpu_ms() {
    perf stat -x, -e task-clock -o "$out/time" "$@" >/dev/null 2>/dev/null || true
    awk -F, '$3 == "task-clock" {printf "%.1f\n", $1}' "$out/time"
  }
else
  cpu_ms() {
    /usr/bin/time -f "%U %S" -o "$out/time" "$@" >/dev/null 2>/dev/null || true
    awk '{printf "%d\n", ($1 + $2) * 1000}' "$out/time"
  }
fi
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
printf "%-8s %14s %14s %7s\n" program "no-rec CPU ms" "record CPU ms" ratio
for p in clocks reads; do
  args=("$out/$p.wasm")
  [ "$p" = reads ] && args=(--dir "$out/data:/data" "$out/$p.wasm" /data/blob 4)
  : >"$out/base"; : >"$out/rec"
  for _ in $(seq "$RUNS"); do
    cpu_ms "$TC" run --no-record "${args[@]}" >>"$out/base"
    cpu_ms "$TC" run "${args[@]}" >>"$out/rec"
    rm -rf "$TIMECRAFT_REGISTRY/processes"   # keep the disk flat between runs
  done
  b=$(median <"$out/base"); r=$(median <"$out/rec")
  awk -v p="$p" -v b="$b" -v r="$r" 'BEGIN { printf "%-8s %14.1f %14.1f %6.2fx\n", p, b, r, r / (b > 0 ? b : 1) }'
done
