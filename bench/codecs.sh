#!/usr/bin/env bash
# Codec comparison on real logs: records a few programs into a scratch
# registry, then bin/bench/codec_bench compresses each log's batches again
# with zlib and zstd at several levels (ratio, compress and decompress MB/s).
#
#   bench/codecs.sh        (from the project root, after `b2 -j1 bench`)
#
# Programs: SQLite (bench/build/real/sqlite.wasm from `bench/real.sh fetch`, or $SQLITE_WASM, 30000
# rows), pandoc (test/pandoc's npm package, converting README.md), the Go
# program bench/programs/go (with Go 1.23 from bookworm-backports), and the reads / clocks
# benchmarks of bench/syscalls (64 MiB of random bytes read once; 1M calls).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
CB=${CODEC_BENCH:-bin/bench/codec_bench}
out=bench/build/codecs
mkdir -p "$out/data"
scratch_registry tc-codecs-registry "$out/data"
build_syscalls "$out" clocks reads
head -c $((64 << 20)) /dev/urandom > "$out/data/blob"
cp README.md "$out/data/in.md"

# record NAME TIMECRAFT-RUN-ARGS... : records one run, prints its log directory.
logs=()
record() {
  local name=$1; shift
  local id
  id=$("$TC" run "$@" 2>&1 >/dev/null | head -1)
  logs+=("$name:$TIMECRAFT_REGISTRY/processes/$id/log")
}
sqlite=${SQLITE_WASM:-bench/build/real/sqlite.wasm}
[ -f "$sqlite" ] && record sqlite "$sqlite" 30000
pandoc=test/pandoc/node_modules/pandoc-wasm/src/pandoc.wasm
[ -f "$pandoc" ] && record pandoc --dir "$out/data:/" "$pandoc" -t html /in.md
GO=${GO:-/usr/lib/go-1.23/bin/go}   # wasip1 needs Go >= 1.21 (setup.sh installs 1.23)
if [ -x "$GO" ]; then
  (cd bench/programs/go && GOOS=wasip1 GOARCH=wasm "$GO" build -o "../../../$out/go.wasm" work.go)
  record go "$out/go.wasm" 2
fi
record reads --dir "$out/data:/data" "$out/reads.wasm" /data/blob 1
record clocks "$out/clocks.wasm"

for l in "${logs[@]}"; do
  echo "== ${l%%:*}"
  "$CB" "${l#*:}"
done
