#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/<target>/ (checked in; run by
# hand, never by the tests). Needs the gcc build (bin/timecraft, bin/tests)
# and the fuzzers (scripts/fuzz.sh builds them):
#   fuzz_module  modules of the spec suite (text, quote and binary ones, also
#                those of assert_invalid/malformed/trap...), reduced by
#                libFuzzer's -merge to the ones that add coverage
#   fuzz_text    the spec suite's .wast files cut into pieces of at most 4 KB
#                at command boundaries, reduced the same way
#   fuzz_log     logs of recorded runs of the test programs (bin/tests/*.wasm),
#                zlib and uncompressed, small batches, several segments
#   fuzz_replay  the records of recorded runs of everything.wasm (the module
#                fuzz_replay replays against), as fuzz_replay reads them
#   fuzz_meta    process.json files of those runs and config.yaml variants
#
#   fuzz/make_corpus.sh [TARGET...]      (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${TIMECRAFT_SPEC_SUITE:-$PWD/../shared/spec-testsuite}/wasm-2.0
targets=("$@")
((${#targets[@]})) || targets=(fuzz_module fuzz_text fuzz_log fuzz_replay fuzz_meta)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TIMECRAFT_CONFIG=$tmp/config.yaml

# Keeps the inputs of $2 that add coverage to target $1 in fuzz/corpus/$1 (replaced).
reduce() {
  local t=$1 from=$2 out=fuzz/corpus/$1
  rm -rf "$out" && mkdir -p "$out"
  bin/fuzz/$t -merge=1 -rss_limit_mb=2048 -timeout=10 "$out" "$from" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
}

# Records bin/tests/PROGRAM with the given options into registry $1.
record() {
  local reg=$1; shift
  bin/timecraft run --registry "$reg" "$@" </dev/null >/dev/null 2>&1 || true
}

record_all() {  # $1 registry, $2 compression, $3 batch size, $4 segment size
  printf 'log:\n  batch-size: %s\n  segment-size: %s\n  compression: %s\n' "$3" "$4" "$2" >"$TIMECRAFT_CONFIG"
  local data=$tmp/data.$RANDOM && mkdir -p "$data"
  echo "some input" >"$data/in.txt"
  record "$1" --env WHO=fuzz --dir "$data:/data" bin/tests/everything.wasm /data
  bin/timecraft run --registry "$1" bin/tests/everything.wasm <"$data/in.txt" >/dev/null 2>&1 || true
  # 4000 bytes of incompressible stdin: several segments at a 4 KiB segment size.
  python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(4000)))' >"$data/noise"
  bin/timecraft run --registry "$1" bin/tests/everything.wasm <"$data/noise" >/dev/null 2>&1 || true
  record "$1" --env GREETING=hello --env EMPTY= bin/tests/args_env.wasm one "two words" 3
  for p in clocks_random exit_code hello_cpp trap bad_pointers; do record "$1" bin/tests/$p.wasm; done
  for p in files fds sandbox; do
    local d=$tmp/dir.$p.$RANDOM && mkdir -p "$d"
    record "$1" --dir "$d:/" bin/tests/$p.wasm
  done
  rm -f "$TIMECRAFT_CONFIG"
}

logs_done=
make_logs() {
  [ -n "$logs_done" ] && return
  record_all "$tmp/reg-zlib" zlib 4096 64MiB
  record_all "$tmp/reg-small" zlib 7 4KiB
  record_all "$tmp/reg-none" none 16 64MiB
  logs_done=1
}

for t in "${targets[@]}"; do
  case $t in
    fuzz_module)
      b2 -j2 -d0 fuzz//tools
      mkdir -p "$tmp/modules"
      bin/fuzz/extract_modules --max-size 4096 "$tmp/modules" "$suite"/*.wast
      reduce fuzz_module "$tmp/modules" ;;
    fuzz_text)
      mkdir -p "$tmp/text"
      python3 - "$tmp/text" "$suite"/*.wast <<'PY'
import hashlib, os, sys
# Cut each script into top-level forms (strings and comments respected),
# then group consecutive forms into pieces of at most 4 KB.
def forms(src):
    out, i, n, depth, start = [], 0, len(src), 0, None
    while i < n:
        c = src[i]
        if c == '"':
            i += 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == '\\' else 1
        elif src.startswith(';;', i):
            while i < n and src[i] != '\n': i += 1
        elif src.startswith('(;', i):
            d = 0
            while i < n:
                if src.startswith('(;', i): d += 1; i += 2; continue
                if src.startswith(';)', i):
                    d -= 1; i += 2
                    if d == 0: break
                    continue
                i += 1
            continue
        elif c == '(':
            if depth == 0: start = i
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0 and start is not None: out.append(src[start:i + 1])
        i += 1
    return out
outdir = sys.argv[1]
for path in sys.argv[2:]:
    piece = ''
    for f in forms(open(path, encoding='utf-8', errors='replace').read()) + [None]:
        if f is not None and len(f) > 4096: continue
        if f is None or len(piece) + len(f) + 1 > 4096:
            if piece:
                b = piece.encode()
                open(os.path.join(outdir, hashlib.sha1(b).hexdigest()[:16] + '.wast'), 'wb').write(b)
            piece = ''
        if f is not None: piece += f + '\n'
PY
      reduce fuzz_text "$tmp/text" ;;
    fuzz_log)
      make_logs
      rm -rf fuzz/corpus/fuzz_log && mkdir -p fuzz/corpus/fuzz_log
      for reg in "$tmp"/reg-*; do
        for p in "$reg"/processes/*/; do
          id=$(basename "$p")
          cat "$p"/log/log.* >"fuzz/corpus/fuzz_log/$(basename "$reg")-${id:0:8}.log"
        done
      done ;;
    fuzz_replay)
      make_logs
      rm -rf fuzz/corpus/fuzz_replay && mkdir -p fuzz/corpus/fuzz_replay
      # The records of every everything.wasm run: batches decompressed and concatenated.
      for reg in "$tmp"/reg-*; do
        for p in "$reg"/processes/*/; do
          grep -q '"name": "everything.wasm"' "$p/process.json" || continue
          python3 - "$p"/log/log.* >"fuzz/corpus/fuzz_replay/$(basename "$reg")-$(basename "$p" | cut -c1-8).rec" <<'PY'
import struct, sys, zlib
out = sys.stdout.buffer
for path in sys.argv[1:]:
    b = open(path, 'rb').read()
    off = struct.unpack_from('<I', b, 12)[0]            # SegmentHeader.header_size
    while off + 56 <= len(b):
        count, first, t0, t1, raw, stored, codec = struct.unpack_from('<IQQQIIB', b, off + 4)
        data = b[off + 56:off + 56 + stored]
        out.write(zlib.decompress(data) if codec == 1 else data)
        off += 56 + stored
PY
        done
      done ;;
    fuzz_meta)
      make_logs
      rm -rf fuzz/corpus/fuzz_meta && mkdir -p fuzz/corpus/fuzz_meta
      for p in "$tmp"/reg-zlib/processes/*/; do
        cp "$p/process.json" "fuzz/corpus/fuzz_meta/process-$(basename "$p" | cut -c1-8).json"
      done
      printf 'registry:\n  root: ~/.timecraft\nlog:\n  batch-size: 4096\n  segment-size: 64MiB\n  compression: zlib\n' >fuzz/corpus/fuzz_meta/config-default.yaml
      printf '# comment\nregistry:\n  root: "/tmp/x y"   # quoted\n\nlog:\n\tbatch-size: 1k\n  segment-size: 4096\n  compression: none\n' >fuzz/corpus/fuzz_meta/config-variants.yaml
      printf 'log:\n  segment-size: 1GiB\n  batch-size: 1\nregistry:\n  root: '"'"'~/tc'"'"'\n' >fuzz/corpus/fuzz_meta/config-reordered.yaml ;;
    *) echo "make_corpus: unknown target $t" >&2; exit 2 ;;
  esac
  echo "$t: $(ls fuzz/corpus/$t | wc -l) files, $(du -sk fuzz/corpus/$t | cut -f1) KiB"
done
