#include <algorithm>

#include "interp/compile/compiler_state.hpp"

namespace tc::wasm::compile_detail {

void Compiler::emit_data_op(const Instr& in) {
  const uint32_t at = in.offset;
  switch (in.op) {
    case Opcode::Drop: pop(); return;
    case Opcode::Select: case Opcode::SelectT: {
      uint32_t cond = top(), b = top(1), a = top(2);
      pop(); pop();
      e_.op(IOp::Select, at);
      e_.u32(a); e_.u32(a); e_.u32(b); e_.u32(cond);
      return;
    }
    case Opcode::LocalGet: {
      uint32_t dst = h_;
      push(local_type_[in.a]);
      e_.op(IOp::Copy, at);
      e_.u32(dst);
      e_.u32(local_slot_[in.a]);
      return;
    }
    case Opcode::LocalSet: case Opcode::LocalTee: {
      e_.op(IOp::Copy, at);
      e_.u32(local_slot_[in.a]);
      e_.u32(top());
      if (in.op == Opcode::LocalSet) pop();
      return;
    }
    case Opcode::GlobalGet: {
      GlobalInst* g = inst_.globals[in.a];
      uint32_t dst = h_;
      push(g->type.type);
      e_.op(IOp::GlobalGet, at);
      e_.u32(dst);
      e_.ptr(g);
      return;
    }
    case Opcode::GlobalSet:
      e_.op(IOp::GlobalSet, at);
      e_.u32(top());
      e_.ptr(inst_.globals[in.a]);
      pop();
      return;
    case Opcode::TableGet:
      e_.op(IOp::TableGet, at);
      e_.u32(top());
      e_.ptr(inst_.tables[in.a]);
      pop();
      push(inst_.tables[in.a]->type.elem);
      return;
    case Opcode::TableSet:
      e_.op(IOp::TableSet, at);
      e_.u32(top(1));
      e_.ptr(inst_.tables[in.a]);
      pop_n(2);
      return;
    case Opcode::TableSize:
      e_.op(IOp::TableSize, at);
      e_.u32(h_);
      e_.ptr(inst_.tables[in.a]);
      push(ValType::I32);
      return;
    case Opcode::TableGrow:
      e_.op(IOp::TableGrow, at);
      e_.u32(top(1));
      e_.ptr(inst_.tables[in.a]);
      pop_n(2);
      push(ValType::I32);
      return;
    case Opcode::TableFill:
      e_.op(IOp::TableFill, at);
      e_.u32(top(2));
      e_.ptr(inst_.tables[in.a]);
      pop_n(3);
      return;
    case Opcode::TableCopy:
      e_.op(IOp::TableCopy, at);
      e_.u32(top(2));
      e_.ptr(inst_.tables[in.a]);
      e_.ptr(inst_.tables[in.b]);
      pop_n(3);
      return;
    case Opcode::TableInit:
      e_.op(IOp::TableInit, at);
      e_.u32(top(2));
      e_.ptr(inst_.tables[in.b]);
      e_.u32(in.a);
      pop_n(3);
      return;
    case Opcode::ElemDrop:
      e_.op(IOp::ElemDrop, at);
      e_.u32(in.a);
      return;
    case Opcode::MemorySize:
      e_.op(IOp::MemorySize, at);
      e_.u32(h_);
      push(ValType::I32);
      return;
    case Opcode::MemoryGrow:
      e_.op(IOp::MemoryGrow, at);
      e_.u32(top());
      return;
    case Opcode::MemoryFill: case Opcode::MemoryCopy:
      e_.op(in.op == Opcode::MemoryFill ? IOp::MemoryFill : IOp::MemoryCopy, at);
      e_.u32(top(2));
      pop_n(3);
      return;
    case Opcode::MemoryInit:
      e_.op(IOp::MemoryInit, at);
      e_.u32(top(2));
      e_.u32(in.a);
      pop_n(3);
      return;
    case Opcode::DataDrop:
      e_.op(IOp::DataDrop, at);
      e_.u32(in.a);
      return;
    case Opcode::I32Const: case Opcode::F32Const: {
      uint32_t dst = h_;
      push(in.op == Opcode::I32Const ? ValType::I32 : ValType::F32);
      e_.op(IOp::Const32, at);
      e_.u32(dst);
      e_.u32(in.op == Opcode::I32Const ? uint32_t(in.i) : uint32_t(in.bits));
      return;
    }
    case Opcode::I64Const: case Opcode::F64Const: {
      uint32_t dst = h_;
      push(in.op == Opcode::I64Const ? ValType::I64 : ValType::F64);
      e_.op(IOp::Const64, at);
      e_.u32(dst);
      e_.u64(in.op == Opcode::I64Const ? uint64_t(in.i) : in.bits);
      return;
    }
    case Opcode::RefNull: {
      uint32_t dst = h_;
      push(in.type);
      e_.op(IOp::Const64, at);
      e_.u32(dst);
      e_.u64(0);
      return;
    }
    case Opcode::RefIsNull:
      e_.op(IOp::RefIsNull, at);
      e_.u32(top());
      e_.u32(top());
      pop();
      push(ValType::I32);
      return;
    case Opcode::RefFunc: {
      uint32_t dst = h_;
      push(ValType::FuncRef);
      e_.op(IOp::Const64, at);
      e_.u32(dst);
      e_.u64(reinterpret_cast<uintptr_t>(inst_.funcs[in.a]));
      return;
    }
    default:
      break;
  }
  // Table-driven families: numeric and memory access.
  const OpInfo& info = *in.info;
  IOp iop = wasm_iop(in.op);
  ValType r = op_type_valtype(info.r).value_or(ValType::I32);
  if (info.imm == ImmKind::MemArg) {
    if (info.r != OpType::V) {  // load: addr -> value
      uint32_t addr = top();
      e_.op(iop, at);
      e_.u32(addr);
      e_.u32(addr);
      e_.u32(in.mem.offset);
      pop();
      push(r);
    } else {  // store: addr, value
      e_.op(iop, at);
      e_.u32(top(1));
      e_.u32(top());
      e_.u32(in.mem.offset);
      pop_n(2);
    }
    return;
  }
  if (info.p2 == OpType::V) {
    uint32_t a = top();
    e_.op(iop, at);
    e_.u32(a);
    e_.u32(a);
    pop();
    push(r);
  } else {
    uint32_t a = top(1), b = top();
    e_.op(iop, at);
    e_.u32(a);
    e_.u32(a);
    e_.u32(b);
    pop_n(2);
    push(r);
  }
}

}  // namespace tc::wasm::compile_detail
