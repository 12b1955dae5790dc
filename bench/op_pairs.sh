#!/usr/bin/env bash
# Op-pair profile, for choosing fused pairs and triples
# (interp/code/iops_pair.def, iops_triple.def).
#
#   b2 -j2 variant=opstats && bench/op_pairs.sh [kernels] [unfused] [triples] [N]
#
# Runs the tuning corpus (default: `bench/real.sh quick corpus`, the real
# programs on their tuning workloads and the WASI test suite, never a
# reported or held-out run) under bin/opstats/timecraft and prints the N
# (default 60) most frequent adjacent pairs (with "triples": triples) of
# single (unfused) ops, as the mean over the programs of each one's share
# of that program's dispatches, followed by the programs whose own top 60
# hold it (see bench/README.md, "Choosing fused pairs"). "kernels" runs the
# bench/programs kernels instead (quick size; build them once with
# bench/run.sh): they are the "no slower" check, not a tuning set.
# "unfused" turns the groups off (TIMECRAFT_FUSE=singles: the specialised
# single ops stay) to show the raw mix.
set -eu -o pipefail
cd "$(dirname "$0")/.."
OPSTATS=bin/opstats/timecraft
[[ -x $OPSTATS ]] || { echo "op_pairs: build it first: b2 -j2 variant=opstats" >&2; exit 2; }
fuse=1 top=60 set=corpus section=pairs  # fuse: TIMECRAFT_FUSE
for a in "$@"; do
  case $a in
    unfused) fuse=singles ;; kernels) set=kernels ;; triples) section=triples ;; [0-9]*) top=$a ;;
    *) sed -n '2,17s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TIMECRAFT_REGISTRY=$tmp/registry
if [[ $set == corpus ]]; then
  # One profile per program in $tmp/NAME.txt.
  CORPUS_KEEP=$tmp TIMECRAFT_FUSE=$fuse OPSTATS=$OPSTATS bench/real.sh quick corpus >/dev/null
else
  for p in fib sieve matmul sha256 nbody interp sort memops hash64; do
    [[ -s bench/build/$p.wasm ]] || { echo "op_pairs: bench/build/$p.wasm missing (run bench/run.sh quick)" >&2; exit 2; }
    TIMECRAFT_FUSE=$fuse $OPSTATS run --no-record "bench/build/$p.wasm" quick >/dev/null 2>"$tmp/$p.txt"
    echo "$p: $(head -n 1 "$tmp/$p.txt" | awk '{print $2}') dispatches" >&2
  done
fi
# Shares of unfused pairs (triples), each program counting equally:
# bench/opstats_shares.awk.
awk -v section="$section" -v singles=1 -f bench/opstats_shares.awk "$tmp"/*.txt |
  sort -rn | head -n "$top"
