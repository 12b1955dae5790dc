// A System wrapper that counts and times every call (used by `profile`,
// which wraps a Replayer so profiling a run has no side effects).
#pragma once
#include <array>
#include <chrono>
#include <cstdint>

#include "wasi/system.hpp"

namespace tc::trace {

struct CallStats {
  uint64_t count = 0, errors = 0, ns = 0;
};

class TimingSystem : public wasi::System {
 public:
  explicit TimingSystem(wasi::System& inner) : inner_(inner) {}

#define WASI_CALL(name, id, params, results, ins, outs)                          \
  wasi::Errno name(const wasi::call::name##_in& in, wasi::call::name##_out& out) \
      override {                                                                 \
    auto t0 = std::chrono::steady_clock::now();                                  \
    wasi::Errno e = inner_.name(in, out);                                        \
    auto& s = stats_[id];                                                        \
    s.count++;                                                                   \
    s.errors += e != wasi::Errno::Success;                                       \
    s.ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(       \
                         std::chrono::steady_clock::now() - t0).count());        \
    return e;                                                                    \
  }
#include "wasi/calls.def"
#undef WASI_CALL

  const Error* fault() const override { return inner_.fault(); }
  const CallStats& stats(uint32_t call_id) const { return stats_[call_id]; }

 private:
  wasi::System& inner_;
  std::array<CallStats, 64> stats_{};  // by call id (ids are < 64)
};

}  // namespace tc::trace
