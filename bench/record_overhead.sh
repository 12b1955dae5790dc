#!/usr/bin/env bash
# Recording overhead on syscall-bound programs: each program runs with
# `--no-record`, with recording, and as a replay of that recording.
# Prints median wall times (BENCH_RUNS runs, default 5), the overhead of
# recording, the replay/original ratio, and log bytes per call.
#
#   bench/record_overhead.sh            (from the project root, after b2)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${BENCH_RUNS:-5}
out=bench/build/syscalls
mkdir -p "$out/data"
scratch_registry tc-bench-registry "$out/data"
build_syscalls "$out" writes clocks reads
head -c $((64 << 20)) /dev/urandom > "$out/data/blob"   # 64 MiB, read 4 times

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd CMD... -> median ms over RUNS runs (stdout discarded).
time_cmd() {
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(now); "$@" >/dev/null 2>/dev/null || true; t1=$(now)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}

printf "%-8s %10s %10s %9s %10s %9s %8s %12s %10s\n" program "no-rec ms" "record ms" overhead \
  "replay ms" "rep/orig" calls "log bytes" "B/call"
for p in writes clocks reads; do
  args=("$out/$p.wasm")
  [ "$p" = reads ] && args=(--dir "$out/data:/data" "$out/$p.wasm" /data/blob 4)
  base=$(time_cmd "$TC" run --no-record "${args[@]}")
  rec=$(time_cmd "$TC" run "${args[@]}")
  # One more recorded run to replay and to measure.
  id=$("$TC" run "${args[@]}" 2>&1 >/dev/null | head -1)
  rep=$(time_cmd "$TC" replay -q "$id")
  calls=$("$TC" describe process "$id" | sed -n 's/^Records: *\([0-9]*\),.*/\1/p')
  bytes=$(du -sb "$TIMECRAFT_REGISTRY/processes/$id/log" | cut -f1)
  awk -v p="$p" -v b="$base" -v r="$rec" -v rp="$rep" -v c="$calls" -v by="$bytes" 'BEGIN {
    printf "%-8s %10d %10d %8.1f%% %10d %9.2f %8d %12d %10.2f\n", p, b, r, (r - b) * 100.0 / b, rp,
      rp / r, c, by, by / (c > 0 ? c : 1) }'
done
