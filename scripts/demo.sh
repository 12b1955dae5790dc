#!/usr/bin/env bash
# Set-up, build, and run the bundled example: record a run, list it, replay
# it, debug a recording of it built with -g, and profile that recording.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: installing the Debian packages the build needs (scripts/setup.sh; nothing if present)"
scripts/setup.sh
echo "demo: building timecraft (b2; a few minutes on a fresh 2-core machine, seconds after that)"
b2 -j2 -d0
echo "demo: compiling the bundled example examples/hello.c to WebAssembly (clang --target=wasm32-wasi)"
mkdir -p bin/examples
clang --target=wasm32-wasi -O2 -o bin/examples/hello.wasm examples/hello.c
clang --target=wasm32-wasi -g -O0 -o bin/examples/hello-g.wasm examples/hello.c
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
echo
echo '$ timecraft run bin/examples/hello-g.wasm     (built with -g, for the debugger)'
bin/timecraft run bin/examples/hello-g.wasm 2> >(tee bin/examples/run-g.err >&2)
gid=$(head -1 bin/examples/run-g.err)
sleep 1
printf '%s\n' 'break main' continue next next 'print now' 'info record' reverse-next 'print now' continue \
  > bin/examples/session.tcdb
echo
echo "\$ timecraft debug --echo -x bin/examples/session.tcdb $gid"
bin/timecraft debug --echo -x bin/examples/session.tcdb "$gid" </dev/null
echo
echo "\$ timecraft profile -n 5 $gid     (an exact profile, from one more replay)"
bin/timecraft profile -n 5 "$gid"
