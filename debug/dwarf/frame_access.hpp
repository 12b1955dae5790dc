// What the debugger gives the evaluator for a stopped frame: its wasm
// locals, the module's globals, the frame's operand stack and linear
// memory. Values are raw bits zero-extended to 64 (i32 locals in the low
// half, f64 as its IEEE bits). nullopt / false: not available.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

namespace tc::debug {

struct FrameAccess {
  virtual ~FrameAccess() = default;
  virtual std::optional<uint64_t> local(uint32_t i) = 0;
  virtual std::optional<uint64_t> global(uint32_t i) = 0;
  virtual std::optional<uint64_t> operand(uint32_t i) = 0;  // from the top, 0 = top
  virtual bool read_memory(uint64_t addr, void* out, size_t n) = 0;
};

}  // namespace tc::debug
