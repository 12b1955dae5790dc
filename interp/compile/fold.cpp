// Operand folding: local.get and constants stay virtual on the operand
// stack and are read in place (or as immediates); results go straight to
// a local on local.set/tee; integer compares fuse with br_if/if. With
// EngineConfig::specialise off, constants and address adds materialise and
// compares stay apart: the plain sequence (reading locals in place and
// retargeting results stays: it adds no op of its own).
#include <algorithm>

#include "interp/compile/compiler_state.hpp"

namespace tc::wasm::compile_detail {

namespace {

// What the compiler may select for a scalar numeric op: the forms and
// flags of its code/numeric.def row.
IOp imm_iop(Opcode op) {
  switch (op) {
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) \
  TC_NUM_IF_##HasImm(case Opcode::Id: return IOp::Id##Imm;)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) \
  TC_NUM_IF_##HasImm(case Opcode::Id: return IOp::Id##Imm;)
#include "interp/code/numeric.def"
    default: return IOp::Count_;
  }
}

IOp imm64_iop(Opcode op) {
  switch (op) {
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) \
  TC_NUM_IF_##HasImm64(case Opcode::Id: return IOp::Id##Imm64;)
#include "interp/code/numeric.def"
    default: return IOp::Count_;
  }
}

bool is_cmp(Opcode op) {
  switch (op) {
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_NUM_IF_##Br(case Opcode::Id: return true;)
#include "interp/code/numeric.def"
    default: return false;
  }
}

Opcode negate(Opcode op) {
  switch (op) {
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) \
  TC_NUM_IF_##Br(case Opcode::Id: return Opcode::Neg;)
#include "interp/code/numeric.def"
    default: return op;
  }
}

IOp brif_iop(Opcode op, bool imm) {
  switch (op) {
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) \
  TC_NUM_IF_##Br(case Opcode::Id: return imm ? IOp::BrIf##Id##Imm : IOp::BrIf##Id;)
#include "interp/code/numeric.def"
    default: return IOp::Count_;
  }
}

bool commutative(Opcode op) {
  switch (op) {
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) TC_NUM_IF_##Comm(case Opcode::Id: return true;)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_NUM_IF_##Comm(case Opcode::Id: return true;)
#include "interp/code/numeric.def"
    default: return false;
  }
}

}  // namespace

void Compiler::materialize(size_t i) {
  Operand& o = vals_[i];
  if (o.kind == Operand::Kind::Local) {
    for (uint32_t k = 0; k < slots_for(types_[i]); ++k) emit_copy(o.slot + k, o.local + k, at_);
  } else if (o.kind == Operand::Kind::Sum || o.kind == Operand::Kind::SumImm) {
    bool sum = o.kind == Operand::Kind::Sum;
    e_.op(sum ? IOp::I32Add : IOp::I32AddImm, at_);
    e_.u32(o.slot);
    e_.u32(o.local);
    e_.u32(uint32_t(o.bits));
  } else if (o.kind == Operand::Kind::Wrap) {
    e_.op(IOp::I32WrapI64, at_);
    e_.u32(o.slot);
    e_.u32(o.local);
  } else if (o.kind == Operand::Kind::Const) {
    bool narrow = types_[i] == ValType::I32 || types_[i] == ValType::F32;
    e_.op(narrow ? IOp::Const32 : IOp::Const64, at_);
    e_.u32(o.slot);
    if (narrow) e_.u32(uint32_t(o.bits));
    else e_.u64(o.bits);
  }
  o.kind = Operand::Kind::Slot;
}

void Compiler::materialize_all() {
  for (size_t i = virt_lo_; i < vals_.size(); ++i) materialize(i);
  virt_lo_ = vals_.size();
}

void Compiler::materialize_local(uint32_t local, size_t below) {
  for (size_t i = virt_lo_; i < below; ++i)
    if (vals_[i].reads(local)) materialize(i);
}

uint32_t Compiler::use(uint32_t k) {
  size_t i = vals_.size() - 1 - k;
  if (vals_[i].kind != Operand::Kind::Slot && vals_[i].kind != Operand::Kind::Local) materialize(i);
  return vals_[i].kind == Operand::Kind::Local ? vals_[i].local : vals_[i].slot;
}

uint32_t Compiler::use_low(uint32_t k) {
  const Operand& o = val(k);
  return o.kind == Operand::Kind::Wrap ? o.local : use(k);
}

bool Compiler::imm_of(uint32_t k, ValType t, uint32_t& imm) const {
  const Operand& o = val(k);
  if (o.kind != Operand::Kind::Const) return false;
  if (t == ValType::I32) { imm = uint32_t(o.bits); return true; }
  if (t == ValType::I64 && int64_t(o.bits) == int64_t(int32_t(uint32_t(o.bits)))) {
    imm = uint32_t(o.bits);
    return true;
  }
  return false;
}

// The k-th value from the top is what the marked instruction computed:
// nothing was emitted since, and values pushed since are all folded ones
// (a real value needs an emitted instruction; a folded one at index
// depth-1 means the marked value was dropped).
bool Compiler::mark_at(const Mark& m, uint32_t k) const {
  return m.valid && m.end == e_.pos() && m.depth + k == types_.size() &&
         vals_[m.depth - 1].kind == Operand::Kind::Slot;
}

bool Compiler::mark_ok(const Mark& m) const { return mark_at(m, 0); }

Cond Compiler::take_cond(const Mark& prev) {
  Cond c;
  if (specialise_ && prev.is_cmp && mark_ok(prev)) {
    e_.truncate(prev.start);  // the compare's result is only needed by the branch
    c.fused = true;
    c.cmp = prev.cmp;
    c.a = prev.a;
    c.b = prev.b;
    c.b_imm = prev.b_imm;
  } else {
    c.slot = use_low(0);  // BrIf / BrUnless test the low 32 bits
  }
  pop();
  return c;
}

std::pair<uint32_t, uint32_t> Compiler::emit_cond_branch(const Cond& c, bool when, uint32_t at) {
  if (!c.fused) {
    uint32_t i = e_.op(when ? IOp::BrIf : IOp::BrUnless, at);
    e_.u32(c.slot);
    e_.u32(0);
    return {i, i + 2};
  }
  Opcode cmp = when ? c.cmp : negate(c.cmp);
  uint32_t i = e_.op(brif_iop(cmp, c.b_imm), at);
  e_.u32(c.a);
  e_.u32(c.b);
  e_.u32(0);
  return {i, i + 3};
}

bool Compiler::negate_cmp(const Mark& prev, uint32_t at) {
  if (!specialise_ || !prev.is_cmp || !mark_ok(prev)) return false;
  const Opcode neg = negate(prev.cmp);
  const IOp iop = prev.b_imm ? imm_iop(neg) : wasm_iop(neg);
  if (neg == prev.cmp || iop == IOp::Count_) return false;
  const uint32_t dst = e_.word(prev.dst_word);
  e_.truncate(prev.start);  // nothing ran since: its operands are where they were
  uint32_t i = e_.op(iop, at);
  e_.u32(dst);
  e_.u32(prev.a);
  e_.u32(prev.b);
  mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1, true, neg, prev.a, prev.b, prev.b_imm};
  return true;
}

// Numeric binary op: immediate forms for a constant operand, compare marks.
void Compiler::emit_binary(const Instr& in, IOp iop, ValType r) {
  ValType t = types_.back();
  Opcode op = in.op;
  // i32.add of locals / a local and a constant stays virtual.
  if (specialise_ && (op == Opcode::I32Add || op == Opcode::I32Sub)) {
    const Operand &x = val(1), &y = val(0);
    Operand o;
    if (x.kind == Operand::Kind::Local && y.kind == Operand::Kind::Const) {
      o = Operand{Operand::Kind::SumImm, 0, x.local, uint32_t(op == Opcode::I32Add ? y.bits : 0 - y.bits)};
    } else if (op == Opcode::I32Add && x.kind == Operand::Kind::Const && y.kind == Operand::Kind::Local) {
      o = Operand{Operand::Kind::SumImm, 0, y.local, uint32_t(x.bits)};
    } else if (op == Opcode::I32Add && x.kind == Operand::Kind::Local && y.kind == Operand::Kind::Local) {
      o = Operand{Operand::Kind::Sum, 0, x.local, y.local};
    }
    if (o.kind != Operand::Kind::Slot) {
      pop_n(2);
      push(ValType::I32, o);
      return;
    }
  }
  uint32_t imm = 0, a = 0, b = 0;
  enum { kNone, kImmB, kImmA } mode = kNone;  // which operand is an immediate
  IOp imm_op = specialise_ ? imm_iop(op) : IOp::Count_;
  if (specialise_ && (op == Opcode::I32Sub || op == Opcode::I64Sub)) {
    if (imm_of(0, t, imm) && (op == Opcode::I32Sub || imm != 0x80000000u)) {
      op = op == Opcode::I32Sub ? Opcode::I32Add : Opcode::I64Add;
      imm = uint32_t(0) - imm;
      imm_op = imm_iop(op);
      mode = kImmB;
    }
  } else if (imm_op != IOp::Count_) {
    if (imm_of(0, t, imm)) mode = kImmB;
    else if (commutative(op) && imm_of(1, t, imm)) mode = kImmA;
  }
  if (mode == kNone) {
    // A 64-bit constant too wide for the immediate forms.
    bool sub = op == Opcode::I64Sub;
    IOp wide = specialise_ ? imm64_iop(sub ? Opcode::I64Add : op) : IOp::Count_;
    int k = val(0).kind == Operand::Kind::Const ? 0
            : commutative(op) && val(1).kind == Operand::Kind::Const ? 1 : -1;
    if (wide != IOp::Count_ && k >= 0) {
      uint64_t bits = val(uint32_t(k)).bits;
      if (sub) bits = uint64_t(0) - bits;
      a = use(uint32_t(1 - k));  // an i64 op: never a Wrap
      uint32_t dst = top(1);
      uint32_t i = e_.op(wide, at_);
      e_.u32(dst);
      e_.u32(a);
      e_.u64(bits);
      pop_n(2);
      push(r);
      mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1};
      return;
    }
    a = t == ValType::I32 ? use_low(1) : use(1);
    b = t == ValType::I32 ? use_low(0) : use(0);
  } else {
    a = t == ValType::I32 ? use_low(mode == kImmB ? 1 : 0) : use(mode == kImmB ? 1 : 0);
    b = imm;
  }
  bool b_imm = mode != kNone;
  uint32_t dst = top(1);
  uint32_t i = e_.op(b_imm ? imm_op : iop, at_);
  e_.u32(dst);
  e_.u32(a);
  e_.u32(b);
  pop_n(2);
  push(r);
  mark_ = Mark{true, i, e_.pos(), types_.size(), i + 1, is_cmp(op), op, a, b, b_imm};
}

void Compiler::emit_local_set(const Instr& in, const Mark& prev) {
  uint32_t ls = local_slot_[in.a];
  ValType t = local_type_[in.a];
  Operand o = val();
  bool tee = in.op == Opcode::LocalTee;
  if (o.kind == Operand::Kind::Local && o.local == ls) {  // local.get x; local.set x
    if (!tee) pop();
    return;
  }
  materialize_local(ls, vals_.size() - 1);
  if (o.kind == Operand::Kind::Const) {
    bool narrow = t == ValType::I32 || t == ValType::F32;
    e_.op(narrow ? IOp::Const32 : IOp::Const64, at_);
    e_.u32(ls);
    if (narrow) e_.u32(uint32_t(o.bits));
    else e_.u64(o.bits);
  } else if (o.kind == Operand::Kind::Sum || o.kind == Operand::Kind::SumImm) {
    e_.op(o.kind == Operand::Kind::Sum ? IOp::I32Add : IOp::I32AddImm, at_);  // reads before it writes
    e_.u32(ls);
    e_.u32(o.local);
    e_.u32(uint32_t(o.bits));
  } else if (o.kind == Operand::Kind::Wrap) {
    e_.op(IOp::I32WrapI64, at_);  // into the local: its upper half zero
    e_.u32(ls);
    e_.u32(o.local);
  } else if (o.kind == Operand::Kind::Slot && mark_ok(prev)) {
    retarget(prev, ls);  // the producing instruction(s)
  } else {
    uint32_t src = o.kind == Operand::Kind::Local ? o.local : o.slot;
    for (uint32_t k = 0; k < slots_for(t); ++k) emit_copy(ls + k, src + k, at_);
  }
  pop();
  if (tee) {
    if (o.kind == Operand::Kind::Const) push_const(t, o.bits);
    else push_local(t, ls);
  }
}

void Compiler::note_const_br() {
  const auto& mc = out_->map_code;
  if (!specialise_ || exact_ || mc.size() < 2) return;
  const uint32_t br = mc.back(), k = mc[mc.size() - 2];
  const auto& code = out_->code;
  if (code[br] == uint32_t(IOp::Br) && code[k] == uint32_t(IOp::Const32) && k + 3 == br &&
      label_at_ != br)
    const_brs_.push_back(br);
}

// The target's first word is an op number still (threading comes later).
// In counted code a branch target starts a segment with its Count, and a
// loop header with fuel has its Fuel, with polling in the counted tiers its
// Poll: never a BrTable. In the fast code a polled header is a poll point:
// a branch threaded past it makes its new target one instead (a branch
// target always dispatches through its own word, so a loop that now never
// passes its header still stops; interrupt_points.hpp).
void Compiler::thread_const_brs() {
  auto& code = out_->code;
  auto& polls = out_->poll_at;
  const size_t before = polls.size();
  for (uint32_t br : const_brs_) {
    const uint32_t t = br + int32_t(code[br + 1]);
    if (code[t] != uint32_t(IOp::BrTable) || code[t + 1] != code[br - 2]) continue;
    const uint32_t n = code[t + 2], v = code[br - 1];
    const uint32_t to = t + int32_t(code[t + 3 + std::min(v, n)]);
    code[br + 1] = uint32_t(int32_t(to) - int32_t(br));
    if (std::binary_search(polls.begin(), polls.begin() + before, t)) polls.push_back(to);
  }
  if (polls.size() == before) return;
  std::sort(polls.begin(), polls.end());  // sorted, each point once (a point is armed once)
  polls.erase(std::unique(polls.begin(), polls.end()), polls.end());
}

}  // namespace tc::wasm::compile_detail
