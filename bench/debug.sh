#!/usr/bin/env bash
# Debugger benchmark (see bench/README.md, "The debugger"): for each program,
# record a run, then time plain replay, reaching a breakpoint late in the run
# under `timecraft debug`, one reverse-step and one reverse-continue there,
# and report the checkpoints' memory, and a profiling replay (`timecraft
# profile`); then `timecraft run` start-up against
# another binary (the main branch's).
#
#   bench/debug.sh [PROGRAM...]          programs: sha256 go sort (default: sha256 go)
# Environment:
#   BENCH_RUNS=3            runs of each measurement (medians are reported)
#   BENCH_STARTUP_RUNS=50   runs of each start-up measurement
#   BENCH_TIMEOUT=900       seconds before one command is killed
#   DEBUG_SHA256_REPS=8     sha256.c's repeat count (1 MiB each)
#   DEBUG_SORT_N=1500000    sort.c's element count
#   DEBUG_GO_ROUNDS=2  DEBUG_GO_RECORDS=800   work.go's rounds and records per round
#   DEBUG_CHECKPOINT_INTERVAL=  passed as --checkpoint-interval when set
#   TIMECRAFT=bin/timecraft  TIMECRAFT_BASE=/work/main/bin/timecraft  (start-up baseline)
#   GO=/usr/lib/go-1.23/bin/go  CC_WASM="clang --target=wasm32-wasi"
set -u -o pipefail

for v in TIMECRAFT TIMECRAFT_BASE; do
  [[ -n ${!v:-} && ${!v} == */* && ${!v} != /* ]] && printf -v "$v" '%s' "$PWD/${!v}"
done
cd "$(dirname "$0")/.." || exit 2
TIMECRAFT=${TIMECRAFT:-$PWD/bin/timecraft}
TIMECRAFT_BASE=${TIMECRAFT_BASE-/work/main/bin/timecraft}
RUNS=${BENCH_RUNS:-3}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-50}
TIMEOUT=${BENCH_TIMEOUT:-900}
GO=${GO:-/usr/lib/go-1.23/bin/go}
read -ra CC_WASM <<<"${CC_WASM:-clang --target=wasm32-wasi}"
REPS=${DEBUG_SHA256_REPS:-8} SORT_N=${DEBUG_SORT_N:-1500000}
GO_ROUNDS=${DEBUG_GO_ROUNDS:-2} GO_RECORDS=${DEBUG_GO_RECORDS:-800}
CKPT=()
[[ -n ${DEBUG_CHECKPOINT_INTERVAL:-} ]] && CKPT=(--checkpoint-interval "$DEBUG_CHECKPOINT_INTERVAL")
PROGRAMS=("$@")
((${#PROGRAMS[@]})) || PROGRAMS=(sha256 go)
OUT=bench/build

die() { echo "bench: $*" >&2; exit 2; }
note() { echo "$*" >&2; }
[[ -x $TIMECRAFT ]] || die "timecraft not found at $TIMECRAFT (b2 -j2 dist)"

mkdir -p "$OUT"
TMP=$(mktemp -d "$OUT/debug.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
export TIMECRAFT_REGISTRY=$TMP/registry

# ---- programs ------------------------------------------------------------
# Each program: its wasm, arguments, the commands that reach a late stop
# (REACH), the reverse step to time there (RSTEP) and the breakpoint that
# reverse-continue goes back to (set in REACH).
# C: compiled and linked in two steps, with DWARF: given -O at the link,
# clang runs wasm-opt, which leaves the DWARF stale (test/debug/Jamfile).
build_c() {
  local p=$1 w=$OUT/dbg-$1.wasm
  [[ $w -nt bench/programs/$p.c ]] && return
  note "building dbg-$p.wasm"
  "${CC_WASM[@]}" -O2 -g -c "bench/programs/$p.c" -o "$TMP/$p.o" &&
    "${CC_WASM[@]}" -g "$TMP/$p.o" -o "$TMP/$p.wasm" && mv "$TMP/$p.wasm" "$w" || die "$p: compile failed"
}
build_go() {
  local w=$OUT/work-go.wasm
  [[ $w -nt bench/programs/go/work.go ]] && return
  [[ -x $GO ]] || die "no Go toolchain at $GO (scripts/setup.sh installs golang-1.23-go)"
  note "building work-go.wasm"
  GOCACHE=$PWD/$OUT/gocache GOOS=wasip1 GOARCH=wasm "$GO" build -o "$TMP/go.wasm" bench/programs/go/work.go &&
    mv "$TMP/go.wasm" "$w" || die "work.go: build failed"
}
# setup PROGRAM -> WASM ARGS REACH RSTEP (REACH may use $LAST_WRITE, set after recording)
setup() {
  case $1 in
    sha256) build_c sha256; WASM=$OUT/dbg-sha256.wasm ARGS=("$REPS") RSTEP=reverse-step
      REACH="break sha256.c:70"$'\n'"continue $REPS" ;;  # the end of the last repetition
    sort) build_c sort; WASM=$OUT/dbg-sort.wasm ARGS=("$SORT_N") RSTEP=reverse-step
      REACH="break mergesort"$'\n'"continue"$'\n'"break insertion" ;;  # back into quicksort's last leaf
    go) build_go; WASM=$OUT/work-go.wasm ARGS=("$GO_ROUNDS" "$GO_RECORDS")
      # No DWARF from Go's wasm linker: reverse-step would scan the whole run
      # for a line (see README); reverse-stepi instead. Entries of main.round
      # include its re-entries after goroutine switches.
      RSTEP=reverse-stepi REACH='goto record $LAST_WRITE'$'\n'"break main.round" ;;
    *) die "no such program: $1 (sha256 go sort)" ;;
  esac
}

# ---- measuring -----------------------------------------------------------
now_us() { NOW=${EPOCHREALTIME/[.,]/}; }
# timed CMD... -> US (wall microseconds), RC; output in $TMP/out, $TMP/err
timed() {
  local t0
  now_us; t0=$NOW
  timeout "$TIMEOUT" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  RC=$?
  now_us; US=$((NOW - t0))
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print NR ? ((NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) : "-"}'; }
fmt() { [[ $1 == [0-9]* ]] && awk -v x="$1" -v d="$2" 'BEGIN {printf "%.*f", d, x}' || echo "$1"; }
count() { [[ $1 == [0-9]* ]] && awk -v n="$1" 'BEGIN {if (n < 1e4) printf "%d", n; else if (n < 1e7) printf "%.1fk", n/1e3; else printf "%.1fM", n/1e6}' || echo "$1"; }
ratio() { [[ $1 == [0-9]* && $2 == [0-9]* ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}' || echo "-"; }
# seconds of the timing line of command $1 in $TMP/err (debug --timing)
cmd_s() { awk -v c="$1" 'index($0, "timing: ") == 1 && substr($0, index($0, " s: ") + 4) == c {print $2; exit}' "$TMP/err"; }
# instruction count printed by the Nth `info position` in $TMP/out
position() { awk -v n="$1" '/^Position / && ++k == n {for (i = 1; i < NF; i++) if ($i == "instruction") {sub(/ of.*/, "", $(i+1)); print $(i+1)}}' "$TMP/out"; }

header() {
  echo "timecraft debugger benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  runs=$RUNS (medians)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) x $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "timecraft: $TIMECRAFT ${CKPT[*]}"
  echo
}

declare -A R  # R[prog,field]: medians
FAILED=0
bench_program() {
  local p=$1 id i s script w reach_cmds
  local -a rep nor exa cnt prof start reach rs rc back ck mem
  setup "$p"
  timed "$TIMECRAFT" run "$WASM" "${ARGS[@]}"
  id=$(head -n 1 "$TMP/err")
  ((RC == 0)) && [[ $id == *-*-*-*-* ]] || { note "!!! $p: run failed (exit $RC)"; FAILED=1; return; }
  "$TIMECRAFT" trace "$id" >"$TMP/trace" || { note "!!! $p: trace failed"; FAILED=1; return; }
  LAST_WRITE=$(awk '$3 ~ /^fd_write\(fd=1/ {r = $1} END {print r}' "$TMP/trace")
  R[$p,records]=$(wc -l <"$TMP/trace")
  reach_cmds=$(eval "echo \"$REACH\"")
  script=$TMP/$p.tcdb
  { echo "$reach_cmds"; echo "info position"; echo "$RSTEP"; echo "info position"
    echo "reverse-continue"; echo "info position"; echo "info checkpoints"; } >"$script"
  for ((i = 0; i < RUNS; i++)); do
    note "$p: run $((i + 1))/$RUNS"
    timed "$TIMECRAFT" replay -q "$id"; ((RC == 0)) && rep+=("$US") || { note "!!! $p: replay exit $RC"; FAILED=1; }
    timed "$TIMECRAFT" run --no-record "$WASM" "${ARGS[@]}"; ((RC == 0)) && nor+=("$US")
    TIMECRAFT_TIER=exact timed "$TIMECRAFT" replay -q "$id"; ((RC == 0)) && exa+=("$US")
    TIMECRAFT_TIER=counted timed "$TIMECRAFT" replay -q "$id"; ((RC == 0)) && cnt+=("$US")
    timed "$TIMECRAFT" profile -n 1 "$id"; ((RC == 0)) && prof+=("$US") || { note "!!! $p: profile exit $RC"; FAILED=1; }
    timed "$TIMECRAFT" debug --batch --timing "${CKPT[@]}" -x "$script" "$id"
    if ((RC != 0)) || ! grep -q '^Position ' "$TMP/out" || grep -q 'No more reverse-execution history' "$TMP/out"; then
      note "!!! $p: debug session failed (exit $RC):"; tail -n 5 "$TMP/out" "$TMP/err" >&2; FAILED=1; continue
    fi
    cp "$TMP/out" "$OUT/debug-$p.session.txt"  # the last session's transcript
    start+=("$(cmd_s "(start)")")
    s=0; while IFS= read -r line; do s=$(awk -v a="$s" -v b="$(cmd_s "$line")" 'BEGIN {print a + b}'); done \
      <<<"$reach_cmds"
    reach+=("$s")
    rs+=("$(cmd_s "$RSTEP")") rc+=("$(cmd_s reverse-continue)")
    back+=("$(($(position 2) - $(position 3)))")
    w=$(grep -m1 ' checkpoints (private memory' "$TMP/out")
    ck+=("${w%% *}") mem+=("$(sed 's/.*memory \([0-9.]*\) MiB.*/\1/' <<<"$w")")
    R[$p,at]=$(position 1)
  done
  R[$p,what]=$(paste -sd';' <<<"$reach_cmds" | sed 's/;/; /g') R[$p,rstep]=$RSTEP
  R[$p,replay]=$(median "${rep[@]}") R[$p,norec]=$(median "${nor[@]}") R[$p,exact]=$(median "${exa[@]}")
  R[$p,counted]=$(median "${cnt[@]}") R[$p,prof]=$(median "${prof[@]}")
  R[$p,start]=$(median "${start[@]}") R[$p,reach]=$(median "${reach[@]}")
  R[$p,rs]=$(median "${rs[@]}") R[$p,rc]=$(median "${rc[@]}") R[$p,back]=$(median "${back[@]}")
  R[$p,ck]=$(median "${ck[@]}") R[$p,mem]=$(median "${mem[@]}")
  R[$p,kib]=$(($(stat -c %s "$WASM") / 1024))
}

# ---- start-up ------------------------------------------------------------
# Median of STARTUP_RUNS interleaved runs of each binary, spawned directly.
startup() {
  local b i t0 flags
  local -A t
  "${CC_WASM[@]}" -O2 bench/programs/hello.c -o "$TMP/hello.wasm" || die "hello.c: compile failed"
  for ((i = 0; i < STARTUP_RUNS; i++)); do
    for b in "$@"; do
      for flags in --no-record ""; do
        now_us; t0=$NOW
        "$b" run $flags "$TMP/hello.wasm" >/dev/null 2>&1 </dev/null
        now_us; t[$b$flags]+=" $((NOW - t0))"
      done
    done
  done
  for b in "$@"; do
    S[$b]=$(median ${t[$b--no-record]}) SR[$b]=$(median ${t[$b]})
    SMIN[$b]=$(printf '%s\n' ${t[$b--no-record]} | sort -n | head -n 1) SRMIN[$b]=$(printf '%s\n' ${t[$b]} | sort -n | head -n 1)
  done
}

# ---- report --------------------------------------------------------------
for p in "${PROGRAMS[@]}"; do bench_program "$p"; done
declare -A S SR SMIN SRMIN
BINS=("$TIMECRAFT")
[[ -x $TIMECRAFT_BASE ]] && BINS+=("$TIMECRAFT_BASE")
note "start-up"
startup "${BINS[@]}"

header
echo "replay, and reaching a late stop under the debugger (seconds)"
f='%-7s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n'
printf "$f" program "wasm KiB" "stop Minstr" "norec s" "replay s" "exact s" "ex/rep" "count s" "cnt/rep" "start s" "reach s" "reach/rep" "host calls"
for p in "${PROGRAMS[@]}"; do
  [[ -n ${R[$p,replay]:-} ]] || { printf "$f" "$p" FAIL - - - - - - - - - - -; continue; }
  printf "$f" "$p" "${R[$p,kib]}" "$(fmt "$(awk -v n="${R[$p,at]:-0}" 'BEGIN {print n/1e6}')" 0)" \
    "$(fmt "$(awk -v u="${R[$p,norec]}" 'BEGIN {print u/1e6}')" 2)" \
    "$(fmt "$(awk -v u="${R[$p,replay]}" 'BEGIN {print u/1e6}')" 2)" \
    "$(fmt "$(awk -v u="${R[$p,exact]}" 'BEGIN {print u/1e6}')" 2)" "$(ratio "${R[$p,exact]}" "${R[$p,replay]}")" \
    "$(fmt "$(awk -v u="${R[$p,counted]}" 'BEGIN {print u/1e6}')" 2)" "$(ratio "${R[$p,counted]}" "${R[$p,replay]}")" \
    "$(fmt "${R[$p,start]}" 3)" "$(fmt "${R[$p,reach]}" 2)" \
    "$(ratio "$(awk -v s="${R[$p,reach]}" 'BEGIN {print s*1e6}')" "${R[$p,replay]}")" "${R[$p,records]}"
done
echo
echo "a profiling replay (timecraft profile: the whole command, table and registry object included)"
f='%-7s %8s %8s %8s\n'
printf "$f" program "replay s" "prof s" "prof/rep"
for p in "${PROGRAMS[@]}"; do
  [[ -n ${R[$p,prof]:-} && ${R[$p,prof]} != - ]] || continue
  printf "$f" "$p" "$(fmt "$(awk -v u="${R[$p,replay]}" 'BEGIN {print u/1e6}')" 2)" \
    "$(fmt "$(awk -v u="${R[$p,prof]}" 'BEGIN {print u/1e6}')" 2)" "$(ratio "${R[$p,prof]}" "${R[$p,replay]}")"
done
echo
echo "at that stop: one reverse command (milliseconds), checkpoints at the end of the session"
f='%-7s %-34s %10s %12s %10s %8s %10s\n'
printf "$f" program "reach" "rev-step ms" "rev-cont ms" "back instr" "ckpts" "ckpt MiB"
for p in "${PROGRAMS[@]}"; do
  [[ -n ${R[$p,rs]:-} && ${R[$p,rs]} != - ]] || continue
  printf "$f" "$p" "${R[$p,what]}" \
    "$(fmt "$(awk -v s="${R[$p,rs]}" 'BEGIN {print s*1000}')" 1)$([[ ${R[$p,rstep]} == reverse-stepi ]] && echo '(i)')" \
    "$(fmt "$(awk -v s="${R[$p,rc]}" 'BEGIN {print s*1000}')" 0)" \
    "$(count "${R[$p,back]}")" "${R[$p,ck]}" "${R[$p,mem]}"
done
echo "((i): reverse-stepi, the program has no DWARF)"
echo
echo "start-up: run hello.wasm, $STARTUP_RUNS interleaved runs each (ms: median, best)"
f='%-34s %8s %12s %8s %12s %8s\n'
printf "$f" binary "MiB" "--no-record" best recorded best
ms() { fmt "$(awk -v u="$1" 'BEGIN {print u/1000}')" 2; }
for b in "${BINS[@]}"; do
  printf "$f" "$b" "$(awk -v k="$(stat -c %s "$b")" 'BEGIN {printf "%.1f", k/1048576}')" \
    "$(ms "${S[$b]}")" "$(ms "${SMIN[$b]}")" "$(ms "${SR[$b]}")" "$(ms "${SRMIN[$b]}")"
done
if ((${#BINS[@]} == 2)); then
  a=$TIMECRAFT b=$TIMECRAFT_BASE
  echo "this/base: --no-record $(ratio "${S[$a]}" "${S[$b]}") (best $(ratio "${SMIN[$a]}" "${SMIN[$b]}")), recorded $(ratio "${SR[$a]}" "${SR[$b]}") (best $(ratio "${SRMIN[$a]}" "${SRMIN[$b]}"))"
else
  echo "(no baseline binary at ${TIMECRAFT_BASE:-(unset)}: set TIMECRAFT_BASE to compare)"
fi
# The process's own CPU time and page faults (perf stat), steadier than wall
# time, for `version` (loading alone) and the run: batches of 10 runs,
# binaries alternating; medians of the batch means.
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then
  declare -A PC PF
  for ((i = 0; i < (STARTUP_RUNS + 9) / 10; i++)); do
    for b in "${BINS[@]}"; do
      for c in version run; do
        args=(version); [[ $c == run ]] && args=(run --no-record "$TMP/hello.wasm")
        read -r t f < <(perf stat -x, -r 10 -e task-clock,page-faults -- "$b" "${args[@]}" 2>&1 >/dev/null </dev/null |
          awk -F, '$3 == "task-clock" {t = $1} $3 == "page-faults" {f = $1} END {print t, f}')
        PC[$b$c]+=" $t" PF[$b$c]+=" $f"
      done
    done
  done
  echo "perf stat (CPU ms, page faults):  version            run --no-record"
  for b in "${BINS[@]}"; do
    printf '%-34s %6s ms %5s   %6s ms %5s\n' "$b" "$(median ${PC[${b}version]})" "$(median ${PF[${b}version]})" \
      "$(median ${PC[${b}run]})" "$(median ${PF[${b}run]})"
  done
fi
((FAILED)) && echo && echo "!!! some runs FAILED (see messages above)"
exit "$FAILED"
