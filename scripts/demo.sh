#!/usr/bin/env bash
# Set-up, build, and run the bundled example: record a run, list it, replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
b2 -j2 -d0
mkdir -p bin/examples
clang --target=wasm32-wasi -O2 -o bin/examples/hello.wasm examples/hello.c
export TIMECRAFT_REGISTRY=${TIMECRAFT_REGISTRY:-$PWD/bin/demo-registry}

echo '$ timecraft run bin/examples/hello.wasm'
bin/timecraft run bin/examples/hello.wasm 2> >(tee bin/examples/run.err >&2)
id=$(head -1 bin/examples/run.err)
sleep 1
echo
echo "\$ timecraft replay $id"
bin/timecraft replay "$id"
echo
echo '$ timecraft get ps'
bin/timecraft get ps | head -5
echo
echo "\$ timecraft trace $id"
bin/timecraft trace "$id"
echo
echo '$ timecraft run --no-record --invoke fac examples/fac.wat 20'
bin/timecraft run --no-record --invoke fac examples/fac.wat 20
