#!/usr/bin/env bash
# Op-pair profile, for choosing fused pairs and triples
# (interp/code/iops_pair.def, iops_triple.def); the opstats build also
# prints each program's top triples to stderr.
#
#   b2 -j2 variant=opstats && bench/op_pairs.sh [unfused] [N]
#
# Runs each benchmark program (quick size; build them once with bench/run.sh)
# under bin/opstats/timecraft and prints the N (default 60) most frequent
# adjacent pairs of single (unfused) ops, as the mean over the programs of
# each pair's share of that program's dispatches. "unfused" turns pair
# fusion off (TIMECRAFT_FUSE=singles: the specialised single ops stay) to
# show the raw instruction mix.
set -eu -o pipefail
cd "$(dirname "$0")/.."
OPSTATS=bin/opstats/timecraft
[[ -x $OPSTATS ]] || { echo "op_pairs: build it first: b2 -j2 variant=opstats" >&2; exit 2; }
fuse=1 top=60  # TIMECRAFT_FUSE
for a in "$@"; do
  case $a in unfused) fuse=singles ;; [0-9]*) top=$a ;; *) sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2 ;; esac
done
progs=(fib sieve matmul sha256 nbody interp sort memops hash64)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TIMECRAFT_REGISTRY=$tmp/registry
for p in "${progs[@]}"; do
  [[ -s bench/build/$p.wasm ]] || { echo "op_pairs: bench/build/$p.wasm missing (run bench/run.sh quick)" >&2; exit 2; }
  TIMECRAFT_FUSE=$fuse $OPSTATS run --no-record "bench/build/$p.wasm" quick >/dev/null 2>"$tmp/$p.txt"
  echo "$p: $(head -n 1 "$tmp/$p.txt" | awk '{print $2}') dispatches" >&2
done
# Lines after "opstats: pairs" look like "  12.34%  A -> B"; fused ops contain "_".
awk -v n="${#progs[@]}" '
  /^opstats: pairs/ { in_pairs = 1; next }
  /^opstats:/ { in_pairs = 0 }
  in_pairs && $2 !~ /_/ && $4 !~ /_/ { sub(/%/, "", $1); share[$2 " -> " $4] += $1 / n }
  END { for (k in share) printf "%6.2f%%  %s\n", share[k], k }' "$tmp"/*.txt | sort -rn | head -n "$top"
