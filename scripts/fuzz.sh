#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, fuzz variant) if needed and runs one
# of them, or each in turn, for SECONDS:
#
#   scripts/fuzz.sh TARGET|all SECONDS [-- LIBFUZZER_ARGS...]
#   scripts/fuzz.sh list                   the targets
#
# TARGET is fuzz_module, fuzz_text, fuzz_log, fuzz_replay, fuzz_meta or fuzz_debug
# (fuzz/README.md). Each runs on a working copy of its corpus,
# $FUZZ_WORKDIR/<target> (default bin/fuzz-corpus/<target>), seeded from
# fuzz/corpus/<target>; new inputs go there, never into the tree. Findings
# (crash-*, timeout-*, oom-*, leak-* files) go to bin/fuzz-findings/<target>/.
# Prints executions per second, coverage (cov/ft of the final stats line)
# and the findings; exits non-zero if there was one (or the build failed).
set -uo pipefail
cd "$(dirname "$0")/.."
targets=(fuzz_module fuzz_text fuzz_log fuzz_replay fuzz_meta fuzz_debug fuzz_gdbremote)
usage() { echo "usage: scripts/fuzz.sh TARGET|all SECONDS [-- LIBFUZZER_ARGS...]   (targets: ${targets[*]})" >&2; exit 2; }
[ "${1:-}" = list ] && { printf '%s\n' "${targets[@]}"; exit 0; }
[ $# -ge 2 ] || usage
what=$1 seconds=$2
shift 2
[ "${1:-}" = -- ] && shift
extra=("$@")
[[ $seconds =~ ^[0-9]+$ ]] || usage
if [ "$what" = all ]; then run=("${targets[@]}")
else
  printf '%s\n' "${targets[@]}" | grep -qx -- "$what" || usage
  run=("$what")
fi

if ! b2 toolset=clang variant=fuzz -j2 -d0 fuzzers; then
  echo "fuzz: build failed (needs clang++ and libclang-rt-14-dev; scripts/setup.sh)" >&2
  exit 1
fi
workdir=${FUZZ_WORKDIR:-bin/fuzz-corpus}

findings_in() { ls -t "$1" | grep -E '^(crash|timeout|oom|leak)-' ; }

status=0
for t in "${run[@]}"; do
  exe=bin/fuzz/$t
  if [ ! -x "$exe" ]; then echo "$t: not built ($exe missing)"; status=1; continue; fi
  corpus=$workdir/$t findings=bin/fuzz-findings/$t
  mkdir -p "$corpus" "$findings"
  [ -d fuzz/corpus/$t ] && cp -n fuzz/corpus/$t/* "$corpus"/ 2>/dev/null
  dict=()
  [ -f fuzz/$t.dict ] && dict=(-dict=fuzz/$t.dict)
  before=$(findings_in "$findings" | wc -l)
  log=$(mktemp)
  start=$SECONDS
  "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" "${dict[@]}" "${extra[@]}" "$corpus" >"$log" 2>&1
  rc=$?
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  found=$(findings_in "$findings" | wc -l)
  echo "$t: $((SECONDS - start))s, ${runs:-?} runs, ${execs:-?} exec/s, cov: ${cov:-?} ft: ${ft:-?}, corpus $(ls "$corpus" | wc -l) files, findings $((found - before))"
  if [ "$rc" -ne 0 ] || [ "$found" -gt "$before" ]; then
    status=1
    grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|^ALARM|out-of-memory|deadly signal' "$log" | head -5 | sed "s/^/$t: /"
    findings_in "$findings" | head -$((found - before)) | sed "s|^|$t: finding $findings/|"
    cp "$log" "$findings/last-run.log"
    echo "$t: full output in $findings/last-run.log; reproduce: $exe FILE"
  fi
  rm -f "$log"
done
exit $status
