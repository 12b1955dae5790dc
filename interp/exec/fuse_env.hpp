// TIMECRAFT_FUSE, read in one place: "0" compiles the plain sequence (no
// fused groups, no specialised forms) and validates every instruction the
// general way; "singles" keeps the specialised single ops. The test command
// runs the spec and WASI suites with 0 (scripts/tests/23-nofuse.sh).
#pragma once
#include <cstdlib>
#include <string_view>

namespace tc::wasm {

inline std::string_view fuse_env() {
  const char* f = std::getenv("TIMECRAFT_FUSE");
  return f ? std::string_view(f) : std::string_view();
}

}  // namespace tc::wasm
