// ModuleParser: element and data segments and their constant expressions.
#include "interp/text/wat_parser.hpp"

namespace tc::wat {

Expected<void> ModuleParser::parse_const_expr(ByteWriter& out) {
  FuncCtx f;
  TC_TRY(parse_instrs(out, f));
  out.u8(0x0B);
  return {};
}

Expected<void> ModuleParser::parse_offset(ByteWriter& out) {
  if (at_list("offset")) {
    pos_ += 2;
    TC_TRY(parse_const_expr(out));
    return expect(TokKind::RParen);
  }
  FuncCtx f;
  TC_TRY(parse_folded(out, f));
  out.u8(0x0B);
  return {};
}

// elemlist: "func x*" | reftype item* | item* | x* (the last two only in
// abbreviations). Items are "(item instr*)" or one folded instruction.
Expected<void> ModuleParser::parse_elem_list(ByteWriter& out, bool& as_exprs, ValType& type,
                                             uint32_t& n, bool allow_bare) {
  n = 0;
  bool funcs = false;
  if (is_kw(peek(), "func")) {
    next();
    funcs = true;
    type = ValType::FuncRef;
  } else if (is_kw(peek(), "funcref") || is_kw(peek(), "externref")) {
    auto rt = parse_reftype();
    if (!rt) return std::move(rt.error());
    type = *rt;
  } else if (peek().kind != TokKind::LParen) {
    if (!allow_bare && !at_index()) return unexpected(peek());
    funcs = true;
  }
  as_exprs = !funcs;
  if (funcs) {
    while (at_index()) {
      auto x = parse_index(Space::Func);
      if (!x) return std::move(x.error());
      out.u32(*x);
      ++n;
    }
    return {};
  }
  while (peek().kind == TokKind::LParen) {
    if (at_list("item")) {
      pos_ += 2;
      TC_TRY(parse_const_expr(out));
      TC_TRY(expect(TokKind::RParen));
    } else {
      FuncCtx f;
      TC_TRY(parse_folded(out, f));
      out.u8(0x0B);
    }
    ++n;
  }
  return {};
}

Expected<void> ModuleParser::parse_elem() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  ++n_elems_;
  enum class Mode { Passive, Active, Declare } mode = Mode::Passive;
  uint32_t table = 0;
  ByteWriter offset;
  if (is_kw(peek(), "declare")) {
    next();
    mode = Mode::Declare;
  } else {
    if (at_list("table")) {
      pos_ += 2;
      auto x = parse_index(Space::Table);
      if (!x) return std::move(x.error());
      table = *x;
      TC_TRY(expect(TokKind::RParen));
      mode = Mode::Active;
    } else if (at_index() && peek(1).kind == TokKind::LParen) {
      auto x = parse_index(Space::Table);  // legacy "(elem 0 (offset ...) ...)"
      if (!x) return std::move(x.error());
      table = *x;
      mode = Mode::Active;
    }
    if (peek().kind == TokKind::LParen && peek(1).kind == TokKind::Keyword &&
        (text(peek(1)) == "offset" || wasm::op_from_text(text(peek(1))))) {
      mode = Mode::Active;
      TC_TRY(parse_offset(offset));
    } else if (mode == Mode::Active) {
      return unexpected(peek());
    }
  }
  ByteWriter items;
  bool as_exprs = false;
  ValType type = ValType::FuncRef;
  uint32_t n = 0;
  TC_TRY(parse_elem_list(items, as_exprs, type, n, mode == Mode::Active));
  TC_TRY(expect(TokKind::RParen));
  bool simple_active = mode == Mode::Active && table == 0 && type == ValType::FuncRef;
  if (!as_exprs) {
    switch (mode) {
      case Mode::Active:
        if (simple_active) {
          elems_.u8(0);
          elems_.raw(offset.bytes);
        } else {
          elems_.u8(2);
          elems_.u32(table);
          elems_.raw(offset.bytes);
          elems_.u8(0x00);
        }
        break;
      case Mode::Passive: elems_.u8(1); elems_.u8(0x00); break;
      case Mode::Declare: elems_.u8(3); elems_.u8(0x00); break;
    }
  } else {
    switch (mode) {
      case Mode::Active:
        if (simple_active) {
          elems_.u8(4);
          elems_.raw(offset.bytes);
        } else {
          elems_.u8(6);
          elems_.u32(table);
          elems_.raw(offset.bytes);
          elems_.u8(type.byte());
        }
        break;
      case Mode::Passive: elems_.u8(5); elems_.u8(type.byte()); break;
      case Mode::Declare: elems_.u8(7); elems_.u8(type.byte()); break;
    }
  }
  elems_.u32(n);
  elems_.raw(items.bytes);
  return {};
}

Expected<void> ModuleParser::parse_data() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  ++n_datas_;
  bool active = false;
  uint32_t mem = 0;
  ByteWriter offset;
  if (at_list("memory")) {
    pos_ += 2;
    auto x = parse_index(Space::Memory);
    if (!x) return std::move(x.error());
    mem = *x;
    TC_TRY(expect(TokKind::RParen));
    active = true;
  } else if (at_index()) {
    auto x = parse_index(Space::Memory);  // legacy "(data 0 (offset ...) ...)"
    if (!x) return std::move(x.error());
    mem = *x;
    active = true;
  }
  if (peek().kind == TokKind::LParen) {
    active = true;
    TC_TRY(parse_offset(offset));
  } else if (active) {
    return unexpected(peek());
  }
  std::string bytes;
  while (peek().kind == TokKind::String) bytes += next().value;
  TC_TRY(expect(TokKind::RParen));
  if (!active) {
    datas_.u8(1);
  } else if (mem == 0) {
    datas_.u8(0);
    datas_.raw(offset.bytes);
  } else {
    datas_.u8(2);
    datas_.u32(mem);
    datas_.raw(offset.bytes);
  }
  datas_.name(bytes);
  return {};
}

}  // namespace tc::wat
