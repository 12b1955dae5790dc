#!/usr/bin/env bash
# Op-pair profile, for choosing fused pairs and triples
# (interp/code/iops_pair.def, iops_triple.def).
#
#   b2 -j2 variant=opstats && bench/op_pairs.sh [kernels] [unfused] [triples] [N]
#
# Runs each program of the tuning corpus (default) under
# bin/opstats/timecraft and prints the N (default 60) most frequent
# adjacent pairs (with "triples": triples) of single (unfused) ops, as the
# mean over the programs of each one's share of that program's dispatches,
# followed by the programs whose own top 60 hold it. The corpus is
# $CORPUS (/work/corpus): sqlite_tune.wasm, zstd_tune.wasm and lua.wasm
# tune.lua (see bench/README.md, "Choosing fused pairs"). "kernels" runs
# the bench/programs kernels instead (quick size; build them once with
# bench/run.sh): they are the "no slower" check, not a tuning set.
# "unfused" turns fusion off (TIMECRAFT_FUSE=0) to show the raw mix.
set -eu -o pipefail
cd "$(dirname "$0")/.."
OPSTATS=bin/opstats/timecraft
[[ -x $OPSTATS ]] || { echo "op_pairs: build it first: b2 -j2 variant=opstats" >&2; exit 2; }
fuse=1 top=60 set=corpus section=pairs
for a in "$@"; do
  case $a in
    unfused) fuse=0 ;; kernels) set=kernels ;; triples) section=triples ;; [0-9]*) top=$a ;;
    *) sed -n '2,17s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
corpus=${CORPUS:-/work/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TIMECRAFT_REGISTRY=$tmp/registry
run() {  # NAME DIR ARGS...: one program's opstats into $tmp/NAME.txt
  local name=$1 dir=$2
  shift 2
  [[ -s $dir/$1 ]] || { echo "op_pairs: $dir/$1 missing" >&2; exit 2; }
  (cd "$dir" && TIMECRAFT_FUSE=$fuse "$OLDPWD/$OPSTATS" run --no-record --dir . "$@" >/dev/null 2>"$tmp/$name.txt")
  echo "$name: $(head -n 1 "$tmp/$name.txt" | awk '{print $2}') dispatches" >&2
}
if [[ $set == corpus ]]; then
  run sqlite "$corpus" sqlite_tune.wasm
  run zstd "$corpus" zstd_tune.wasm
  run lua "$corpus" lua.wasm tune.lua
else
  for p in fib sieve matmul sha256 nbody interp sort memops hash64; do
    run "$p" bench/build "$p.wasm" quick
  done
fi
# Lines after "opstats: pairs" look like "  12.34%  A -> B" (triples:
# "A -> B -> C"); fused ops contain "_".
n=$(ls "$tmp"/*.txt | wc -l)
awk -v n="$n" -v want="opstats: $section" '
  FNR == 1 { prog = FILENAME; sub(/.*\//, "", prog); sub(/\.txt$/, "", prog) }
  /^opstats:/ { on = ($0 == want); next }
  on && $0 !~ /_/ {
    sub(/%/, "", $1); k = $2
    for (i = 4; i <= NF; i += 2) k = k " -> " $i
    share[k] += $1 / n; progs[k] = progs[k] " " prog
  }
  END { for (k in share) printf "%6.2f%%  %s  (%s )\n", share[k], k, progs[k] }' "$tmp"/*.txt |
  sort -rn | head -n "$top"
