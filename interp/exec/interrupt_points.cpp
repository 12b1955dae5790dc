#include "interp/exec/interrupt_points.hpp"

#include <chrono>
#include <system_error>

#include "interp/code/iops.hpp"
#include "interp/exec/runtime.hpp"

namespace tc::wasm {

namespace {

// How often the watcher looks at the flag: the latency of a stop requested
// while wasm code runs without calling the host.
constexpr auto kWatchPeriod = std::chrono::milliseconds(5);

// The running thread reads these words as it dispatches; an aligned 32-bit
// store is seen whole, the old handler or the new one.
void put(uint32_t& word, uint32_t v) { std::atomic_ref<uint32_t>(word).store(v, std::memory_order_relaxed); }

// Each poll point's instruction keeps its own word and becomes Interrupt.
void arm_code(CompiledFunc& c) {
  const uint32_t w = uint32_t(handler_offsets()[size_t(IOp::Interrupt)]);
  for (size_t k = 0; k < c.poll_at.size(); ++k) {
    c.poll_saved[k] = c.code[c.poll_at[k]];
    put(c.code[c.poll_at[k]], w);
  }
}

}  // namespace

InterruptPoints::~InterruptPoints() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void InterruptPoints::add(const std::atomic<int>* flag, CompiledFunc* code) {
  std::lock_guard<std::mutex> lock(mu_);
  codes_.push_back(code);
  code->poll_saved.assign(code->poll_at.size(), 0);
  if (armed_) arm_code(*code);
  // Without a thread (none could be started) the flag is still seen at
  // entries from the host and after host calls.
  if (!watcher_.joinable()) {
    try {
      watcher_ = std::thread([this, flag] { watch(flag); });
    } catch (const std::system_error&) {
    }
  }
}

void InterruptPoints::change(const std::atomic<int>* flag) {
  const bool set = flag->load(std::memory_order_relaxed) != 0;
  std::lock_guard<std::mutex> lock(mu_);
  if (set && !armed_) arm_locked();
  if (!set && armed_) disarm_locked();
}

void InterruptPoints::arm_locked() {
  for (CompiledFunc* c : codes_) arm_code(*c);
  armed_ = true;
}

void InterruptPoints::disarm_locked() {
  for (CompiledFunc* c : codes_)
    for (size_t k = 0; k < c->poll_at.size(); ++k) put(c->code[c->poll_at[k]], c->poll_saved[k]);
  armed_ = false;
}

void InterruptPoints::watch(const std::atomic<int>* flag) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, kWatchPeriod);
    // Only arms: clearing is for the running thread to see (sync), so a
    // stop it has not reached yet is not taken back under it.
    if (!stop_ && !armed_ && flag->load(std::memory_order_relaxed) != 0) arm_locked();
  }
}

}  // namespace tc::wasm
