// Code buffer with the instruction-emission helpers the compiler uses; it
// records each instruction's bytecode offset (for backtraces and a later
// debugger). A peephole stage can inspect `last_op()` before emitting.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "interp/code/iops.hpp"

namespace tc::wasm {

class Emitter {
 public:
  explicit Emitter(CompiledFunc& out) : out_(out) {}

  // Starts an instruction; returns its start index.
  uint32_t op(IOp op, uint32_t bytecode_offset) {
    uint32_t at = pos();
    out_.map_code.push_back(at);
    out_.map_bytecode.push_back(bytecode_offset);
    if (counting_) out_.map_count.push_back(seg_count_);
    heights_.push_back(kUnknown);
    out_.code.push_back(uint32_t(op));
    return at;
  }
  void u32(uint32_t v) { out_.code.push_back(v); }
  void ptr(const void* p) {
    uint64_t v = reinterpret_cast<uintptr_t>(p);
    out_.code.push_back(uint32_t(v));
    out_.code.push_back(uint32_t(v >> 32));
  }
  void u64(uint64_t v) {
    out_.code.push_back(uint32_t(v));
    out_.code.push_back(uint32_t(v >> 32));
  }
  uint32_t pos() const { return uint32_t(out_.code.size()); }
  // Branch offsets are relative to the branching instruction's start.
  void patch(uint32_t instr, uint32_t word, uint32_t target) {
    out_.code[word] = uint32_t(int32_t(target) - int32_t(instr));
  }

  // Drops the instructions from code index `at` on (peephole rewind).
  void truncate(uint32_t at) {
    out_.code.resize(at);
    while (!out_.map_code.empty() && out_.map_code.back() >= at) {
      out_.map_code.pop_back();
      out_.map_bytecode.pop_back();
      if (counting_) out_.map_count.pop_back();
      heights_.pop_back();
    }
  }
  uint32_t& word(uint32_t i) { return out_.code[i]; }
  // Start of the last instruction (UINT32_MAX if none).
  uint32_t last_start() const { return out_.map_code.empty() ? UINT32_MAX : out_.map_code.back(); }

  // Operand-stack height (in slots) after each instruction, as of the end
  // of the wasm instruction that emitted it: a stack slot at or above it is
  // dead there (fuse_pairs chains through such slots). Called between wasm
  // instructions; kUnknown until then.
  static constexpr uint32_t kUnknown = UINT32_MAX;
  void note_height(uint32_t h) {
    for (size_t i = heights_.size(); i-- > 0 && heights_[i] == kUnknown;) heights_[i] = h;
  }
  const std::vector<uint32_t>& heights() const { return heights_; }

  // Counted fast code: map_count records, per instruction, the wasm
  // instructions counted in the current segment so far.
  void set_counting() { counting_ = true; }
  void set_segment_count(uint32_t n) { seg_count_ = n; }

  // Replaces IOp numbers by handler offsets once the code is complete.
  void thread(const int32_t* handlers) {
    for (uint32_t at : out_.map_code) out_.code[at] = uint32_t(handlers[out_.code[at]]);
  }

 private:
  CompiledFunc& out_;
  std::vector<uint32_t> heights_;  // parallel to out_.map_code
  bool counting_ = false;
  uint32_t seg_count_ = 0;
};

}  // namespace tc::wasm
