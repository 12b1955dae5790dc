// The compiler's state: an operand-stack model (types and slot heights),
// the control stack with pending branch fixups, and the emitter. Control
// instructions are compiled in compiler.cpp, the data families (variables,
// references, tables, memory, numeric) in emit_data.cpp. A peephole stage
// (folding local.get/const into operands, compare-and-branch) plugs in at
// the emitter level here.
#pragma once
#include <memory>
#include <vector>

#include "interp/compile/emitter.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/validate/body_reader.hpp"

namespace tc::wasm::compile_detail {

// Wasm opcode -> internal op for the rows that keep their ids.
inline IOp wasm_iop(Opcode op) {
  switch (op) {
#define IOP(Id) case Opcode::Id: return IOp::Id;
#include "interp/compile/iops_wasm.def"
#undef IOP
    default: return IOp::Count_;
  }
}

struct Ctrl {
  Opcode kind = Opcode::Block;   // Block, Loop, If (also after else), or End for the function
  uint32_t height = 0;           // slot height below the block's params
  size_t type_height = 0;        // operand type-stack size below the params
  std::vector<ValType> params, results;
  uint32_t param_slots = 0, result_slots = 0;
  uint32_t start = 0;            // Loop: branch target
  std::vector<std::pair<uint32_t, uint32_t>> fixups;  // (instr start, word) -> end
  int64_t else_instr = -1, else_word = -1;            // If: the BrUnless to patch
  bool unreachable = false;
};

class Compiler {
 public:
  explicit Compiler(const FuncInst& f)
      : f_(f), inst_(*f.instance), m_(inst_.module()), out_(std::make_unique<CompiledFunc>()), e_(*out_) {}

  std::unique_ptr<CompiledFunc> run();

 private:
  // Operand stack model.
  void push(ValType t) { types_.push_back(t); h_ += slots_for(t); max_h_ = std::max(max_h_, h_); }
  ValType pop() { ValType t = types_.back(); types_.pop_back(); h_ -= slots_for(t); return t; }
  void pop_n(size_t n) { while (n--) pop(); }
  uint32_t top(uint32_t k = 0) const {  // slot of the k-th value from the top
    uint32_t s = h_;
    for (uint32_t i = 0; i <= k; ++i) s -= slots_for(types_[types_.size() - 1 - i]);
    return s;
  }

  void block_signature(const BlockType& bt, Ctrl& c);
  void push_ctrl(Opcode kind, const BlockType& bt);
  void end_block();
  void emit_branch(uint32_t depth, uint32_t at);
  void emit_copies(uint32_t dst, uint32_t src, uint32_t n, uint32_t at);
  bool needs_copy(const Ctrl& c) const;
  void emit_jump_to(Ctrl& c, uint32_t instr, uint32_t word);
  void set_unreachable() { ctrls_.back().unreachable = true; }
  void instr(const Instr& in);        // control flow and calls (compiler.cpp)
  void emit_data_op(const Instr& in); // variables, tables, memory, numeric (emit_data.cpp)
  void skip_dead(BodyReader& r, Instr& in);

  const FuncInst& f_;
  const InstanceImpl& inst_;
  const Module& m_;
  std::unique_ptr<CompiledFunc> out_;
  Emitter e_;
  std::vector<uint32_t> local_slot_;
  std::vector<ValType> local_type_;
  std::vector<ValType> types_;
  std::vector<Ctrl> ctrls_;
  uint32_t h_ = 0, max_h_ = 0;
};

}  // namespace tc::wasm::compile_detail
