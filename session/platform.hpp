// The machine this process runs on, as far as a recorded run's results can
// depend on it: a few WebAssembly results are not fully determined by the
// spec (NaN bit patterns, relaxed SIMD) and may come out differently on
// another architecture, CPU or engine build. Recorded by `run`, compared
// by `replay`.
#pragma once
#include <string>
#include <vector>

namespace tc::session {

struct Platform {
  std::string arch;                       // uname machine, e.g. "x86_64"
  std::vector<std::string> cpu_features;  // the ones the engine dispatches on
};

const Platform& this_platform();

}  // namespace tc::session
