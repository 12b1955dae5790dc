#!/usr/bin/env bash
# Installs the Debian 12 packages timecraft's build and tests need,
# skipping those already present.
set -euo pipefail

packages=(
  g++ libboost-tools-dev libboost-dev libboost-program-options-dev
  libboost-filesystem-dev libboost-iostreams-dev libboost-test-dev
  libssl-dev zlib1g-dev nlohmann-json3-dev libdwarf-dev
  libzstd-dev  # the log's batch codec (trace/codec.cpp, linked statically)
  clang lld wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 libc++abi-14-dev-wasm32
  libclang-rt-14-dev  # the native sanitizer and libFuzzer runtimes (fuzz/, scripts/fuzz.sh)
  binaryen nodejs  # scripts/difftest.sh: wasm-opt -ttf modules, run by V8 too
  llvm-14  # llvm-dwarfdump-14: the DWARF tests' cross-checks
  libedit-dev libbsd-dev libmd-dev libncurses-dev  # the debugger's prompt (linked statically)
  tmux  # the debugger's interactive test
  rustc libstd-rust-dev-wasm32  # a Rust program for the debugger's tests (rustc --target wasm32-wasi -g)
  golang-go  # go tool pprof reads the exported profiles in the tests
  chromium  # headless, renders the flame graphs in the tests
  lldb-16  # LLDB drives `timecraft debug --listen` in test/lldb_e2e_tests.cpp (not co-installable with lldb-14)
  libcurl4-openssl-dev  # the S3 registry's client (registry/s3/)
  ceph-mon ceph-osd radosgw  # a real S3 server for its tests (scripts/s3-server.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# bench/debug.sh's large real program is Go's standard library built for
# wasip1 (bench/programs/go): Go 1.23 comes from bookworm-backports.
if ! dpkg-query -W -f='${Status}' golang-1.23-go 2>/dev/null | grep -q "install ok installed"; then
  if grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release 2>/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo 'deb http://deb.debian.org/debian bookworm-backports main' |
        $sudo tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    fi
    echo "setup: installing golang-1.23-go (bookworm-backports)"
    # Only the benchmark needs it: a failure here does not stop the set-up.
    { $sudo apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        -t bookworm-backports golang-1.23-go >/dev/null; } ||
      echo "setup: golang-1.23-go could not be installed; bench/debug.sh needs it for its Go program"
  else
    echo "setup: golang-1.23-go skipped (not Debian 12); bench/debug.sh needs Go >= 1.21 for its go program"
  fi
fi

# test/dap_e2e_tests.cpp drives lldb-vscode-16 from node through the npm
# package @vscode/debugadapter-testsupport (test/dap/package-lock.json). Without
# the registry the set-up goes on, and those tests skip.
dap="$(cd "$(dirname "$0")/.." && pwd)/test/dap"
if [ ! -d "$dap/node_modules" ] && command -v npm >/dev/null; then
  echo "setup: npm ci --prefix test/dap"
  npm ci --prefix "$dap" --no-audit --no-fund --loglevel=error >/dev/null ||
    echo "setup: npm ci --prefix test/dap failed; test/dap_e2e_tests will skip"
fi

# test/exceptions_e2e_tests.cpp runs pandoc compiled to WebAssembly (the npm
# package pandoc-wasm, test/pandoc/package-lock.json) under timecraft and
# under Node. Without the registry the set-up goes on, and those tests skip.
pandoc="$(cd "$(dirname "$0")/.." && pwd)/test/pandoc"
if [ ! -d "$pandoc/node_modules" ] && command -v npm >/dev/null; then
  echo "setup: npm ci --prefix test/pandoc"
  npm ci --prefix "$pandoc" --no-audit --no-fund --loglevel=error >/dev/null ||
    echo "setup: npm ci --prefix test/pandoc failed; the pandoc cases of test/exceptions_e2e_tests will skip"
fi
