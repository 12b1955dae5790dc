#!/usr/bin/env bash
# timecraft benchmark suite (see bench/README.md); not part of the test command.
#
#   bench/run.sh [quick]                      table: native vs timecraft (vs V8)
#   bench/run.sh [quick] compare FLAGS_A FLAGS_B
#                                             timecraft with FLAGS_A vs FLAGS_B,
#                                             e.g. compare "--no-record" ""
# Environment:
#   BENCH_RUNS=5          runs per measurement (the median is reported)
#   BENCH_STARTUP_RUNS=10 runs for the start-up rows
#   BENCH_ONLY="fib sort" run a subset
#   BENCH_TIMEOUT=900     seconds before one run is killed
#   TIMECRAFT=bin/timecraft  TIMECRAFT_FLAGS=""   ->  $TIMECRAFT run $TIMECRAFT_FLAGS X.wasm
#   NODE=node             V8 reference column; NODE= disables it
#   CC_WASM="clang --target=wasm32-wasi"  CC_NATIVE=gcc  LARGE_FUNCS=6000
set -u -o pipefail

if [[ -n ${TIMECRAFT:-} && $TIMECRAFT == */* && $TIMECRAFT != /* ]]; then
  TIMECRAFT=$PWD/$TIMECRAFT # relative to the caller's directory
fi
cd "$(dirname "$0")/.." || exit 2
TIMECRAFT=${TIMECRAFT:-$PWD/bin/timecraft}
RUNS=${BENCH_RUNS:-5}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-10}
TIMEOUT=${BENCH_TIMEOUT:-900}
NODE=${NODE-node}
read -ra CC_WASM <<<"${CC_WASM:-clang --target=wasm32-wasi}"
read -ra CC_NATIVE <<<"${CC_NATIVE:-gcc}"
OUT=bench/build
BENCHES=(fib sieve matmul sha256 nbody interp sort memops hash64)
[[ -n ${BENCH_ONLY:-} ]] && read -ra BENCHES <<<"$BENCH_ONLY"

usage() { sed -n '2,15s/^# \{0,1\}//p' bench/run.sh >&2; exit "${1:-2}"; }
die() { echo "bench: $*" >&2; exit 2; }
note() { echo "$*" >&2; }

quick=0 compare=0 FLAGS_A="" FLAGS_B=""
while (($#)); do
  case $1 in
    quick) quick=1; shift ;;
    compare) (($# >= 3)) || usage; compare=1 FLAGS_A=$2 FLAGS_B=$3; shift 3 ;;
    help | -h | --help) usage 0 ;;
    *) usage ;;
  esac
done
ARG=()
((quick)) && ARG=(quick)

# ---- build ---------------------------------------------------------------
# Outputs are written under temporary names and renamed, and each invocation
# has its own scratch directory, so concurrent runs do not clobber each other.
mkdir -p "$OUT"
TMP=$(mktemp -d "$OUT/run.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
export TIMECRAFT_REGISTRY=$TMP/registry # recordings go to a scratch registry
if [[ ! -s $OUT/large.c || bench/gen-large.sh -nt $OUT/large.c ]]; then
  bench/gen-large.sh "$TMP/large.c" "${LARGE_FUNCS:-6000}" && mv "$TMP/large.c" "$OUT/large.c" ||
    die "gen-large.sh failed"
fi
for p in "${BENCHES[@]}" hello large; do
  src=bench/programs/$p.c
  [[ $p == large ]] && src=$OUT/large.c
  [[ -f $src ]] || die "no such benchmark: $p"
  if [[ ! $OUT/$p.wasm -nt $src ]]; then
    note "building $p.wasm"
    "${CC_WASM[@]}" -O2 "$src" -o "$TMP/$p.wasm" && mv "$TMP/$p.wasm" "$OUT/$p.wasm" ||
      die "$p.wasm: compile failed"
  fi
  if [[ ! $OUT/$p -nt $src ]]; then
    note "building $p (native)"
    "${CC_NATIVE[@]}" -O2 "$src" -o "$TMP/$p" -lm && mv "$TMP/$p" "$OUT/$p" ||
      die "$p: native compile failed"
  fi
done

# ---- engines -------------------------------------------------------------
HAVE_TIME=0
[[ -x /usr/bin/time ]] && HAVE_TIME=1
NODE_CMD=()
if [[ -n $NODE ]] && command -v "$NODE" >/dev/null; then
  for flags in "--experimental-wasi-unstable-preview1 --no-warnings" "--no-warnings"; do
    read -ra nf <<<"$flags"
    if [[ $("$NODE" "${nf[@]}" bench/wasi-run.mjs "$OUT/hello.wasm" 2>/dev/null) == "hello, world" ]]; then
      NODE_CMD=("$NODE" "${nf[@]}" bench/wasi-run.mjs)
      break
    fi
  done
fi
HAVE_TC=0
[[ -x $TIMECRAFT ]] && HAVE_TC=1

# engine_cmd ENGINE PROGRAM [FLAGS] -> CMD array
engine_cmd() {
  local flags
  case $1 in
    native) CMD=("$OUT/$2") ;;
    v8) CMD=("${NODE_CMD[@]}" "$OUT/$2.wasm") ;;
    tc*) read -ra flags <<<"$3"; CMD=("$TIMECRAFT" run "${flags[@]}" "$OUT/$2.wasm") ;;
  esac
  [[ $2 == hello || $2 == large ]] || CMD+=("${ARG[@]}")
}

# now_us: wall clock in microseconds (bash 5's EPOCHREALTIME avoids a fork)
now_us() { if [[ -n ${EPOCHREALTIME:-} ]]; then NOW=${EPOCHREALTIME/[.,]/}; else NOW=$(($(date +%s%N) / 1000)); fi; }

# measure OUTFILE CMD... -> US (wall microseconds), KB (peak RSS or ""), RC
# With BARE=1 (start-up rows) the command runs without the time/timeout
# wrappers, whose own fork+exec (~5 ms) would swamp a short run; KB is then
# left as it was (the series' untimed reference run measures RSS).
BARE=0
measure() {
  local out=$1 t0
  shift
  now_us; t0=$NOW
  if ((BARE)); then
    "$@" >"$out" 2>"$out.err" </dev/null
    RC=$?
  elif ((HAVE_TIME)); then
    /usr/bin/time -f %M -o "$TMP/rss" timeout "$TIMEOUT" "$@" >"$out" 2>"$out.err" </dev/null
    RC=$?
    KB=$(tail -n 1 "$TMP/rss")
  else
    timeout "$TIMEOUT" "$@" >"$out" 2>"$out.err" </dev/null
    RC=$?
    KB=""
  fi
  now_us
  US=$((NOW - t0))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ms() { [[ $1 == [0-9]* ]] && awk -v u="$1" 'BEGIN {printf (u < 100000 ? "%.1f" : "%.0f"), u/1000}' || echo "$1"; }
mib() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}' || echo "-"; }
ratio() { [[ $1 == [0-9]* && $2 == [0-9]* ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}' || echo "$1"; }
geomean() { (($#)) && printf '%s\n' "$@" | awk '{s += log($1)} END {printf "%.2f", exp(s/NR)}' || echo "-"; }

# series PROGRAM N ENGINE[:FLAGS]... : runs the engines interleaved N times.
# Sets T[engine] (median us or FAIL/-), M[engine] (max RSS KiB); a wrong or
# missing checksum marks the engine FAIL and sets FAILED=1.
FAILED=0
declare -A T M TMIN
series() {
  local p=$1 n=$2 e i
  shift 2
  local -A times dead
  T=() M=() TMIN=()
  engine_cmd native "$p"
  measure "$TMP/$p.expected" "${CMD[@]}" # untimed reference run
  if ((RC != 0)) || [[ ! -s $TMP/$p.expected ]]; then
    note "!!! $p: native run failed (exit $RC)"
    FAILED=1
    for e in "$@"; do T[$e]=FAIL; done
    return
  fi
  for ((i = 0; i < n; i++)); do
    for e in "$@"; do
      [[ -n ${dead[$e]:-} ]] && continue
      engine_cmd "${e%%:*}" "$p" "${e#*:}"
      if [[ $p == hello || $p == large ]]; then
        if ((i == 0)); then # RSS (and a warm cache)
          measure "$TMP/$p.got" "${CMD[@]}"
          [[ -n $KB ]] && M[$e]=$KB
        fi
        BARE=1 KB=""
      fi
      measure "$TMP/$p.got" "${CMD[@]}"
      BARE=0
      if ((RC != 0)) || ! cmp -s "$TMP/$p.expected" "$TMP/$p.got"; then
        note "!!! $p under ${CMD[*]}: FAILED (exit $RC)"
        note "    expected: $(head -c 200 "$TMP/$p.expected")"
        note "    got:      $(head -c 200 "$TMP/$p.got") $(head -n 3 "$TMP/$p.got.err")"
        dead[$e]=1 T[$e]=FAIL FAILED=1
        continue
      fi
      times[$e]+=" $US"
      [[ -n $KB && $KB -gt ${M[$e]:-0} ]] && M[$e]=$KB
    done
  done
  for e in "$@"; do
    [[ -z ${dead[$e]:-} ]] && T[$e]=$(median ${times[$e]}) TMIN[$e]=$(printf '%s\n' ${times[$e]} | sort -n | head -n 1)
  done
}

header() {
  local cpu
  cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
  echo "timecraft benchmarks  $(date -u '+%Y-%m-%d %H:%M UTC')  mode=$([[ $quick == 1 ]] && echo quick || echo full)  runs=$RUNS (median)"
  echo "cpu: ${cpu:-?} x $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  if ((HAVE_TC)); then echo "timecraft: $TIMECRAFT run ${TIMECRAFT_FLAGS:-}"; else echo "timecraft: not found at $TIMECRAFT (build with b2 -j2, or set TIMECRAFT=); column skipped"; fi
  if ((${#NODE_CMD[@]})); then echo "v8: ${NODE_CMD[*]} ($("$NODE" --version))"; else echo "v8: node with WASI not found (or NODE= set); column skipped"; fi
  ((HAVE_TIME)) || echo "peak RSS: /usr/bin/time not found; RSS columns skipped"
  echo
}

# ---- compare mode --------------------------------------------------------
if ((compare)); then
  ((HAVE_TC)) || die "timecraft not found at $TIMECRAFT"
  header
  echo "A = run ${FLAGS_A:-(no flags)}    B = run ${FLAGS_B:-(no flags)}    ratio = B/A"
  echo "(median of $RUNS interleaved runs, and best of them: on a shared machine the best is the"
  echo " steadier figure, since interference only ever adds time)"
  fmt='%-10s %11s %11s %8s %11s %11s %8s\n'
  printf "$fmt" benchmark "A ms" "B ms" "B/A" "A best ms" "B best ms" "B/A"
  rs=() rmins=()
  for p in "${BENCHES[@]}" hello large; do
    n=$RUNS
    [[ $p == hello || $p == large ]] && n=$STARTUP_RUNS
    note "running $p"
    series "$p" "$n" "tcA:$FLAGS_A" "tcB:$FLAGS_B"
    a=${T["tcA:$FLAGS_A"]} b=${T["tcB:$FLAGS_B"]}
    amin=${TMIN["tcA:$FLAGS_A"]:--} bmin=${TMIN["tcB:$FLAGS_B"]:--}
    r=$(ratio "$b" "$a") rmin=$(ratio "$bmin" "$amin")
    [[ $a == FAIL ]] && r=FAIL rmin=FAIL
    [[ $r == [0-9]* && $p != hello && $p != large ]] && rs+=("$r")
    [[ $rmin == [0-9]* && $p != hello && $p != large ]] && rmins+=("$rmin")
    [[ $p == hello ]] && echo "start-up (not in the geomean):"
    printf "$fmt" "$p" "$(ms "$a")" "$(ms "$b")" "$r" "$(ms "$amin")" "$(ms "$bmin")" "$rmin"
  done
  g=$(geomean "${rs[@]}") gmin=$(geomean "${rmins[@]}")
  pct() { awk -v g="$1" 'BEGIN {printf "%+.1f%%", (g-1)*100}'; }
  echo
  echo "geomean B/A over ${#rs[@]} benchmarks: medians $g ($(pct "$g")), best runs $gmin ($(pct "$gmin"))"
  echo "(target for recording overhead: <= 1.03)"
  exit "$FAILED"
fi

# ---- main table ----------------------------------------------------------
ENGINES=(native)
((HAVE_TC)) && ENGINES+=("tc:${TIMECRAFT_FLAGS:-}")
((${#NODE_CMD[@]})) && ENGINES+=(v8)
TCE="tc:${TIMECRAFT_FLAGS:-}"
header
fmt='%-10s %10s %12s %8s %10s %8s %8s %8s %8s %9s\n'
printf "$fmt" benchmark "native ms" "timecraft ms" ratio "v8 ms" "v8 ratio" "RSS nat" "RSS tc" "RSS v8" "wasm KiB"
tc_r=() tc_best=() v8_r=() tc_max=0 tc_max_p=-
for p in "${BENCHES[@]}"; do
  note "running $p"
  series "$p" "$RUNS" "${ENGINES[@]}"
  nat=${T[native]} tc=${T[$TCE]:--} v8=${T[v8]:--}
  r1=$(ratio "$tc" "$nat") r2=$(ratio "$v8" "$nat")
  rb=$(ratio "${TMIN[$TCE]:--}" "${TMIN[native]:--}")
  [[ $rb == [0-9]* ]] && tc_best+=("$rb")
  if [[ $r1 == [0-9]* ]]; then
    tc_r+=("$r1")
    awk -v a="$r1" -v b="$tc_max" 'BEGIN {exit !(a > b)}' && tc_max=$r1 tc_max_p=$p
  fi
  [[ $r2 == [0-9]* ]] && v8_r+=("$r2")
  printf "$fmt" "$p" "$(ms "$nat")" "$(ms "$tc")" "$r1" "$(ms "$v8")" "$r2" \
    "$(mib "${M[native]:-}")" "$(mib "${M[$TCE]:-}")" "$(mib "${M[v8]:-}")" $(($(stat -c %s "$OUT/$p.wasm") / 1024))
done
echo
nb=${#BENCHES[@]}
if ((${#tc_r[@]})); then
  echo "timecraft/native: geomean $(geomean "${tc_r[@]}")x over ${#tc_r[@]}/$nb, max ${tc_max}x ($tc_max_p)  [targets: geomean <= 10, max <= 30]"
  echo "                  (best run of each vs best native run: geomean $(geomean "${tc_best[@]}")x)"
else
  echo "timecraft/native: no successful timecraft runs"
fi
((${#v8_r[@]})) && echo "v8/native:        geomean $(geomean "${v8_r[@]}")x over ${#v8_r[@]}/$nb"
echo
echo "start-up (median of $STARTUP_RUNS runs; RSS in MiB)"
fmt='%-10s %9s %10s %12s %10s %8s %8s\n'
printf "$fmt" program "wasm KiB" "native ms" "timecraft ms" "v8 ms" "RSS tc" "RSS v8"
for p in hello large; do
  note "running $p"
  series "$p" "$STARTUP_RUNS" "${ENGINES[@]}"
  printf "$fmt" "$p" $(($(stat -c %s "$OUT/$p.wasm") / 1024)) "$(ms "${T[native]}")" "$(ms "${T[$TCE]:--}")" \
    "$(ms "${T[v8]:--}")" "$(mib "${M[$TCE]:-}")" "$(mib "${M[v8]:-}")"
done
echo "(large = $(grep -c '^static uint32_t f' "$OUT/large.c") generated functions, bench/gen-large.sh)"
((FAILED)) && echo && echo "!!! some runs FAILED or printed a wrong checksum (see messages above)"
exit "$FAILED"
