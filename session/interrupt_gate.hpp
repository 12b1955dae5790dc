// Between a recorded program and its Recorder: once `stop` is non-zero (a
// signal number, set by `run`'s SIGINT/SIGTERM handler) no further host call
// reaches the system. A call already in flight completes and is recorded
// (a blocked one returns EINTR, see PosixConfig::interrupt); then the
// program unwinds with ErrorKind::Interrupted. What the log holds is then
// exactly what the program saw.
#pragma once
#include <atomic>
#include <csignal>
#include <optional>
#include <string>

#include "wasi/system.hpp"

namespace tc::session {

// "SIGINT", "SIGTERM", else "signal N".
inline std::string signal_name(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  if (sig == SIGHUP) return "SIGHUP";
  return "signal " + std::to_string(sig);
}

class InterruptGate final : public wasi::System {
 public:
  InterruptGate(wasi::System& inner, const std::atomic<int>& stop) : inner_(inner), stop_(stop) {}

#define WASI_CALL(name, id, params, results, ins, outs)                                   \
  wasi::Errno name(const wasi::call::name##_in& in, wasi::call::name##_out& out) override { \
    if (stopped()) return wasi::Errno::Intr;                                              \
    wasi::Errno e = inner_.name(in, out);                                                 \
    stopped();                                                                            \
    return e;                                                                             \
  }
#include "wasi/calls.def"
#undef WASI_CALL

  const Error* fault() const override { return fault_ ? &*fault_ : inner_.fault(); }

 private:
  // Per call: one relaxed load (the flag only ever goes from 0 to a signal
  // number; the call that sees it is the one that stops).
  bool stopped() {
    if (!stop_.load(std::memory_order_relaxed)) [[likely]]
      return false;
    return stop();
  }
  [[gnu::noinline, gnu::cold]] bool stop() {
    if (!fault_) fault_ = make_error(ErrorKind::Interrupted, "interrupted by " + signal_name(stop_.load()));
    return true;
  }
  wasi::System& inner_;
  const std::atomic<int>& stop_;
  std::optional<Error> fault_;
};

}  // namespace tc::session
