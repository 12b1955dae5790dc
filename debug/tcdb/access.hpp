// FrameAccess over the Target: what the DWARF evaluator reads of one
// WebAssembly frame of the stopped program.
#pragma once
#include <cstring>

#include "debug/dwarf/frame_access.hpp"
#include "debug/target/target.hpp"

namespace tc::debug {

class FrameValues final : public FrameAccess {
 public:
  FrameValues(Target& t, uint32_t wasm_frame) : t_(t), frame_(wasm_frame) {}
  std::optional<uint64_t> local(uint32_t i) override { return t_.local(frame_, i); }
  std::optional<uint64_t> global(uint32_t i) override { return t_.global(i); }
  std::optional<uint64_t> operand(uint32_t i) override { return t_.operand(frame_, i); }
  bool read_memory(uint64_t addr, void* out, size_t n) override {
    if (n > UINT32_MAX) return false;
    auto b = t_.read_memory(addr, uint32_t(n));
    if (!b) return false;
    std::memcpy(out, b->data(), n);
    return true;
  }

 private:
  Target& t_;
  uint32_t frame_;
};

}  // namespace tc::debug
