#include <algorithm>

#include "interp/compile/compiler_state.hpp"

namespace tc::wasm::compile_detail {

namespace {

// The unchecked handler of a core load/store (guarded memories); `sum`:
// the form addressing the sum of two slots (or, `imm`, a slot and an
// immediate).
IOp guarded_iop(Opcode op, bool sum = false, bool imm = false) {
  switch (op) {
#define MEM_LOAD(Id, M, R) case Opcode::Id: return !sum ? IOp::Id##G : imm ? IOp::Id##GI : IOp::Id##G2;
#define MEM_STORE(Id, M) case Opcode::Id: return !sum ? IOp::Id##G : imm ? IOp::Id##GI : IOp::Id##G2;
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
    default: return IOp::Count_;
  }
}

// The bounds-checked handler of a core load/store on another memory than a
// 32-bit memory 0 (MemRef not fast()).
IOp other_memory_iop(Opcode op) {
  switch (op) {
#define MEM_LOAD(Id, M, R) case Opcode::Id: return IOp::Id##M;
#define MEM_STORE(Id, M) case Opcode::Id: return IOp::Id##M;
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
    default: return IOp::Count_;
  }
}

}  // namespace

void Compiler::emit_data_op(const Instr& in, const Mark& prev) {
  // v128 instructions, and select / global.get / global.set of v128 values
  // (emit_simd.cpp; it reads folded operands through use()).
  if (emit_simd(in)) return;
  const uint32_t at = in.offset;
  // Ops that address a run of stack slots through one base slot.
  switch (in.op) {
    case Opcode::TableGet: case Opcode::TableSet: case Opcode::TableGrow:
    case Opcode::TableFill: case Opcode::TableCopy: case Opcode::TableInit:
    case Opcode::MemoryGrow: case Opcode::MemoryFill: case Opcode::MemoryCopy:
    case Opcode::MemoryInit:
      materialize_all();
      break;
    default:
      break;
  }
  switch (in.op) {
    case Opcode::Drop: pop(); return;
    case Opcode::Select: case Opcode::SelectT: {
      uint32_t cond = use_low(0), b = use(1), a = use(2), dst = top(2);
      ValType t = types_[types_.size() - 2];
      pop_n(3);
      push(t);
      uint32_t i = e_.op(IOp::Select, at);
      e_.u32(dst); e_.u32(a); e_.u32(b); e_.u32(cond);
      mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
      return;
    }
    case Opcode::LocalGet:
      push_local(local_type_[in.a], local_slot_[in.a]);
      mark_ = prev;  // nothing emitted: the mark stays usable (see mark_at)
      return;
    case Opcode::LocalSet: case Opcode::LocalTee:
      emit_local_set(in, prev);
      return;
    case Opcode::GlobalGet: {
      GlobalInst* g = inst_.globals[in.a];
      uint32_t dst = h_;
      push(g->type.type);
      uint32_t i = e_.op(IOp::GlobalGet, at);
      e_.u32(dst);
      e_.ptr(g);
      mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
      return;
    }
    case Opcode::GlobalSet: {
      uint32_t src = use(0);
      e_.op(IOp::GlobalSet, at);
      e_.u32(src);
      e_.ptr(inst_.globals[in.a]);
      pop();
      return;
    }
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
    // Memory 0 of a 32-bit memory (MemRef::fast()) has its own forms; the
    // M forms name their memory.
    case Opcode::MemorySize: {
      MemRef mr = mem_ref(in.mem.memory);
      e_.op(mr.fast() ? IOp::MemorySize : IOp::MemorySizeM, at);
      e_.u32(h_);
      if (!mr.fast()) e_.ptr(inst_.memories[mr.index]);
      push(mr.addr64 ? ValType::I64 : ValType::I32);
      return;
    }
    case Opcode::MemoryGrow: {
      MemRef mr = mem_ref(in.mem.memory);
      e_.op(mr.fast() ? IOp::MemoryGrow : IOp::MemoryGrowM, at);
      e_.u32(top());
      if (!mr.fast()) e_.ptr(inst_.memories[mr.index]);
      return;
    }
    case Opcode::MemoryFill: {
      MemRef mr = mem_ref(in.mem.memory);
      e_.op(mr.fast() ? IOp::MemoryFill : IOp::MemoryFillM, at);
      e_.u32(top(2));
      if (!mr.fast()) e_.ptr(inst_.memories[mr.index]);
      pop_n(3);
      return;
    }
    case Opcode::MemoryCopy: {
      bool fast = mem_ref(in.mem.memory).fast() && mem_ref(in.b).fast();
      e_.op(fast ? IOp::MemoryCopy : IOp::MemoryCopyM, at);
      e_.u32(top(2));
      if (!fast) {
        e_.ptr(inst_.memories[in.mem.memory]);
        e_.ptr(inst_.memories[in.b]);
      }
      pop_n(3);
      return;
    }
    case Opcode::MemoryInit: {
      MemRef mr = mem_ref(in.mem.memory);
      e_.op(mr.fast() ? IOp::MemoryInit : IOp::MemoryInitM, at);
      e_.u32(top(2));
      if (!mr.fast()) e_.ptr(inst_.memories[mr.index]);
      e_.u32(in.a);
      pop_n(3);
      return;
    }
    case Opcode::DataDrop:
      e_.op(IOp::DataDrop, at);
      e_.u32(in.a);
      return;
    case Opcode::I32Const: push_const(ValType::I32, uint32_t(in.i)); mark_ = prev; return;
    case Opcode::F32Const: push_const(ValType::F32, uint32_t(in.bits)); mark_ = prev; return;
    case Opcode::I64Const: push_const(ValType::I64, uint64_t(in.i)); mark_ = prev; return;
    case Opcode::F64Const: push_const(ValType::F64, in.bits); mark_ = prev; return;
    case Opcode::RefNull: push_const(in.type, 0); return;
    case Opcode::RefFunc:
      push_const(ValType::FuncRef, reinterpret_cast<uintptr_t>(inst_.funcs[in.a]));
      return;
    case Opcode::RefIsNull: {
      uint32_t src = use(0), dst = top();
      pop();
      push(ValType::I32);
      e_.op(IOp::RefIsNull, at);
      e_.u32(dst);
      e_.u32(src);
      return;
    }
    default:
      break;
  }
  // Table-driven families: numeric and memory access.
  const OpInfo& info = *in.info;
  IOp iop = wasm_iop(in.op);
  ValType r = op_type_valtype(info.r).value_or(ValType::I32);
  if (info.imm == ImmKind::MemArg && !mem_ref(in.mem.memory).fast()) {
    const MemoryInst* mem = inst_.memories[in.mem.memory];
    iop = other_memory_iop(in.op);
    if (info.r != OpType::V) {  // load: addr -> value
      uint32_t addr = use(0), dst = top();
      pop();
      push(r);
      uint32_t i = e_.op(iop, at);
      e_.u32(dst);
      e_.u32(addr);
      e_.ptr(mem);
      e_.u64(in.mem.offset);
      mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
    } else {  // store: addr, value
      uint32_t v = use(0), addr = use(1);
      e_.op(iop, at);
      e_.u32(addr);
      e_.u32(v);
      e_.ptr(mem);
      e_.u64(in.mem.offset);
      pop_n(2);
    }
    return;
  }
  if (info.imm == ImmKind::MemArg) {
    if (guarded(in.mem) && guarded_iop(in.op) != IOp::Count_) {
      iop = guarded_iop(in.op);
      bool load = info.r != OpType::V;
      // A virtual i32.add address (Sum/SumImm): the handler adds (32-bit wrap kept).
      const Operand ad = val(load ? 0 : 1);
      if (ad.kind == Operand::Kind::Sum || ad.kind == Operand::Kind::SumImm) {
        IOp sum_op = guarded_iop(in.op, true, ad.kind == Operand::Kind::SumImm);
        if (load) {
          uint32_t dst = top();
          pop();
          push(r);
          uint32_t i = e_.op(sum_op, at);
          e_.u32(dst);
          e_.u32(ad.local);
          e_.u32(uint32_t(ad.bits));
          e_.u32(offset_word(in.mem));
          mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
        } else {
          uint32_t value = types_.back() == ValType::I32 ? use_low(0) : use(0);  // writes at most its own slot; ad reads locals only
          e_.op(sum_op, at);
          e_.u32(value);
          e_.u32(ad.local);
          e_.u32(uint32_t(ad.bits));
          e_.u32(offset_word(in.mem));
          pop_n(2);
        }
        return;
      }
      // Fold the i32.add that just computed the address (32-bit wrap kept).
      const Operand& v = val(0);
      if (specialise_ && prev.cmp == Opcode::I32Add &&
          (load ? mark_at(prev, 0) : v.kind == Operand::Kind::Local && mark_at(prev, 1))) {
        e_.truncate(prev.start);
        if (load) {
          uint32_t dst = top();
          pop();
          push(r);
          uint32_t i = e_.op(guarded_iop(in.op, true, prev.b_imm), at);
          e_.u32(dst);
          e_.u32(prev.a);
          e_.u32(prev.b);
          e_.u32(offset_word(in.mem));
          mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
        } else {
          e_.op(guarded_iop(in.op, true, prev.b_imm), at);
          e_.u32(v.local);
          e_.u32(prev.a);
          e_.u32(prev.b);
          e_.u32(offset_word(in.mem));
          pop_n(2);
        }
        return;
      }
    }
    // A 32-bit memory 0's handlers use the low 32 bits of the address (and
    // an i32 store of its value): a Wrap is read in place.
    if (info.r != OpType::V) {  // load: addr -> value
      uint32_t addr = use_low(0), dst = top();
      pop();
      push(r);
      uint32_t i = e_.op(iop, at);
      e_.u32(dst);
      e_.u32(addr);
      e_.u32(offset_word(in.mem));
      mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
    } else {  // store: addr, value
      uint32_t v = types_.back() == ValType::I32 ? use_low(0) : use(0), addr = use_low(1);
      e_.op(iop, at);
      e_.u32(addr);
      e_.u32(v);
      e_.u32(offset_word(in.mem));
      pop_n(2);
    }
    return;
  }
  // i32.wrap_i64 of a constant is a constant; of a value in a slot it
  // stays virtual (Operand::Kind::Wrap);
  // of an i64.add just emitted, it is that add's low half, an i32.add
  // (Sum / SumImm) of operands that stay put: locals, or the i64.add's
  // first operand in this value's own slot.
  if (specialise_ && in.op == Opcode::I32WrapI64 && val().kind == Operand::Kind::Const) {
    uint64_t bits = val().bits;
    pop();
    push_const(ValType::I32, uint32_t(bits));
    mark_ = prev;  // nothing emitted (as for a constant)
    return;
  }
  if (specialise_ && in.op == Opcode::I32WrapI64 &&
      (val().kind == Operand::Kind::Slot || val().kind == Operand::Kind::Local)) {
    const uint32_t own = val().slot, locals_end = ctrls_.front().height;
    auto stays = [&](uint32_t s) { return s == own || s < locals_end; };
    Operand o{Operand::Kind::Wrap, 0, val().kind == Operand::Kind::Local ? val().local : own, 0};
    if (prev.cmp == Opcode::I64Add && mark_ok(prev) && stays(prev.a) &&
        (prev.b_imm || (prev.b < locals_end && prev.a < locals_end))) {
      uint32_t from = prev.start, a = prev.a;
      // An i64.extend_i32_u into the add's operand just before it (no label
      // between): the low half is the i32 itself plus the addend (Go's
      // address arithmetic on its 32-bit stack pointer).
      const auto& mc = out_->map_code;
      if (prev.b_imm && a == own && mc.size() >= 2 && mc.back() == prev.start) {
        const uint32_t x = mc[mc.size() - 2];
        const auto& code = out_->code;
        if (x + 3 == prev.start && code[x] == uint32_t(IOp::I64ExtendI32U) && code[x + 1] == own &&
            stays(code[x + 2]) && (label_at_ == UINT32_MAX || label_at_ <= x)) {
          from = x;
          a = code[x + 2];
        }
      }
      e_.truncate(from);
      o = Operand{prev.b_imm ? Operand::Kind::SumImm : Operand::Kind::Sum, 0, a, prev.b};
    }
    pop();
    push(ValType::I32, o);
    mark_ = Mark{};
    return;
  }
  if (in.op == Opcode::I32Eqz && negate_cmp(prev, at)) return;
  if (info.p2 == OpType::V) {
    uint32_t a = info.p1 == OpType::I32 ? use_low(0) : use(0), dst = top();
    pop();
    push(r);
    uint32_t i = e_.op(iop, at);
    e_.u32(dst);
    e_.u32(a);
    mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
    Opcode cmp = Opcode::Nop;  // a test is a compare with 0, for branch fusion
    switch (in.op) {
#define TESTOP(Id, T, Cmp, expr) case Opcode::Id: cmp = Opcode::Cmp; break;
#include "interp/code/numeric.def"
      default: break;
    }
    if (cmp != Opcode::Nop) {
      mark_.is_cmp = true;
      mark_.cmp = cmp;
      mark_.a = a;
      mark_.b = 0;
      mark_.b_imm = true;
    }
  } else {
    emit_binary(in, iop, r);
  }
}

}  // namespace tc::wasm::compile_detail
