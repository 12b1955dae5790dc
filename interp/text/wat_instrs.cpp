// ModuleParser: instructions (spec text/instructions.rst), flat and folded.
// The nesting of blocks and folded expressions is kept on an explicit
// frame stack, so deeply nested input costs heap, not native stack.
#include <bit>

#include "interp/text/literals.hpp"
#include "interp/text/wat_parser.hpp"

namespace tc::wat {

using wasm::ImmKind;
using wasm::Opcode;

namespace {

void emit_opcode(ByteWriter& w, const OpInfo& op) {
  if (op.prefix == 0) {
    w.u8(uint8_t(op.code));
  } else {
    w.u8(op.prefix);
    w.u32(op.code);
  }
}

// offset= and align= values: u64 with memory64, else u32 (2.0).
std::optional<uint64_t> parse_imm_u(std::string_view s, bool wide) {
  if (wide) return parse_u64(s);
  auto v = parse_u32(s);
  return v ? std::optional<uint64_t>(*v) : std::nullopt;
}

bool is_index_tok(const Token& t) { return t.kind == TokKind::Nat || t.kind == TokKind::Id; }

bool is_number_tok(const Token& t) {
  return t.kind == TokKind::Nat || t.kind == TokKind::Int || t.kind == TokKind::Float;
}

}  // namespace

const std::string* ModuleParser::parse_label_binding() {
  return peek().kind == TokKind::Id ? &next().value : nullptr;
}

// blocktype: empty, one result, or a type use (an index, s33).
Expected<void> ModuleParser::parse_block_type(ByteWriter& out) {
  auto tu = parse_typeuse(false);
  if (!tu) return std::move(tu.error());
  if (!tu->index && tu->inline_type.params.empty()) {
    if (tu->inline_type.results.empty()) {
      out.u8(0x40);
      return {};
    }
    if (tu->inline_type.results.size() == 1) {
      out.u8(tu->inline_type.results[0].byte());
      return {};
    }
  }
  auto x = resolve_typeuse(*tu);
  if (!x) return std::move(x.error());
  out.s64(int64_t(*x));
  return {};
}

// memidx? offset=? align=?; a memory index other than 0 sets flag bit 6
// (multi-memory). With a lane index to follow (`lane`), a lone Nat is
// the lane, not a memory.
Expected<void> ModuleParser::parse_memarg(const OpInfo& op, ByteWriter& out, bool lane) {
  uint64_t offset = 0, align = uint64_t(1) << op.align;
  uint32_t mem = 0;
  if (at_index() && (!lane || peek().kind == TokKind::Id || is_index_tok(peek(1)) ||
                     peek(1).kind == TokKind::OffsetEq || peek(1).kind == TokKind::AlignEq)) {
    auto m = parse_index(Space::Memory);
    if (!m) return std::move(m.error());
    mem = *m;
  }
  if (peek().kind == TokKind::OffsetEq) {
    auto v = parse_imm_u(peek().value, f_.memory64);
    if (!v) return error_at(peek(), f_.memory64 ? "i64 constant out of range" : "i32 constant out of range");
    offset = *v;
    next();
  }
  if (peek().kind == TokKind::AlignEq) {
    auto v = parse_imm_u(peek().value, f_.memory64);
    if (!v) return error_at(peek(), f_.memory64 ? "i64 constant out of range" : "i32 constant out of range");
    if (*v == 0 || (*v & (*v - 1))) return error_at(peek(), "alignment must be a power of two");
    align = *v;
    next();
  }
  uint32_t flags = uint32_t(std::countr_zero(align));
  if (mem) {
    out.u32(flags | 64);
    out.u32(mem);
  } else {
    out.u32(flags);
  }
  out.u32(offset);
  return {};
}

// One instruction's opcode and immediates (the mnemonic is consumed).
Expected<void> ModuleParser::parse_plain(const OpInfo& op, ByteWriter& out, FuncCtx& f) {
  auto index_imm = [&](Space s) -> Expected<void> {
    auto x = parse_index(s);
    if (!x) return std::move(x.error());
    out.u32(*x);
    return {};
  };
  auto optional_index = [&](Space s) -> Expected<uint32_t> {
    if (!at_index()) return 0u;
    return parse_index(s);
  };
  switch (op.imm) {
    case ImmKind::None:
    case ImmKind::SelectT:
      if (op.op == Opcode::Select && at_list("result")) {
        std::vector<ValType> ts;
        while (at_list("result")) {
          pos_ += 2;
          while (peek().kind != TokKind::RParen) {
            auto v = parse_valtype();
            if (!v) return std::move(v.error());
            ts.push_back(*v);
          }
          next();
        }
        emit_opcode(out, wasm::op_info(Opcode::SelectT));
        out.u32(ts.size());
        for (auto t : ts) out.u8(t.byte());
        return {};
      }
      emit_opcode(out, op);
      return {};
    case ImmKind::Label: {
      emit_opcode(out, op);
      auto x = parse_label(f);
      if (!x) return std::move(x.error());
      out.u32(*x);
      return {};
    }
    case ImmKind::BrTable: {
      std::vector<uint32_t> ls;
      while (at_index()) {
        auto x = parse_label(f);
        if (!x) return std::move(x.error());
        ls.push_back(*x);
      }
      if (ls.empty()) return unexpected(peek());
      emit_opcode(out, op);
      out.u32(ls.size() - 1);
      for (auto l : ls) out.u32(l);
      return {};
    }
    case ImmKind::Func:
      emit_opcode(out, op);
      return index_imm(Space::Func);
    case ImmKind::CallIndirect: {
      auto table = optional_index(Space::Table);
      if (!table) return std::move(table.error());
      auto tu = parse_typeuse(false);
      if (!tu) return std::move(tu.error());
      auto x = resolve_typeuse(*tu);
      if (!x) return std::move(x.error());
      emit_opcode(out, op);
      out.u32(*x);
      out.u32(*table);
      return {};
    }
    case ImmKind::Local: {
      emit_opcode(out, op);
      auto x = parse_local(f);
      if (!x) return std::move(x.error());
      out.u32(*x);
      return {};
    }
    case ImmKind::Global:
      emit_opcode(out, op);
      return index_imm(Space::Global);
    case ImmKind::Table: {
      emit_opcode(out, op);
      auto x = optional_index(Space::Table);
      if (!x) return std::move(x.error());
      out.u32(*x);
      return {};
    }
    case ImmKind::MemArg:
      emit_opcode(out, op);
      return parse_memarg(op, out);
    case ImmKind::MemIdx: {
      emit_opcode(out, op);
      auto x = optional_index(Space::Memory);
      if (!x) return std::move(x.error());
      out.u32(*x);
      return {};
    }
    case ImmKind::I32:
    case ImmKind::I64:
    case ImmKind::F32:
    case ImmKind::F64: {
      const Token& t = peek();
      if (!is_number_tok(t)) return unexpected(t);
      std::string_view s = text(t);
      emit_opcode(out, op);
      bool ok = true;
      if (op.imm == ImmKind::I32) {
        auto v = parse_i32(s);
        if ((ok = v.has_value())) out.s64(int32_t(*v));
      } else if (op.imm == ImmKind::I64) {
        auto v = parse_i64(s);
        if ((ok = v.has_value())) out.s64(int64_t(*v));
      } else if (op.imm == ImmKind::F32) {
        auto v = parse_f32(s);
        if ((ok = v.has_value())) out.fixed(*v, 4);
      } else {
        auto v = parse_f64(s);
        if ((ok = v.has_value())) out.fixed(*v, 8);
      }
      if (!ok) return error_at(t, "constant out of range");
      next();
      return {};
    }
    case ImmKind::RefType: {
      emit_opcode(out, op);
      auto h = parse_heaptype();
      if (!h) return std::move(h.error());
      out.u8(h->byte());
      return {};
    }
    case ImmKind::MemoryInit: {
      uint32_t mem = 0;
      if (is_index_tok(peek(1)) && at_index()) {
        auto m = parse_index(Space::Memory);
        if (!m) return std::move(m.error());
        mem = *m;
      }
      emit_opcode(out, op);
      uses_data_index_ = true;
      TC_TRY(index_imm(Space::Data));
      out.u32(mem);
      return {};
    }
    case ImmKind::Data:
      emit_opcode(out, op);
      uses_data_index_ = true;
      return index_imm(Space::Data);
    case ImmKind::MemoryCopy: {
      emit_opcode(out, op);
      if (at_index()) {
        TC_TRY(index_imm(Space::Memory));
        return index_imm(Space::Memory);
      }
      out.u32(0);
      out.u32(0);
      return {};
    }
    case ImmKind::TableInit: {
      uint32_t table = 0;
      if (is_index_tok(peek(1)) && at_index()) {
        auto t = parse_index(Space::Table);
        if (!t) return std::move(t.error());
        table = *t;
      }
      emit_opcode(out, op);
      TC_TRY(index_imm(Space::Elem));
      out.u32(table);
      return {};
    }
    case ImmKind::Elem:
      emit_opcode(out, op);
      return index_imm(Space::Elem);
    case ImmKind::Tag:
      emit_opcode(out, op);
      return index_imm(Space::Tag);
    case ImmKind::TableCopy: {
      emit_opcode(out, op);
      if (at_index()) {
        TC_TRY(index_imm(Space::Table));
        return index_imm(Space::Table);
      }
      out.u32(0);
      out.u32(0);
      return {};
    }
    case ImmKind::V128Const:
    case ImmKind::Lane:
    case ImmKind::MemArgLane:
    case ImmKind::Shuffle:
      return parse_simd_imm(op, out);
    default:
      return unexpected(peek());
  }
}

// (catch x l) (catch_ref x l) (catch_all l) (catch_all_ref l), as a vector.
Expected<void> ModuleParser::parse_catch_clauses(ByteWriter& out, FuncCtx& f) {
  static constexpr std::string_view kKinds[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
  ByteWriter clauses;
  uint32_t n = 0;
  while (peek().kind == TokKind::LParen) {
    int kind = -1;
    for (int k = 0; k < 4; ++k)
      if (is_kw(peek(1), kKinds[k])) kind = k;
    if (kind < 0) break;
    pos_ += 2;
    clauses.u8(uint8_t(kind));
    if (kind < 2) {
      auto x = parse_index(Space::Tag);
      if (!x) return std::move(x.error());
      clauses.u32(*x);
    }
    auto l = parse_label(f);
    if (!l) return std::move(l.error());
    clauses.u32(*l);
    TC_TRY(expect(TokKind::RParen));
    ++n;
  }
  out.u32(n);
  out.raw(clauses.bytes);
  return {};
}

Expected<void> ModuleParser::run_instrs(ByteWriter& out, FuncCtx& f, bool single) {
  // FlatTry / FoldedTry: a legacy try; FoldedSeq: its (do ...) or
  // (catch ...) list.
  enum class FK : uint8_t { Base, FoldedOp, FoldedBlock, IfCond, Then, Else, FlatBlock, FlatIf, FlatElse,
                            FlatTry, FoldedTry, FoldedSeq };
  // A try's clauses so far (FlatTry, FoldedTry).
  enum TryState : uint8_t { kExpectDo, kInBody, kInCatch, kInCatchAll };
  struct Frame {
    FK kind;
    size_t off = 0;  // FoldedOp / IfCond: start of the held-back bytes
    const std::string* label = nullptr;
    TryState state = kInBody;
  };
  std::vector<Frame> frames{Frame{FK::Base}};
  ByteWriter pending;  // encodings that follow their folded operands

  auto op_for = [&](const Token& t) -> const OpInfo* {
    if (t.kind != TokKind::Keyword) return nullptr;
    const OpInfo* op = wasm::op_from_text(text(t));
    if (op && (op->op == Opcode::Else || op->op == Opcode::End || op->op == Opcode::Catch ||
               op->op == Opcode::CatchAll || op->op == Opcode::Delegate))
      return nullptr;
    return op;
  };
  auto flush = [&](size_t off) {
    pending_flushed(off, out.size());
    out.bytes.insert(out.bytes.end(), pending.bytes.begin() + off, pending.bytes.end());
    pending.bytes.resize(off);
  };
  auto end_label = [&](const std::string* label) -> Expected<void> {
    if (peek().kind == TokKind::Id) {
      if (!label || *label != peek().value) return error_at(peek(), "mismatching label");
      next();
    }
    return {};
  };
  auto begin_folded = [&]() -> Expected<void> {
    size_t open = pos_;
    next();  // "("
    const Token& k = peek();
    bool held = !(is_kw(k, "block") || is_kw(k, "loop"));
    TC_TRY(instr_hint(open, held ? pending : out, held));
    if (is_kw(k, "block") || is_kw(k, "loop")) {
      next();
      const std::string* label = parse_label_binding();
      out.u8(is_kw(k, "block") ? 0x02 : 0x03);
      TC_TRY(parse_block_type(out));
      f.labels.push_back(label);
      frames.push_back(Frame{FK::FoldedBlock, 0, label});
      return {};
    }
    if (is_kw(k, "try_table") || is_kw(k, "try")) {
      next();
      const std::string* label = parse_label_binding();
      bool table = is_kw(k, "try_table");
      out.u8(table ? 0x1F : 0x06);
      TC_TRY(parse_block_type(out));
      if (table) TC_TRY(parse_catch_clauses(out, f));
      f.labels.push_back(label);
      frames.push_back(Frame{table ? FK::FoldedBlock : FK::FoldedTry, 0, label, kExpectDo});
      return {};
    }
    if (is_kw(k, "if")) {
      next();
      const std::string* label = parse_label_binding();
      size_t off = pending.size();
      pending.u8(0x04);
      TC_TRY(parse_block_type(pending));
      frames.push_back(Frame{FK::IfCond, off, label});
      return {};
    }
    const OpInfo* op = op_for(k);
    if (!op) return unexpected(k);
    next();
    size_t off = pending.size();
    TC_TRY(parse_plain(*op, pending, f));
    frames.push_back(Frame{FK::FoldedOp, off});
    return {};
  };
  auto instr_in_seq = [&]() -> Expected<void> {
    const Token& t = peek();
    if (t.kind == TokKind::LParen) return begin_folded();
    TC_TRY(instr_hint(pos_, out, false));
    if (is_kw(t, "try_table") || is_kw(t, "try")) {
      next();
      const std::string* label = parse_label_binding();
      bool table = is_kw(t, "try_table");
      out.u8(table ? 0x1F : 0x06);
      TC_TRY(parse_block_type(out));
      if (table) TC_TRY(parse_catch_clauses(out, f));
      f.labels.push_back(label);
      frames.push_back(Frame{table ? FK::FlatBlock : FK::FlatTry, 0, label});
      return {};
    }
    bool is_if = is_kw(t, "if");
    if (is_kw(t, "block") || is_kw(t, "loop") || is_if) {
      next();
      const std::string* label = parse_label_binding();
      out.u8(is_kw(t, "block") ? 0x02 : is_if ? 0x04 : 0x03);
      TC_TRY(parse_block_type(out));
      f.labels.push_back(label);
      frames.push_back(Frame{is_if ? FK::FlatIf : FK::FlatBlock, 0, label});
      return {};
    }
    const OpInfo* op = op_for(t);
    if (!op) return unexpected(t);
    next();
    return parse_plain(*op, out, f);
  };

  if (single) {
    if (peek().kind != TokKind::LParen) return unexpected(peek());
    TC_TRY(begin_folded());
  }
  while (true) {
    if (single && frames.size() == 1) return {};
    Frame& top = frames.back();
    const Token& t = peek();
    switch (top.kind) {
      case FK::Base:
        if (t.kind == TokKind::RParen) return {};
        TC_TRY(instr_in_seq());
        break;
      case FK::FoldedOp:
        if (t.kind == TokKind::LParen) {
          TC_TRY(begin_folded());
        } else if (t.kind == TokKind::RParen) {
          next();
          flush(top.off);
          frames.pop_back();
        } else {
          return unexpected(t);
        }
        break;
      case FK::IfCond:
        if (at_list("then")) {
          pos_ += 2;
          flush(top.off);
          f.labels.push_back(top.label);
          top.kind = FK::Then;
        } else if (t.kind == TokKind::LParen) {
          TC_TRY(begin_folded());
        } else {
          return unexpected(t);
        }
        break;
      case FK::Then:
        if (t.kind == TokKind::RParen) {
          next();
          if (at_list("else")) {
            pos_ += 2;
            out.u8(0x05);
            top.kind = FK::Else;
          } else {
            TC_TRY(expect(TokKind::RParen));
            out.u8(0x0B);
            f.labels.pop_back();
            frames.pop_back();
          }
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
      case FK::Else:
        if (t.kind == TokKind::RParen) {
          next();
          TC_TRY(expect(TokKind::RParen));
          out.u8(0x0B);
          f.labels.pop_back();
          frames.pop_back();
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
      case FK::FoldedBlock:
        if (t.kind == TokKind::RParen) {
          next();
          out.u8(0x0B);
          f.labels.pop_back();
          frames.pop_back();
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
      case FK::FlatTry:
        if (is_kw(t, "end")) {
          next();
          TC_TRY(end_label(top.label));
          out.u8(0x0B);
          f.labels.pop_back();
          frames.pop_back();
        } else if ((is_kw(t, "catch") || is_kw(t, "catch_all")) && top.state != kInCatchAll) {
          next();
          if (is_kw(t, "catch")) {
            out.u8(0x07);
            auto x = parse_index(Space::Tag);
            if (!x) return std::move(x.error());
            out.u32(*x);
            top.state = kInCatch;
          } else {
            out.u8(0x19);
            top.state = kInCatchAll;
          }
        } else if (is_kw(t, "delegate") && top.state == kInBody) {
          next();
          f.labels.pop_back();
          frames.pop_back();
          auto l = parse_label(f);
          if (!l) return std::move(l.error());
          out.u8(0x18);
          out.u32(*l);
        } else if (t.kind == TokKind::RParen || t.kind == TokKind::Eof) {
          return unexpected(t);
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
      case FK::FoldedTry:
        if (top.state == kExpectDo) {
          if (!at_list("do")) return unexpected(peek(t.kind == TokKind::LParen ? 1 : 0));
          pos_ += 2;
          top.state = kInBody;
          frames.push_back(Frame{FK::FoldedSeq});
        } else if ((at_list("catch") || at_list("catch_all")) && top.state != kInCatchAll) {
          bool all = at_list("catch_all");
          pos_ += 2;
          if (!all) {
            out.u8(0x07);
            auto x = parse_index(Space::Tag);
            if (!x) return std::move(x.error());
            out.u32(*x);
          } else {
            out.u8(0x19);
          }
          top.state = all ? kInCatchAll : kInCatch;
          frames.push_back(Frame{FK::FoldedSeq});
        } else if (at_list("delegate") && top.state == kInBody) {
          pos_ += 2;
          f.labels.pop_back();
          frames.pop_back();
          auto l = parse_label(f);
          if (!l) return std::move(l.error());
          out.u8(0x18);
          out.u32(*l);
          TC_TRY(expect(TokKind::RParen));
          TC_TRY(expect(TokKind::RParen));
        } else if (t.kind == TokKind::RParen) {
          next();
          out.u8(0x0B);
          f.labels.pop_back();
          frames.pop_back();
        } else {
          return unexpected(peek(t.kind == TokKind::LParen ? 1 : 0));
        }
        break;
      case FK::FoldedSeq:
        if (t.kind == TokKind::RParen) {
          next();
          frames.pop_back();
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
      case FK::FlatBlock:
      case FK::FlatIf:
      case FK::FlatElse:
        if (is_kw(t, "end")) {
          next();
          TC_TRY(end_label(top.label));
          out.u8(0x0B);
          f.labels.pop_back();
          frames.pop_back();
        } else if (is_kw(t, "else") && top.kind == FK::FlatIf) {
          next();
          TC_TRY(end_label(top.label));
          out.u8(0x05);
          top.kind = FK::FlatElse;
        } else if (t.kind == TokKind::RParen || t.kind == TokKind::Eof) {
          return unexpected(t);
        } else {
          TC_TRY(instr_in_seq());
        }
        break;
    }
  }
}

}  // namespace tc::wat
