// Compiles the v128 instructions: the 0xFD rows of the opcode table and the
// v128 forms of select / global.get / global.set (two-slot values).
// Operand layouts match the handlers in exec/ops_simd.inc: the result slot
// comes first and is the nominal slot of the deepest operand, so the
// local.set peephole can retarget it (handlers read operands first).
#include <cstring>

#include "interp/compile/compiler_state.hpp"

namespace tc::wasm::compile_detail {

namespace {

IOp other_memory_iop(Opcode op) {
  switch (op) {
#define VMEM(Id) case Opcode::Id: return IOp::Id##M;
#include "interp/code/iops_vmem.def"
#undef VMEM
    default: return IOp::Count_;
  }
}

}  // namespace

namespace {

void emit_bytes(Emitter& e, const uint8_t* bytes) {
  for (int k = 0; k < 16; k += 4) {
    uint32_t w;
    std::memcpy(&w, bytes + k, 4);
    e.u32(w);
  }
}

// v128.bitselect and the rows of iops_ternary.def: three v128 operands.
bool is_ternary(Opcode op) {
  switch (op) {
    case Opcode::V128Bitselect:
#define TERNARY(Id) case Opcode::Id:
#include "interp/code/iops_ternary.def"
#undef TERNARY
      return true;
    default:
      return false;
  }
}

}  // namespace

bool Compiler::emit_simd(const Instr& in) {
  const uint32_t at = in.offset;
  const OpInfo& info = *in.info;
  auto result = [&](uint32_t i) { mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1}; };
  if (info.prefix != 0xFD) {
    switch (in.op) {
      case Opcode::Select: case Opcode::SelectT: {
        if (types_[types_.size() - 2] != ValType::V128) return false;
        uint32_t cond = use(0), b = use(1), a = use(2), dst = top(2);
        pop_n(3);
        push(ValType::V128);
        uint32_t i = e_.op(IOp::V128Select, at);
        e_.u32(dst); e_.u32(a); e_.u32(b); e_.u32(cond);
        result(i);
        return true;
      }
      case Opcode::GlobalGet: {
        GlobalInst* g = inst_.globals[in.a];
        if (g->type.type != ValType::V128) return false;
        uint32_t dst = h_;
        push(ValType::V128);
        uint32_t i = e_.op(IOp::V128GlobalGet, at);
        e_.u32(dst);
        e_.ptr(g);
        result(i);
        return true;
      }
      case Opcode::GlobalSet: {
        if (types_.back() != ValType::V128) return false;
        uint32_t src = use(0);
        e_.op(IOp::V128GlobalSet, at);
        e_.u32(src);
        e_.ptr(inst_.globals[in.a]);
        pop();
        return true;
      }
      default:
        return false;
    }
  }

  IOp iop = wasm_iop(in.op);
  const ValType r = op_type_valtype(info.r).value_or(ValType::V128);
  switch (info.imm) {
    case ImmKind::V128Const: {
      uint32_t dst = h_;
      push(ValType::V128);
      uint32_t i = e_.op(iop, at);
      e_.u32(dst);
      emit_bytes(e_, in.v128);
      result(i);
      return true;
    }
    case ImmKind::Shuffle: {
      uint32_t b = use(0), a = use(1), dst = top(1);
      pop_n(2);
      push(ValType::V128);
      uint32_t i = e_.op(iop, at);
      e_.u32(dst); e_.u32(a); e_.u32(b);
      emit_bytes(e_, in.v128);
      result(i);
      return true;
    }
    case ImmKind::MemArg: case ImmKind::MemArgLane: {
      // Another memory than a 32-bit memory 0: the M form, whose memory
      // pointer and u64 offset take the place of the u32 offset word.
      const bool fast = mem_ref(in.mem.memory).fast();
      if (!fast) iop = other_memory_iop(in.op);
      auto offset = [&] {
        if (fast) {
          e_.u32(offset_word(in.mem));
        } else {
          e_.ptr(inst_.memories[in.mem.memory]);
          e_.u64(in.mem.offset);
        }
      };
      if (info.imm == ImmKind::MemArg) {
        if (info.r != OpType::V) {
          uint32_t addr = use(0), dst = top();
          pop();
          push(ValType::V128);
          uint32_t i = e_.op(iop, at);
          e_.u32(dst); e_.u32(addr); offset();
          result(i);
        } else {
          uint32_t v = use(0), addr = use(1);
          e_.op(iop, at);
          e_.u32(addr); e_.u32(v); offset();
          pop_n(2);
        }
        return true;
      }
      uint32_t vec = use(0), addr = use(1), dst = top(1);
      pop_n(2);
      if (info.r != OpType::V) {
        push(ValType::V128);
        uint32_t i = e_.op(iop, at);
        e_.u32(dst); e_.u32(addr); e_.u32(vec); offset(); e_.u32(in.a);
        result(i);
      } else {
        e_.op(iop, at);
        e_.u32(addr); e_.u32(vec); offset(); e_.u32(in.a);
      }
      return true;
    }
    case ImmKind::Lane:
      if (info.p2 == OpType::V) {  // extract_lane
        uint32_t a = use(0), dst = top();
        pop();
        push(r);
        uint32_t i = e_.op(iop, at);
        e_.u32(dst); e_.u32(a); e_.u32(in.a);
        result(i);
      } else {  // replace_lane
        uint32_t x = use(0), a = use(1), dst = top(1);
        pop_n(2);
        push(ValType::V128);
        uint32_t i = e_.op(iop, at);
        e_.u32(dst); e_.u32(a); e_.u32(x); e_.u32(in.a);
        result(i);
      }
      return true;
    default:
      break;
  }
  if (is_ternary(in.op)) {
    uint32_t c = use(0), b = use(1), a = use(2), dst = top(2);
    pop_n(3);
    push(ValType::V128);
    uint32_t i = e_.op(in.op == Opcode::V128Bitselect ? IOp::V128Bitselect : wasm_iop(in.op), at);
    e_.u32(dst); e_.u32(a); e_.u32(b); e_.u32(c);
    result(i);
    return true;
  }
  if (info.p2 == OpType::V) {
    uint32_t a = use(0), dst = top();
    pop();
    push(r);
    uint32_t i = e_.op(iop, at);
    e_.u32(dst); e_.u32(a);
    result(i);
  } else {
    uint32_t b = use(0), a = use(1), dst = top(1);
    pop_n(2);
    push(r);
    uint32_t i = e_.op(iop, at);
    e_.u32(dst); e_.u32(a); e_.u32(b);
    result(i);
  }
  return true;
}

}  // namespace tc::wasm::compile_detail
