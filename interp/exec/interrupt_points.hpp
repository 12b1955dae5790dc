// EngineConfig::interrupt without a check on the hot path. The fast code
// has no Poll ops: the compiler lists its poll points instead (function
// entry, loop headers, targets of branches threaded past a header:
// CompiledFunc::poll_at) and, once the flag is set,
// the first word of each becomes IOp::Interrupt, which stops the run
// there. A Poll op cost one dispatch per loop iteration and call: 7-15% of
// the instructions of the bench kernels when recorded, 4% of SQLite's, 15%
// of Go's (bench/README.md). Armed by the thread running wasm (at entry
// from the host and after each host call, which is where a host function
// or a signal handler during a host call sets it) or, for a flag set while
// wasm code runs, by a watcher thread that looks every few milliseconds.
// The counted tiers (EngineConfig::exact_tier) keep their Poll ops: their
// Count words are patched by breakpoints.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tc::wasm {

struct CompiledFunc;

class InterruptPoints {
 public:
  InterruptPoints() = default;
  InterruptPoints(const InterruptPoints&) = delete;
  InterruptPoints& operator=(const InterruptPoints&) = delete;
  ~InterruptPoints();

  // Called with the code it has just published (ensure_compiled): it is
  // patched now if the points are armed.
  void add(const std::atomic<int>* flag, CompiledFunc* code);
  // The running thread's check (entry from the host, after a host call):
  // arms the points if the flag is set, disarms them if it was cleared.
  // Two loads when nothing changes (it runs after every host call).
  void sync(const std::atomic<int>* flag) {
    if ((flag->load(std::memory_order_relaxed) != 0) != armed_.load(std::memory_order_relaxed)) change(flag);
  }

 private:
  void change(const std::atomic<int>* flag);
  void arm_locked();
  void disarm_locked();
  void watch(const std::atomic<int>* flag);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CompiledFunc*> codes_;  // published fast codes with poll points
  std::atomic<bool> armed_{false};  // written under mu_; read without it by sync
  bool stop_ = false;
  std::thread watcher_;  // started with the first code added
};

}  // namespace tc::wasm
