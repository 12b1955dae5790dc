#!/usr/bin/env bash
# timecraft on real programs (issue 16; see bench/README.md, "Real programs").
# Fetches the sources (Debian source packages, npm packages), builds them for
# wasm32-wasi and natively, and prints, CPU time (user+sys) medians of runs
# interleaved engine by engine:
#
#   bench/real.sh [quick]          reported set, held-out set, start-up of big
#                                  modules, recording cost
#   bench/real.sh [quick] corpus   op/op-pair profile of the TUNING workloads
#                                  (what fusion choices may be made from)
#   bench/real.sh fetch            only fetch and build
# quick: about 5x less work per program (3 runs).
# Environment:
#   BENCH_RUNS=5 (quick: 3)   runs per measurement (the median is reported)
#   BENCH_ONLY="sqlite lua"   a subset of the programs (start-up/recording
#                             tables only when named: startup, recording)
#   BENCH_TIMEOUT=900         seconds before one run is killed
#   TIMECRAFT=bin/timecraft  TIMECRAFT_FLAGS=""  ->  $TIMECRAFT run $TIMECRAFT_FLAGS ...
#   NODE=node (NODE= disables the V8 column)   GO=/usr/lib/go-1.23/bin/go
#   RUSTC=/usr/bin/rustc (Debian's)   OPSTATS=bin/opstats/timecraft (corpus)
#   WASI_SUITE=../shared/wasi-testsuite (corpus)
# shellcheck disable=SC2059 # the tables' printf formats are in variables
set -u -o pipefail

for v in TIMECRAFT OPSTATS; do # relative to the caller's directory
  if [[ -n ${!v:-} && ${!v} == */* && ${!v} != /* ]]; then printf -v "$v" '%s' "$PWD/${!v}"; fi
done
cd "$(dirname "$0")/.." || exit 2
TIMECRAFT=${TIMECRAFT:-$PWD/bin/timecraft}
OPSTATS=${OPSTATS:-$PWD/bin/opstats/timecraft}
TIMEOUT=${BENCH_TIMEOUT:-900}
NODE=${NODE-node}
GO=${GO:-/usr/lib/go-1.23/bin/go}
RUSTC=${RUSTC:-/usr/bin/rustc}
WASI_SUITE=${WASI_SUITE:-../shared/wasi-testsuite}
SRC=bench/real/src # fetched sources (git-ignored)
OUT=bench/build/real
REPORTED=(sqlite lua zstd bzip2 go rust)
# The held-out set: no tuning looks at these. They are never run by the
# corpus mode, and fusion/specialisation choices must not be made from them.
HELD_OUT=(brotli yosys pandoc)

usage() { sed -n '2,21s/^# \{0,1\}//p' bench/real.sh >&2; exit "${1:-2}"; }
die() { echo "real: $*" >&2; exit 2; }
note() { echo "$*" >&2; }

quick=0 mode=table
while (($#)); do
  case $1 in
    quick) quick=1 ;;
    corpus) mode=corpus ;;
    fetch) mode=fetch ;;
    help | -h | --help) usage 0 ;;
    *) usage ;;
  esac
  shift
done
RUNS=${BENCH_RUNS:-$((quick ? 3 : 5))}
ONLY=("${REPORTED[@]}" "${HELD_OUT[@]}" startup recording)
[[ -n ${BENCH_ONLY:-} ]] && read -ra ONLY <<<"$BENCH_ONLY"
wanted() { [[ " ${ONLY[*]} " == *" $1 "* ]]; }

if ! command -v clang >/dev/null || ! command -v gcc >/dev/null; then die "needs clang (wasm32-wasi) and gcc"; fi
[[ -x /usr/bin/time ]] || die "needs /usr/bin/time (Debian package time) for CPU time and peak RSS"
mkdir -p "$OUT" "$SRC"
TMP=$(mktemp -d "$OUT/run.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
export TIMECRAFT_REGISTRY=$TMP/registry TIMECRAFT_CONFIG=$TMP/registry/config.yaml
export TIMECRAFT_KEY_FILE=$TMP/key/validation.key

# ---- fetch -----------------------------------------------------------------
# Debian source packages need deb-src lines; like scripts/setup.sh does for
# bookworm-backports, add them (as root) when apt has none.
have_debsrc() { grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; }
add_debsrc() {
  have_debsrc && return 0
  ((EUID == 0)) || die "no deb-src in apt's sources; add one (as root) or run this as root"
  note "real: adding deb-src (bookworm) to /etc/apt/sources.list.d/debsrc.sources"
  printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: bookworm" \
    "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
    >/etc/apt/sources.list.d/debsrc.sources
  apt-get update -qq >&2 || die "apt-get update failed"
}
# apt_src PACKAGE DIR-GLOB: apt-get source PACKAGE into $SRC unless there
apt_src() {
  compgen -G "$SRC/$2" >/dev/null && return 0
  add_debsrc
  note "real: apt-get source $1"
  (cd "$SRC" && apt-get source -qq "$1" >&2) || die "apt-get source $1 failed"
  compgen -G "$SRC/$2" >/dev/null || die "apt-get source $1: no $2"
}
# npm_src SPEC DIR: npm pack SPEC, unpacked into $SRC/DIR
npm_src() {
  [[ -d $SRC/$2/package ]] && return 0
  command -v npm >/dev/null || die "needs npm for $1"
  note "real: npm pack $1"
  local tgz
  tgz=$(cd "$SRC" && npm pack --silent "$1") || die "npm pack $1 failed"
  mkdir -p "$SRC/$2"
  tar xzf "$SRC/$tgz" -C "$SRC/$2" || die "unpacking $tgz failed"
}
apt_src lua5.4 'lua5.4-*/src/lua.c'
apt_src libzstd 'libzstd-*/lib/zstd.h'
apt_src bzip2 'bzip2-*/bzlib.c'
apt_src brotli 'brotli-*/c/enc/encode.c'
npm_src better-sqlite3@12.4.1 better-sqlite3
npm_src @yowasp/yosys@0.55.944 yowasp-yosys
npm_src @yowasp/clang@22.0.0-git20542-10 yowasp-clang
PANDOC=test/pandoc/node_modules/pandoc-wasm/src/pandoc.wasm
[[ -f $PANDOC ]] || { note "real: npm ci --prefix test/pandoc"; npm ci --silent --prefix test/pandoc >&2 || die "npm ci failed"; }
src1() { compgen -G "$SRC/$1" | head -n 1; }
LUA=$(src1 'lua5.4-*/src') ZSTD=$(src1 'libzstd-*/lib') BZ2=$(src1 'bzip2-*') BROTLI=$(src1 'brotli-*/c')
SQLITE=$SRC/better-sqlite3/package/deps/sqlite3

# ---- build -----------------------------------------------------------------
W=(clang --target=wasm32-wasi -O2) N=(gcc -O2)
EMU=(-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID)
EMULIB=(-lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-mman -lwasi-emulated-getpid)
SQLITE_FLAGS=(-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL)
# build OUTPUT DEPS... -- CMD...: runs CMD (writing $TMP/out) when OUTPUT is
# older than any of DEPS, then renames $TMP/out to OUTPUT.
build() {
  local out=$1 stale=0 d
  shift
  [[ -e $out ]] || stale=1
  while [[ $1 != -- ]]; do [[ $1 -nt $out ]] && stale=1; shift; done
  shift
  ((stale)) || return 0
  note "real: building $out"
  if ! "$@" >"$TMP/build.log" 2>&1; then cat "$TMP/build.log" >&2; die "building $out failed"; fi
  mv "$TMP/out" "$out"
}
R=bench/real
build "$OUT/sqlite.wasm" $R/sqlite_bench.c -- "${W[@]}" -I"$SQLITE" "${SQLITE_FLAGS[@]}" "${EMU[@]}" \
  $R/sqlite_bench.c "$SQLITE/sqlite3.c" "${EMULIB[@]}" -o "$TMP/out"
build "$OUT/sqlite" $R/sqlite_bench.c -- "${N[@]}" -I"$SQLITE" "${SQLITE_FLAGS[@]}" $R/sqlite_bench.c "$SQLITE/sqlite3.c" -lm -o "$TMP/out"
mapfile -t lua_c < <(compgen -G "$LUA/*.c" | grep -v '/luac\.c$')
# wasm: a setjmp stand-in (wasi-libc has none), no tmpnam/tmpfile/system
build "$OUT/lua.wasm" $R/include-wasm/setjmp.h $R/include-wasm/lua_wasi.h $R/lua_wasi_stubs.c -- "${W[@]}" -I$R/include-wasm -I$R/include \
  -include lua_wasi.h "${EMU[@]}" "${lua_c[@]}" $R/lua_wasi_stubs.c -lm "${EMULIB[@]}" -o "$TMP/out"
build "$OUT/lua" -- "${N[@]}" -I$R/include -DLUA_USE_POSIX "${lua_c[@]}" -lm -o "$TMP/out"
mapfile -t zstd_c < <(compgen -G "$ZSTD/common/*.c"; compgen -G "$ZSTD/compress/*.c"; compgen -G "$ZSTD/decompress/*.c")
for t in wasm native; do
  if [[ $t == wasm ]]; then cc=("${W[@]}") x=.wasm; else cc=("${N[@]}") x=; fi
  build "$OUT/zstd$x" $R/zstd_bench.c $R/gen.h -- "${cc[@]}" -I"$ZSTD" -DZSTD_DISABLE_ASM $R/zstd_bench.c "${zstd_c[@]}" -o "$TMP/out"
  build "$OUT/bzip2$x" $R/bzip2_bench.c $R/gen.h -- "${cc[@]}" -I"$BZ2" $R/bzip2_bench.c \
    "$BZ2"/{blocksort,huffman,crctable,randtable,compress,decompress,bzlib}.c -o "$TMP/out"
  mapfile -t brotli_c < <(compgen -G "$BROTLI/common/*.c"; compgen -G "$BROTLI/enc/*.c"; compgen -G "$BROTLI/dec/*.c")
  build "$OUT/brotli$x" $R/brotli_bench.c $R/gen.h -- "${cc[@]}" -I"$BROTLI/include" $R/brotli_bench.c "${brotli_c[@]}" -lm -o "$TMP/out"
done
[[ -x $GO ]] || die "needs Go 1.23 at $GO (golang-1.23-go from bookworm-backports; or set GO=)"
export GOCACHE=$PWD/bench/build/gocache GO111MODULE=off
build "$OUT/go.wasm" $R/go/main.go -- env GOOS=wasip1 GOARCH=wasm "$GO" build -o "$TMP/out" $R/go/main.go
build "$OUT/go" $R/go/main.go -- "$GO" build -o "$TMP/out" $R/go/main.go
[[ -x $RUSTC ]] || die "needs Debian's rustc at $RUSTC (with the wasm32-wasi target: libstd-rust-dev-wasm32)"
build "$OUT/rust.wasm" $R/rust/main.rs -- "$RUSTC" -O --target wasm32-wasi -o "$TMP/out" $R/rust/main.rs
build "$OUT/rust" $R/rust/main.rs -- "$RUSTC" -O -o "$TMP/out" $R/rust/main.rs
# The YoWASP packages' core modules; clang is a multi-call binary that picks
# the tool from argv[0], which timecraft sets to the module's file name.
build "$OUT/yosys.wasm" -- cp "$SRC/yowasp-yosys/package/gen/yosys.core.wasm" "$TMP/out"
build "$OUT/clang.wasm" -- cp "$SRC/yowasp-clang/package/gen/llvm.core.wasm" "$TMP/out"
if [[ ! -d $OUT/yosys-fs/share ]]; then # yosys's share/ (techmap.v...) lives in the package's JS
  command -v node >/dev/null || die "needs node to unpack yosys's share directory"
  node $R/unpack-resources.mjs "$SRC/yowasp-yosys/package/gen/resources-yosys.js" "$TMP/yosys-fs" ||
    die "unpacking yosys's resources failed"
  mv "$TMP/yosys-fs" "$OUT/yosys-fs"
fi
# Generated inputs, one directory per size (preopened by the runs).
size=$([[ $quick == 1 ]] && echo quick || echo full)
IN=$OUT/in-$size
mkdir -p "$IN/yosys/tmp" "$IN/pandoc" "$IN/reads"
build "$IN/yosys/design.v" $R/gen_design.sh -- bash -c "$R/gen_design.sh $((quick ? 1 : 2)) >$TMP/out"
build "$IN/pandoc/doc.md" $R/gen_markdown.sh -- bash -c "$R/gen_markdown.sh $((quick ? 6 : 30)) >$TMP/out"
for p in clocks reads; do
  build "$OUT/$p.wasm" bench/syscalls/$p.c -- "${W[@]}" bench/syscalls/$p.c -o "$TMP/out"
done
READ_MIB=$((quick ? 10 : 50)) # read 4 times: 200 MiB (quick 40)
[[ $(stat -c %s "$IN/reads/blob" 2>/dev/null) == $((READ_MIB << 20)) ]] ||
  head -c $((READ_MIB << 20)) /dev/urandom >"$IN/reads/blob"
[[ $mode == fetch ]] && { note "real: everything fetched and built in $OUT"; exit 0; }

# ---- programs --------------------------------------------------------------
# spec NAME [tune]: sets WASM, NATIVE ("" if none), DIRS (HOST:GUEST preopens),
# WARGS (guest arguments) and NARGS (native arguments). Reported sizes give
# ~0.2-0.5 s of native CPU; quick divides the work by about 5. tune: the
# corpus workload, different data/code (never a reported or held-out run).
spec() {
  local p=$1 tune=${2:-} q=$quick
  WASM=$OUT/$p.wasm NATIVE=$OUT/$p DIRS=() WARGS=() NARGS=()
  case $p$tune in
    sqlite) WARGS=($((q ? 40000 : 200000))) ;;
    sqlitetune) WARGS=($((q ? 8000 : 40000)) tune) ;;
    lua | luatune)
      local script=bench.lua scale=2
      [[ -n $tune ]] && script=tune.lua scale=0.3
      ((q)) && scale=$(awk -v s="$scale" 'BEGIN {print s / 5}')
      DIRS=("$R/lua:/s") WARGS=("/s/$script" "$scale") NARGS=("$R/lua/$script" "$scale") ;;
    zstd) WARGS=("$([[ $q == 1 ]] && echo 1.2 || echo 6)") ;;
    zstdtune) WARGS=("$([[ $q == 1 ]] && echo 0.4 || echo 2)" tune) ;;
    bzip2) WARGS=("$([[ $q == 1 ]] && echo 0.4 || echo 2)") ;;
    bzip2tune) WARGS=("$([[ $q == 1 ]] && echo 0.2 || echo 1)" tune) ;;
    go) WARGS=("$([[ $q == 1 ]] && echo 0.6 || echo 3)") ;;
    gotune) WARGS=("$([[ $q == 1 ]] && echo 0.2 || echo 1)" tune) ;;
    rust) WARGS=("$([[ $q == 1 ]] && echo 1.6 || echo 8)") ;;
    rusttune) WARGS=("$([[ $q == 1 ]] && echo 1 || echo 4)" tune) ;;
    brotli) WARGS=("$([[ $q == 1 ]] && echo 0.3 || echo 1.5)") ;;
    yosys) # no native build: YoWASP ships only the wasm module
      NATIVE="" DIRS=("$OUT/yosys-fs/share:/share" "$IN/yosys:/d" "$IN/yosys/tmp:/tmp")
      WARGS=(-Q -T -p "read_verilog /d/design.v; synth -top top; stat") ;;
    pandoc) # no native build: pandoc-wasm is built with GHC's wasm backend only
      NATIVE="" WASM=$PANDOC DIRS=("$IN/pandoc:/") WARGS=(-f markdown -t html /doc.md) ;;
    clocks) NATIVE="" WARGS=($((q ? 200000 : 1000000))) ;;
    reads) NATIVE="" DIRS=("$IN/reads:/data") WARGS=(/data/blob 4) ;;
    *) die "spec: unknown program $p$tune" ;;
  esac
  [[ -n $NATIVE && ${#NARGS[@]} == 0 ]] && NARGS=("${WARGS[@]}")
  return 0
}

NODE_CMD=()
if [[ -n $NODE ]] && command -v "$NODE" >/dev/null; then
  spec rust
  for flags in "--no-warnings" "--experimental-wasi-unstable-preview1 --no-warnings"; do
    read -ra nf <<<"$flags"
    if [[ $("$NODE" "${nf[@]}" bench/wasi-run.mjs "$WASM" 0.01 2>/dev/null) == checksum:* ]]; then
      NODE_CMD=("$NODE" "${nf[@]}" bench/wasi-run.mjs)
      break
    fi
  done
fi
[[ -x $TIMECRAFT ]] || die "timecraft not found at $TIMECRAFT (build with b2, or set TIMECRAFT=)"
read -ra TC_FLAGS <<<"${TIMECRAFT_FLAGS:-}"

# engine_cmd ENGINE: CMD for the current spec. Engines: native, tc (recorded,
# plus TIMECRAFT_FLAGS), norec (--no-record), v8, opstats.
engine_cmd() {
  local d dirs=()
  for d in "${DIRS[@]}"; do dirs+=(--dir "$d"); done
  case $1 in
    native) CMD=("$NATIVE" "${NARGS[@]}") ;;
    tc) CMD=("$TIMECRAFT" run "${TC_FLAGS[@]}" "${dirs[@]}" "$WASM" "${WARGS[@]}") ;;
    norec) CMD=("$TIMECRAFT" run --no-record "${TC_FLAGS[@]}" "${dirs[@]}" "$WASM" "${WARGS[@]}") ;;
    opstats) CMD=("$OPSTATS" run --no-record "${dirs[@]}" "$WASM" "${WARGS[@]}") ;;
    v8) CMD=("${NODE_CMD[@]}" "${dirs[@]}" "$WASM" "${WARGS[@]}") ;;
  esac
}

# measure OUTFILE CMD...: runs CMD under /usr/bin/time and timeout; sets
# CPU (user+sys ms, the process and its children), KB (peak RSS), RC.
measure() {
  local out=$1
  shift
  /usr/bin/time -f '%U %S %M' -o "$TMP/rusage" timeout "$TIMEOUT" "$@" >"$out" 2>"$out.err" </dev/null
  RC=$?
  read -r u s KB < <(tail -n 1 "$TMP/rusage")
  CPU=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%d", (u + s) * 1000 + 0.5}')
}

# median N...: (also takes one word of space-separated numbers)
median() { tr ' ' '\n' <<<"$*" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
num() { [[ $1 == [0-9]* ]]; }
secs() { num "$1" && awk -v m="$1" 'BEGIN {printf "%.2f", m/1000}' || echo "$1"; }
mib() { num "${1:-}" && awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}' || echo "-"; }
# ratio A B: A/B; FAIL if A is; "-" when either is missing
ratio() {
  if [[ $1 == FAIL ]]; then echo FAIL
  elif num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "-"}'
  else echo -; fi
}
geomean() { (($#)) && printf '%s\n' "$@" | awk '{s += log($1)} END {printf "%.2f", exp(s/NR)}' || echo "-"; }

# series NAME ENGINE...: the current spec's engines interleaved RUNS times.
# The output to match is the native run's, else V8's, else the first engine's
# (an untimed reference run); a run that fails or prints something else makes its engine FAIL.
# Sets T[engine] (median CPU ms, or FAIL/-), M[engine] (max peak RSS KiB),
# ID (the last recorded run's process id).
FAILED=0 ID=""
declare -A T M
series() {
  local p=$1 e i ref=""
  shift
  local -A times dead
  T=() M=()
  for e in native v8 "$1"; do # the first of these that the series runs
    [[ " $* " == *" $e "* && -z ${dead[$e]:-} ]] || continue
    engine_cmd "$e"
    measure "$TMP/$p.expected" "${CMD[@]}"
    if ((RC == 0)) && [[ -s $TMP/$p.expected ]]; then ref=$e; break; fi
    note "!!! $p: reference run failed (exit $RC): ${CMD[*]}"
    note "    $(head -n 3 "$TMP/$p.expected.err")"
    T[$e]=FAIL dead[$e]=1 FAILED=1
  done
  [[ -n $ref ]] || note "!!! $p: no reference output; outputs are not checked"
  for ((i = 0; i < RUNS; i++)); do
    for e in "$@"; do
      [[ -n ${dead[$e]:-} ]] && continue
      engine_cmd "$e"
      measure "$TMP/$p.got" "${CMD[@]}"
      if ((RC != 0)) || { [[ -n $ref ]] && ! cmp -s "$TMP/$p.expected" "$TMP/$p.got"; }; then
        note "!!! $p under ${CMD[*]}: FAILED (exit $RC)"
        [[ -n $ref ]] && note "    expected: $(head -c 200 "$TMP/$p.expected")"
        note "    got:      $(head -c 200 "$TMP/$p.got") $(head -n 3 "$TMP/$p.got.err")"
        dead[$e]=1 T[$e]=FAIL FAILED=1
        continue
      fi
      [[ $e == tc ]] && ID=$(head -n 1 "$TMP/$p.got.err")
      times[$e]+=" $CPU"
      ((KB > ${M[$e]:-0})) && M[$e]=$KB
    done
  done
  for e in "$@"; do
    [[ -z ${dead[$e]:-} ]] && T[$e]=$(median "${times[$e]}")
  done
  return 0
}

header() {
  local cpu
  cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
  echo "timecraft on real programs  $(date -u '+%Y-%m-%d %H:%M UTC')  mode=$size  runs=$RUNS (medians)"
  echo "cpu: ${cpu:-?} x $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "timecraft: $TIMECRAFT run ${TIMECRAFT_FLAGS:-} (recording on, as users run it)"
  if ((${#NODE_CMD[@]})); then echo "v8: ${NODE_CMD[*]} ($("$NODE" --version))"; else echo "v8: node with WASI not found (or NODE= set); column skipped"; fi
  echo "times: CPU time (user+sys, /usr/bin/time), whole process, median; engines interleaved run by run"
  echo
}

# ---- corpus mode -------------------------------------------------------------
# The tuning corpus: the reported programs on OTHER workloads (spec NAME tune)
# and the WASI test suite's programs. Never the reported runs, never the
# held-out set.
if [[ $mode == corpus ]]; then
  [[ -x $OPSTATS ]] || die "build the op-counting engine first: b2 -j1 variant=opstats (or set OPSTATS=)"
  fuse=${TIMECRAFT_FUSE:-1}
  echo "tuning corpus: op profile under $OPSTATS (TIMECRAFT_FUSE=$fuse), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "workloads: the reported programs with their 'tune' arguments (other SQL, another Lua script,"
  echo "other data/levels, other Go/Rust code) and the WASI test suite; no reported or held-out run"
  echo
  mkdir -p "$TMP/prof"
  for p in "${REPORTED[@]}"; do
    wanted "$p" || continue
    spec "$p" tune
    engine_cmd opstats
    note "corpus: $p ${WARGS[*]}"
    TIMECRAFT_FUSE=$fuse "${CMD[@]}" >/dev/null 2>"$TMP/prof/$p.txt" </dev/null || { note "!!! $p failed"; FAILED=1; }
  done
  # The WASI test suite: each program with its .json's args, env and root
  # directory (a copy, preopened as "/", since tests write to it; as
  # test/wasi_testsuite_runner.cpp runs them), counted together as one program.
  if [[ -d $WASI_SUITE/tests ]]; then
    note "corpus: wasi-testsuite"
    : >"$TMP/prof/wasi-testsuite.txt"
    while IFS= read -r -d '' wasm; do
      json=${wasm%.wasm}.json opts=() args=()
      rm -rf "$TMP/wt"
      if [[ -f $json ]]; then
        # one line per word: "root DIR", "env K=V", "arg X"
        while IFS= read -r line; do
          case $line in
            root\ *) cp -r "$(dirname "$wasm")/${line#root }" "$TMP/wt" && opts+=(--dir "$TMP/wt::/") ;;
            env\ *) opts+=(--env "${line#env }") ;;
            arg\ *) args+=("${line#arg }") ;;
          esac
        done < <(node -e '
          const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
          if (j.root) console.log("root " + j.root);
          for (const [k, v] of Object.entries(j.env || {})) console.log("env " + k + "=" + v);
          for (const x of j.args || []) console.log("arg " + x);' "$json")
      fi
      TIMECRAFT_FUSE=$fuse timeout 60 "$OPSTATS" run --no-record "${opts[@]}" "$wasm" "${args[@]}" \
        </dev/null >/dev/null 2>"$TMP/wt.err"
      grep -q '^opstats:' "$TMP/wt.err" && cat "$TMP/wt.err" >>"$TMP/prof/wasi-testsuite.txt"
    done < <(find "$WASI_SUITE/tests" -name '*.wasm' -print0 | sort -z)
  else
    note "corpus: no WASI test suite at $WASI_SUITE (set WASI_SUITE=); left out"
  fi
  # CORPUS_KEEP=DIR keeps the profiles (bench/op_pairs.sh reads them).
  [[ -n ${CORPUS_KEEP:-} ]] && cp "$TMP"/prof/*.txt "$CORPUS_KEEP"/
  # Shares: bench/opstats_shares.awk (each program counts equally).
  shares() { awk -v section="$1" -f bench/opstats_shares.awk "$TMP"/prof/*.txt | sort -rn | head -n "$2" | sed 's/  (.*)$//'; }
  printf '%-16s %14s\n' program dispatches
  for f in "$TMP"/prof/*.txt; do
    printf '%-16s %14s\n' "$(basename "$f" .txt)" "$(awk '/^opstats: [0-9]+ instructions/ {s += $2} END {print s + 0}' "$f")"
  done
  echo
  echo "top ops (mean share of a program's dispatches over the ${#REPORTED[@]} programs + the WASI suite)"
  shares ops 40
  echo
  echo "top adjacent pairs (two dispatches each: candidates for fusion/specialisation)"
  shares pairs 60
  exit "$FAILED"
fi

# ---- tables ----------------------------------------------------------------
ENGINES=(native tc)
((${#NODE_CMD[@]})) && ENGINES+=(v8)
header
fmt='%-8s %9s %9s %7s %7s %7s %6s %8s %8s %8s %9s\n'
program_table() {
  local p r1 r2 rs=()
  printf "$fmt" program "native ms" "tc ms" ratio "v8 ms" "v8 rat" "tc/v8" "RSS nat" "RSS tc" "RSS v8" "wasm KiB"
  for p in "$@"; do
    wanted "$p" || continue
    note "real: running $p"
    spec "$p"
    local engines=("${ENGINES[@]}")
    [[ -z $NATIVE ]] && engines=("${ENGINES[@]:1}")
    series "$p" "${engines[@]}"
    nat=${T[native]:--} tc=${T[tc]:--} v8=${T[v8]:--}
    r1=$(ratio "$tc" "$nat") r2=$(ratio "$v8" "$nat")
    num "$r1" && rs+=("$r1")
    printf "$fmt" "$p" "$nat" "$tc" "$r1" "$v8" "$r2" "$(ratio "$tc" "$v8")" "$(mib "${M[native]:-}")" "$(mib "${M[tc]:-}")" \
      "$(mib "${M[v8]:-}")" $(($(stat -c %s "$WASM") / 1024))
  done
  ((${#rs[@]})) && echo "timecraft/native: geomean $(geomean "${rs[@]}")x over ${#rs[@]} programs"
  return 0
}
echo "reported set: CPU ms (user+sys), ratio to native (gcc -O2; Go and Rust: the same compiler natively); RSS MiB"
program_table "${REPORTED[@]}"
echo
echo "held-out set (no tuning looks at these; never in the corpus): same columns"
program_table "${HELD_OUT[@]}"
echo "(yosys, pandoc: no native build exists (YoWASP and pandoc-wasm ship only wasm), so '-')"

# First runs of big modules: a fresh registry and validation key each run, so
# nothing is cached (the module file itself is in the page cache).
if wanted startup; then
  echo
  echo "start-up: first run (empty registry, new validation key), CPU seconds and peak RSS MiB"
  sfmt='%-18s %7s %8s %7s %8s %7s %8s %7s %7s\n'
  printf "$sfmt" command "MiB" "tc rec s" "RSS" "norec s" "RSS" "v8 s" "RSS" "MB/s"
  for p in yosys clang; do
    note "real: start-up $p"
    WASM=$OUT/$p.wasm DIRS=() NATIVE=""
    if [[ $p == yosys ]]; then WARGS=(-V); else WARGS=(--version); fi
    local_engines=(tc norec)
    ((${#NODE_CMD[@]})) && local_engines+=(v8)
    declare -A st=() sm=()
    ref=""
    for ((i = 0; i < RUNS; i++)); do
      for e in "${local_engines[@]}"; do
        [[ ${st[$e]:-} == FAIL ]] && continue
        rm -rf "$TIMECRAFT_REGISTRY" "${TIMECRAFT_KEY_FILE%/*}"
        mkdir -p "${TIMECRAFT_KEY_FILE%/*}"
        engine_cmd "$e"
        measure "$TMP/s.got" "${CMD[@]}"
        line=$(head -n 1 "$TMP/s.got")
        [[ -z $ref && $RC == 0 ]] && ref=$line
        if ((RC != 0)) || [[ $line != "$ref" || -z $line ]]; then
          note "!!! start-up $p under ${CMD[*]}: FAILED (exit $RC): $line $(head -n 2 "$TMP/s.got.err")"
          st[$e]=FAIL FAILED=1
          continue
        fi
        st[$e]+=" $CPU"
        ((KB > ${sm[$e]:-0})) && sm[$e]=$KB
      done
    done
    for e in "${local_engines[@]}"; do [[ ${st[$e]:-FAIL} != FAIL ]] && st[$e]=$(median "${st[$e]}"); done
    bytes=$(stat -c %s "$WASM")
    mbs=$(num "${st[norec]:-}" && awk -v b="$bytes" -v m="${st[norec]}" 'BEGIN {printf "%.0f", b / 1e6 / (m / 1000)}' || echo -)
    printf "$sfmt" "$p ${WARGS[0]}" "$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')" \
      "$(secs "${st[tc]:--}")" "$(mib "${sm[tc]:-}")" "$(secs "${st[norec]:--}")" "$(mib "${sm[norec]:-}")" \
      "$(secs "${st[v8]:--}")" "$(mib "${sm[v8]:-}")" "$mbs"
    unset st sm
  done
  echo "(MB/s: module bytes / --no-record CPU time; the run is decode, validation, compilation, a few calls)"
fi

if wanted recording; then
  echo
  echo "recording cost: CPU ms --no-record and recorded, log bytes of the recording"
  rfmt='%-32s %9s %9s %9s %12s %9s\n'
  printf "$rfmt" program "norec ms" "rec ms" "rec/norec" "log bytes" "goal"
  for p in clocks reads; do
    note "real: recording cost $p"
    spec "$p"
    series "$p" norec tc
    bytes=-
    [[ -n $ID && -d $TIMECRAFT_REGISTRY/processes/$ID ]] && bytes=$(du -sb "$TIMECRAFT_REGISTRY/processes/$ID/log" | cut -f1)
    if [[ $p == clocks ]]; then what="clocks: ${WARGS[0]} clock_time_get" goal="<= 1.5x"
    else what="reads: $((READ_MIB * 4)) MiB in 64 KiB reads" goal="<= 4x"; fi
    r=$(ratio "${T[tc]}" "${T[norec]}")
    [[ ${T[norec]} == FAIL ]] && r=FAIL
    printf "$rfmt" "$what" "${T[norec]}" "${T[tc]}" "$r" "$bytes" "$goal"
  done
fi
((FAILED)) && echo && echo "!!! some runs FAILED or printed a wrong output (see messages above)"
exit "$FAILED"
