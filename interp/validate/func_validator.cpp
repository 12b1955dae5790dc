#include "interp/validate/func_validator.hpp"

#include <algorithm>

namespace tc::wasm {

namespace {

constexpr ValType kSingles[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                ValType::V128, ValType::FuncRef, ValType::ExternRef,
                                ValType::ExnRef};

const ValType* single(ValType t) {
  for (const auto& s : kSingles)
    if (s == t) return &s;
  return nullptr;
}

// Indexed by OpType (V, X, I32, I64, F32, F64, V128): a load, not a call.
constexpr ValType kOpTypes[] = {ValType::Bot, ValType::Bot, ValType::I32, ValType::I64,
                                ValType::F32, ValType::F64, ValType::V128};
inline ValType op_type_code(OpType t) { return kOpTypes[size_t(t)]; }

const char* type_text(ValType t) { return t != ValType::Bot ? valtype_name(t) : "_"; }

// Locals beyond this many are looked up by binary search over the runs
// instead of a flat table, so absurd (but legal) counts cost nothing.
constexpr uint64_t kFlatLocals = 1 << 16;

}  // namespace

FuncValidator::FuncValidator(const ValidationContext& ctx, Features f, bool fast_paths)
    : ctx_(ctx),
      reader_(ctx.m.bytes.data(), ctx.m.bytes.size(), 0, BodyReader::kNoEnd, f),
      fast_paths_(fast_paths) {
  init_fast();
}

#include "interp/validate/fast_path.inc"

bool FuncValidator::fail(const Instr& in, std::string msg) {
  if (!error_) error_ = make_error(ErrorKind::Invalid, std::move(msg), offset_location(in.offset));
  return false;
}

bool FuncValidator::mismatch(const Instr& in, T want, T got) {
  return fail(in, std::string("type mismatch: ") + std::string(in.info->text) +
                      " expected " + type_text(want) + " but stack has " +
                      type_text(got));
}

// A tail call returns the callee's results as the caller's own.
bool FuncValidator::tail_results(const Instr& in, const FuncType& callee) {
  if (callee.results != func_type_->results)
    return fail(in, std::string("type mismatch: ") + std::string(in.info->text) +
                        " callee results differ from the function's");
  return true;
}

bool FuncValidator::unknown(const Instr& in, const char* what, uint32_t idx) {
  return fail(in, std::string("unknown ") + what + " " + std::to_string(idx));
}

bool FuncValidator::pop_slow(const Instr& in, T& out) {
  const Ctrl& c = ctrls_.back();
  if (vals_.size() == c.height) {
    if (c.unreachable) {
      out = kUnknown;
      return true;
    }
    return fail(in, std::string("type mismatch: ") + std::string(in.info->text) +
                        " needs an operand but the stack is empty");
  }
  out = vals_.back();
  vals_.pop_back();
  return true;
}

bool FuncValidator::pop_expect_slow(const Instr& in, T want) {
  T got;
  if (!pop_slow(in, got)) return false;
  if (got != want && got != kUnknown && want != kUnknown) return mismatch(in, want, got);
  return true;
}

// A mismatch is reported as the reference interpreter does: "type
// mismatch: instruction requires [i32] but stack has [i64]".
bool FuncValidator::pop_vals(const Instr& in, const ValType* ts, uint32_t n) {
  const Ctrl& c = ctrls_.back();
  const size_t avail = vals_.size() - c.height;
  bool ok = avail >= n || c.unreachable;
  for (uint32_t i = 0; ok && i < n && i < avail; ++i) {
    T got = vals_[vals_.size() - 1 - i], want = T(ts[n - 1 - i]);
    ok = got == want || got == kUnknown || want == kUnknown;
  }
  if (!ok) {
    std::vector<T> got(vals_.end() - std::min<size_t>(avail, n), vals_.end());
    return fail(in, "type mismatch: instruction requires " + types_text(ts, n) +
                        " but stack has " + types_text(got.data(), uint32_t(got.size())));
  }
  for (uint32_t i = n; i-- > 0;)
    if (!pop_expect(in, T(ts[i]))) return false;
  return true;
}

std::string FuncValidator::types_text(const ValType* ts, uint32_t n) {
  std::string s = "[";
  for (uint32_t i = 0; i < n; ++i) s += (i ? " " : "") + std::string(type_text(ts[i]));
  return s + "]";
}

void FuncValidator::push_ctrl(Opcode op, const ValType* params, uint32_t np,
                              const ValType* results, uint32_t nr) {
  ctrls_.push_back(Ctrl{op, params, np, results, nr, uint32_t(vals_.size()), false});
  push_vals(params, np);
}

bool FuncValidator::pop_ctrl(const Instr& in, Ctrl& out) {
  const Ctrl& c = ctrls_.back();
  if (!pop_vals(in, c.results, c.nresults)) return false;
  if (vals_.size() != c.height) {
    std::vector<T> rest(vals_.begin() + c.height, vals_.end());
    return fail(in, "type mismatch: block requires " + types_text(c.results, c.nresults) +
                        " but stack has " + types_text(rest.data(), uint32_t(rest.size())));
  }
  out = c;
  ctrls_.pop_back();
  return true;
}

bool FuncValidator::block_type(const Instr& in, const ValType*& params, uint32_t& np,
                               const ValType*& results, uint32_t& nr) {
  params = results = nullptr;
  np = nr = 0;
  switch (in.block.kind) {
    case BlockTypeKind::Empty: return true;
    case BlockTypeKind::Value:
      results = single(in.block.type);
      nr = 1;
      return true;
    case BlockTypeKind::Index: {
      if (in.block.index >= ctx_.m.types.size()) return unknown(in, "type", in.block.index);
      const FuncType& ft = ctx_.m.types[in.block.index];
      params = ft.params.data();
      np = uint32_t(ft.params.size());
      results = ft.results.data();
      nr = uint32_t(ft.results.size());
      return true;
    }
  }
  return true;
}

bool FuncValidator::label(const Instr& in, uint32_t depth, const Ctrl*& out) {
  if (depth >= ctrls_.size()) return unknown(in, "label", depth);
  out = &ctrls_[ctrls_.size() - 1 - depth];
  return true;
}

bool FuncValidator::local_type(const Instr& in, uint32_t idx, T& out) {
  if (idx >= num_locals_) return unknown(in, "local", idx);
  if (!local_types_.empty() || local_runs_.empty()) {
    out = local_types_[idx];
    return true;
  }
  auto it = std::upper_bound(local_runs_.begin(), local_runs_.end(), uint64_t(idx),
                             [](uint64_t v, const auto& run) { return v < run.first; });
  out = it->second;
  return true;
}

bool FuncValidator::memory(const Instr& in, uint32_t idx, T& addr) {
  if (idx >= ctx_.memories.size()) return unknown(in, "memory", idx);
  addr = T(ctx_.memories[idx].addr == AddrType::I64 ? ValType::I64 : ValType::I32);
  return true;
}

FuncValidator::T FuncValidator::table_index(uint32_t idx) const {
  return T(ctx_.tables[idx].addr == AddrType::I64 ? ValType::I64 : ValType::I32);
}

bool FuncValidator::tag(const Instr& in, uint32_t idx, const FuncType*& type) {
  if (idx >= ctx_.tags.size()) return unknown(in, "tag", idx);
  type = &ctx_.m.types[ctx_.tags[idx]];  // checked before the bodies
  return true;
}

bool FuncValidator::table(const Instr& in, uint32_t idx, ValType& elem) {
  if (idx >= ctx_.tables.size()) return unknown(in, "table", idx);
  elem = ctx_.tables[idx].elem;
  return true;
}

std::optional<Error> FuncValidator::scan(uint32_t index) {
  const Function& f = ctx_.m.functions[index];
  reader_.reset(f.body_offset, f.body_end);
  Instr in;
  while (reader_.next(in)) {
    if (in.op == Opcode::MemoryInit || in.op == Opcode::DataDrop) uses_data_index_ = true;
  }
  if (reader_.failed()) return reader_.error();
  return std::nullopt;
}

// flatten: the reader inlined into the loop over the body (step() is
// noinline: inlining it all costs minutes of compile time). fast_run()
// stays a call of its own, one per run of simple instructions: gcc does not
// inline a function with its own optimize options.
[[gnu::flatten]] std::optional<Error> FuncValidator::validate(uint32_t index) {
  const Function& f = ctx_.m.functions[index];
  error_.reset();
  vals_.clear();
  ctrls_.clear();
  local_types_.clear();
  local_runs_.clear();
  func_type_ = &ctx_.m.types[f.type_index];  // checked by the caller
  const auto& params = func_type_->params;
  num_locals_ = params.size() + f.num_locals;
  if (num_locals_ <= kFlatLocals) {
    for (auto t : params) local_types_.push_back(T(t));
    for (const auto& d : f.locals) local_types_.insert(local_types_.end(), d.count, T(d.type));
  } else {
    uint64_t end = 0;
    for (auto t : params) local_runs_.emplace_back(++end, T(t));
    for (const auto& d : f.locals)
      if (d.count) local_runs_.emplace_back(end += d.count, T(d.type));
  }

  reader_.reset(f.body_offset, f.body_end);
  const auto& results = func_type_->results;
  push_ctrl(Opcode::Block, nullptr, 0, results.data(), uint32_t(results.size()));
  Instr in;
  bool typing = true;
  for (;;) {
    if (typing && fast_paths_ && !reader_.done()) fast_run();
    if (!reader_.next(in)) break;
    if (in.op == Opcode::MemoryInit || in.op == Opcode::DataDrop) uses_data_index_ = true;
    if (typing && !step(in)) typing = false;  // keep decoding for Malformed errors
  }
  if (reader_.failed()) return reader_.error();
  return error_;
}

// Instructions whose P1/P2/R columns describe them fully (plus the memory
// checks of loads and stores).
bool FuncValidator::simple(const Instr& in) {
  const OpInfo& info = *in.info;
  // Memory instructions: the table's i32 address columns (P1 of loads and
  // stores, P1/R of memory.size/grow) take the memory's address type.
  T p1 = info.p1 != OpType::V ? op_type_code(info.p1) : kUnknown;
  T r = info.r != OpType::V ? op_type_code(info.r) : kUnknown;
  if (info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane) {
    if (!memory(in, in.mem.memory, p1)) return false;
    if (in.mem.align > info.align) return fail(in, "alignment must not be larger than natural");
    if (p1 == T(ValType::I32) && in.mem.offset > UINT32_MAX) return fail(in, "offset out of range");
  } else if (info.imm == ImmKind::MemIdx) {
    T addr;
    if (!memory(in, in.mem.memory, addr)) return false;
    if (info.p1 != OpType::V) p1 = addr;
    r = addr;
  }
  // Lane immediates (Align holds log2 of the lane size for these rows).
  if ((info.imm == ImmKind::Lane || info.imm == ImmKind::MemArgLane) && in.a >= (16u >> info.align))
    return fail(in, "invalid lane index");
  if (info.imm == ImmKind::Shuffle)
    for (uint8_t l : in.v128)
      if (l >= 32) return fail(in, "invalid lane index");
  if (info.p2 != OpType::V && !pop_expect(in, op_type_code(info.p2))) return false;
  if (info.p1 != OpType::V && !pop_expect(in, p1)) return false;
  if (info.r != OpType::V) push(r);
  return true;
}

bool FuncValidator::step(const Instr& in) {
  constexpr T kI32 = T(ValType::I32);
  if (in.info->p1 != OpType::X) return simple(in);
  switch (in.op) {
    case Opcode::Unreachable:
      set_unreachable();
      return true;
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: {
      const ValType *ps, *rs;
      uint32_t np, nr;
      if (!block_type(in, ps, np, rs, nr)) return false;
      if (in.op == Opcode::If && !pop_expect(in, kI32)) return false;
      if (!pop_vals(in, ps, np)) return false;
      push_ctrl(in.op, ps, np, rs, nr);
      return true;
    }
    case Opcode::Else: {
      Ctrl c;
      if (!pop_ctrl(in, c)) return false;
      push_ctrl(Opcode::Else, c.params, c.nparams, c.results, c.nresults);
      return true;
    }
    case Opcode::End: {
      Ctrl c;
      if (!pop_ctrl(in, c)) return false;
      if (c.op == Opcode::If) {  // the implicit empty else must type-check
        bool same = c.nparams == c.nresults &&
                    std::equal(c.params, c.params + c.nparams, c.results);
        if (!same) return fail(in, "type mismatch: if without else must not change the stack types");
      }
      push_vals(c.results, c.nresults);
      return true;
    }
    case Opcode::Br: {
      const Ctrl* c = nullptr;
      if (!label(in, in.a, c)) return false;
      const ValType* ts;
      uint32_t n;
      label_types(*c, ts, n);
      if (!pop_vals(in, ts, n)) return false;
      set_unreachable();
      return true;
    }
    case Opcode::BrIf: {
      const Ctrl* c = nullptr;
      if (!label(in, in.a, c)) return false;
      const ValType* ts;
      uint32_t n;
      label_types(*c, ts, n);
      if (!pop_expect(in, kI32) || !pop_vals(in, ts, n)) return false;
      push_vals(ts, n);
      return true;
    }
    case Opcode::BrTable: {
      const Ctrl* c = nullptr;
      if (!label(in, in.a, c)) return false;
      const ValType* dts;
      uint32_t arity;
      label_types(*c, dts, arity);
      if (!pop_expect(in, kI32)) return false;
      for (uint32_t target : in.targets) {
        const Ctrl* t = nullptr;
        if (!label(in, target, t)) return false;
        const ValType* ts;
        uint32_t n;
        label_types(*t, ts, n);
        if (n != arity) return fail(in, "type mismatch: br_table targets have different arities");
        // Pop against this label, then restore what was popped.
        tmp_.clear();
        for (uint32_t i = n; i-- > 0;) {
          T got;
          if (!pop(in, got)) return false;
          if (got != T(ts[i]) && got != kUnknown) return mismatch(in, T(ts[i]), got);
          tmp_.push_back(got);
        }
        for (uint32_t i = n; i-- > 0;) push(tmp_[i]);
      }
      if (!pop_vals(in, dts, arity)) return false;
      set_unreachable();
      return true;
    }
    case Opcode::Return: {
      const auto& rs = func_type_->results;
      if (!pop_vals(in, rs.data(), uint32_t(rs.size()))) return false;
      set_unreachable();
      return true;
    }
    case Opcode::Call: {
      if (in.a >= ctx_.func_types.size()) return unknown(in, "function", in.a);
      const FuncType& ft = ctx_.m.types[ctx_.func_types[in.a]];
      if (!pop_vals(in, ft.params.data(), uint32_t(ft.params.size()))) return false;
      push_vals(ft.results.data(), uint32_t(ft.results.size()));
      return true;
    }
    case Opcode::CallIndirect: {
      ValType elem = ValType::FuncRef;
      if (!table(in, in.b, elem)) return false;
      if (in.a >= ctx_.m.types.size()) return unknown(in, "type", in.a);
      if (elem != ValType::FuncRef)
        return fail(in, "type mismatch: call_indirect requires a table of funcref");
      const FuncType& ft = ctx_.m.types[in.a];
      if (!pop_expect(in, table_index(in.b))) return false;
      if (!pop_vals(in, ft.params.data(), uint32_t(ft.params.size()))) return false;
      push_vals(ft.results.data(), uint32_t(ft.results.size()));
      return true;
    }
    case Opcode::ReturnCall: {
      if (in.a >= ctx_.func_types.size()) return unknown(in, "function", in.a);
      const FuncType& ft = ctx_.m.types[ctx_.func_types[in.a]];
      if (!pop_vals(in, ft.params.data(), uint32_t(ft.params.size()))) return false;
      if (!tail_results(in, ft)) return false;
      set_unreachable();
      return true;
    }
    case Opcode::ReturnCallIndirect: {
      ValType elem = ValType::FuncRef;
      if (!table(in, in.b, elem)) return false;
      if (in.a >= ctx_.m.types.size()) return unknown(in, "type", in.a);
      if (elem != ValType::FuncRef)
        return fail(in, "type mismatch: return_call_indirect requires a table of funcref");
      const FuncType& ft = ctx_.m.types[in.a];
      if (!pop_expect(in, kI32)) return false;
      if (!pop_vals(in, ft.params.data(), uint32_t(ft.params.size()))) return false;
      if (!tail_results(in, ft)) return false;
      set_unreachable();
      return true;
    }
    case Opcode::Drop: {
      T t;
      return pop(in, t);
    }
    case Opcode::Select: {
      T t1, t2;
      if (!pop_expect(in, kI32) || !pop(in, t1) || !pop(in, t2)) return false;
      if (t1.is_ref() || t2.is_ref())
        return fail(in, "type mismatch: select without a type needs numeric operands");
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return mismatch(in, t1, t2);
      push(t1 == kUnknown ? t2 : t1);
      return true;
    }
    case Opcode::SelectT: {
      if (in.a != 1) return fail(in, "invalid result arity");
      T t = T(in.type);
      if (!pop_expect(in, kI32) || !pop_expect(in, t) || !pop_expect(in, t)) return false;
      push(t);
      return true;
    }
    case Opcode::LocalGet: {
      T t;
      if (!local_type(in, in.a, t)) return false;
      push(t);
      return true;
    }
    case Opcode::LocalSet: {
      T t;
      return local_type(in, in.a, t) && pop_expect(in, t);
    }
    case Opcode::LocalTee: {
      T t;
      if (!local_type(in, in.a, t) || !pop_expect(in, t)) return false;
      push(t);
      return true;
    }
    case Opcode::GlobalGet: {
      if (in.a >= ctx_.globals.size()) return unknown(in, "global", in.a);
      push(T(ctx_.globals[in.a].type));
      return true;
    }
    case Opcode::GlobalSet: {
      if (in.a >= ctx_.globals.size()) return unknown(in, "global", in.a);
      const GlobalType& g = ctx_.globals[in.a];
      if (!g.mut) return fail(in, "immutable global");
      return pop_expect(in, T(g.type));
    }
    case Opcode::TableGet: {
      ValType e = ValType::FuncRef;
      if (!table(in, in.a, e) || !pop_expect(in, table_index(in.a))) return false;
      push(T(e));
      return true;
    }
    case Opcode::TableSet: {
      ValType e = ValType::FuncRef;
      return table(in, in.a, e) && pop_expect(in, T(e)) && pop_expect(in, table_index(in.a));
    }
    case Opcode::TableSize: {
      ValType e = ValType::FuncRef;
      if (!table(in, in.a, e)) return false;
      push(table_index(in.a));
      return true;
    }
    case Opcode::TableGrow: {
      ValType e = ValType::FuncRef;
      if (!table(in, in.a, e) || !pop_expect(in, table_index(in.a)) || !pop_expect(in, T(e))) return false;
      push(table_index(in.a));
      return true;
    }
    case Opcode::TableFill: {
      ValType e = ValType::FuncRef;
      return table(in, in.a, e) && pop_expect(in, table_index(in.a)) && pop_expect(in, T(e)) &&
             pop_expect(in, table_index(in.a));
    }
    case Opcode::TableCopy: {
      ValType e1 = ValType::FuncRef, e2 = ValType::FuncRef;
      if (!table(in, in.a, e1) || !table(in, in.b, e2)) return false;
      if (e1 != e2) return fail(in, "type mismatch: table.copy between tables of different types");
      // n has the narrower of the two index types
      T dst = table_index(in.a), src = table_index(in.b);
      return pop_expect(in, dst == src ? dst : kI32) && pop_expect(in, src) && pop_expect(in, dst);
    }
    case Opcode::TableInit: {
      ValType e = ValType::FuncRef;
      if (!table(in, in.b, e)) return false;
      if (in.a >= ctx_.m.elems.size()) return unknown(in, "elem segment", in.a);
      if (ctx_.m.elems[in.a].type != e)
        return fail(in, "type mismatch: element segment type does not match the table");
      return pop_expect(in, kI32) && pop_expect(in, kI32) && pop_expect(in, table_index(in.b));
    }
    case Opcode::ElemDrop:
      if (in.a >= ctx_.m.elems.size()) return unknown(in, "elem segment", in.a);
      return true;
    case Opcode::MemoryInit: {
      T addr;
      if (!memory(in, in.mem.memory, addr)) return false;
      if (in.a >= ctx_.m.datas.size()) return unknown(in, "data segment", in.a);
      return pop_expect(in, kI32) && pop_expect(in, kI32) && pop_expect(in, addr);
    }
    case Opcode::DataDrop:
      if (in.a >= ctx_.m.datas.size()) return unknown(in, "data segment", in.a);
      return true;
    case Opcode::MemoryCopy: {  // n has the narrower of the two address types
      T dst, src;
      if (!memory(in, in.mem.memory, dst) || !memory(in, in.b, src)) return false;
      return pop_expect(in, dst == src ? dst : kI32) && pop_expect(in, src) && pop_expect(in, dst);
    }
    case Opcode::MemoryFill: {
      T addr;
      return memory(in, in.mem.memory, addr) && pop_expect(in, addr) && pop_expect(in, kI32) && pop_expect(in, addr);
    }
    case Opcode::RefNull:
      push(T(in.type));
      return true;
    case Opcode::RefIsNull: {
      T t;
      if (!pop(in, t)) return false;
      if (t != kUnknown && !t.is_ref())
        return fail(in, std::string("type mismatch: ref.is_null needs a reference but stack has ") +
                            type_text(t));
      push(kI32);
      return true;
    }
#define TERNARY(Id) case Opcode::Id:
#include "interp/code/iops_ternary.def"
#undef TERNARY
    case Opcode::V128Bitselect: {
      constexpr T kV128 = T(ValType::V128);
      if (!pop_expect(in, kV128) || !pop_expect(in, kV128) || !pop_expect(in, kV128)) return false;
      push(kV128);
      return true;
    }
    case Opcode::RefFunc:
      if (in.a >= ctx_.func_types.size()) return unknown(in, "function", in.a);
      if (!ctx_.declared[in.a]) return fail(in, "undeclared function reference");
      push(T(ValType::FuncRef));
      return true;
    // Exception handling.
    case Opcode::Throw: {
      const FuncType* ft;
      if (!tag(in, in.a, ft)) return false;
      if (!pop_vals(in, ft->params.data(), uint32_t(ft->params.size()))) return false;
      set_unreachable();
      return true;
    }
    case Opcode::ThrowRef:
      if (!pop_expect(in, T(ValType::ExnRef))) return false;
      set_unreachable();
      return true;
    case Opcode::TryTable: {
      const ValType *ps, *rs;
      uint32_t np, nr;
      if (!block_type(in, ps, np, rs, nr)) return false;
      if (!pop_vals(in, ps, np)) return false;
      for (const CatchClause& cc : in.catches) {
        tmp_.clear();
        if (!cc.all()) {
          const FuncType* ft;
          if (!tag(in, cc.tag, ft)) return false;
          tmp_.assign(ft->params.begin(), ft->params.end());
        }
        if (cc.ref()) tmp_.push_back(ValType::ExnRef);
        const Ctrl* c = nullptr;
        if (!label(in, cc.label, c)) return false;
        const ValType* ts;
        uint32_t n;
        label_types(*c, ts, n);
        if (n != tmp_.size() || !std::equal(tmp_.begin(), tmp_.end(), ts))
          return fail(in, "type mismatch: catch handler's values do not match its label");
      }
      push_ctrl(in.op, ps, np, rs, nr);
      return true;
    }
    case Opcode::Try: {
      const ValType *ps, *rs;
      uint32_t np, nr;
      if (!block_type(in, ps, np, rs, nr)) return false;
      if (!pop_vals(in, ps, np)) return false;
      push_ctrl(in.op, ps, np, rs, nr);
      return true;
    }
    case Opcode::Catch:
    case Opcode::CatchAll: {
      const FuncType* ft = nullptr;
      if (in.op == Opcode::Catch && !tag(in, in.a, ft)) return false;
      Ctrl c;
      if (!pop_ctrl(in, c)) return false;
      if (ft) push_ctrl(in.op, ft->params.data(), uint32_t(ft->params.size()), c.results, c.nresults);
      else push_ctrl(in.op, nullptr, 0, c.results, c.nresults);
      return true;
    }
    case Opcode::Delegate: {
      Ctrl c;
      if (!pop_ctrl(in, c)) return false;
      const Ctrl* l = nullptr;
      if (!label(in, in.a, l)) return false;
      push_vals(c.results, c.nresults);
      return true;
    }
    case Opcode::Rethrow: {
      const Ctrl* c = nullptr;
      if (!label(in, in.a, c)) return false;
      if (c->op != Opcode::Catch && c->op != Opcode::CatchAll) return fail(in, "invalid rethrow label");
      set_unreachable();
      return true;
    }
    default:
      return fail(in, "unsupported instruction " + std::string(in.info->text));
  }
}

}  // namespace tc::wasm
