# Set-up shared by bench/record_cpu.sh, bench/record_overhead.sh and
# bench/codecs.sh (sourced; they run from the project root).
#
#   TC              the CLI: $TIMECRAFT, else bin/timecraft
#   scratch_registry PREFIX [PATH...]
#                   a fresh TIMECRAFT_REGISTRY (and its config) under /tmp,
#                   removed at exit together with PATH...
#   build_syscalls DIR PROGRAM...
#                   bench/syscalls/PROGRAM.c -> DIR/PROGRAM.wasm

TC=${TIMECRAFT:-bin/timecraft}

scratch_registry() {
  TIMECRAFT_REGISTRY=$(mktemp -d "/tmp/$1.XXXXXX")
  export TIMECRAFT_REGISTRY TIMECRAFT_CONFIG=$TIMECRAFT_REGISTRY/config.yaml
  shift
  local paths=("$TIMECRAFT_REGISTRY" "$@")
  # (expanded now: the trap runs after the caller's locals are gone)
  trap "rm -rf $(printf '%q ' "${paths[@]}")" EXIT
}

build_syscalls() {
  local dir=$1; shift
  mkdir -p "$dir"
  for p in "$@"; do
    clang --target=wasm32-wasi -O2 -o "$dir/$p.wasm" "bench/syscalls/$p.c"
  done
}
