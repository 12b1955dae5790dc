// ModuleParser: the two passes over module fields (spec text/modules.rst)
// and the import/func/table/memory/global/export/start fields.
// Segments are in wat_segments.cpp, section assembly in wat_assemble.cpp.
#include "interp/text/wat_parser.hpp"

#include "interp/text/wat.hpp"

namespace tc::wat {

namespace {

void encode_limits(ByteWriter& w, const wasm::Limits& l, bool i64 = false) {
  w.u8(uint8_t((l.max ? 1 : 0) | (i64 ? 4 : 0)));
  w.u32(l.min);
  if (l.max) w.u32(*l.max);
}

// An inline segment's offset: (i32.const 0) or (i64.const 0).
void zero_offset(ByteWriter& w, bool i64) {
  w.u8(i64 ? 0x42 : 0x41);
  w.u8(0x00);
  w.u8(0x0B);
}

}  // namespace

Expected<std::vector<uint8_t>> ModuleParser::parse() {
  TC_TRY(check_lexemes(0));
  bool wrapped = false;
  if (peek().kind == TokKind::LParen && is_kw(peek(1), "module")) {
    pos_ += 2;
    wrapped = true;
    if (peek().kind == TokKind::Id) module_name_ = next().value;
    bool binary = is_kw(peek(), "binary"), quote = is_kw(peek(), "quote");
    if (binary || quote) {
      next();
      std::string s;
      while (peek().kind == TokKind::String) s += next().value;
      TC_TRY(expect(TokKind::RParen));
      TC_TRY(expect(TokKind::Eof));
      if (quote) return wat_to_binary(s, f_);
      return std::vector<uint8_t>(s.begin(), s.end());
    }
  }
  size_t first = pos_;
  TC_TRY(scan_fields(first));
  Expected<void> tail = wrapped ? expect(TokKind::RParen) : Expected<void>{};
  if (tail) tail = expect(TokKind::Eof);
  // A stray token after the fields is reported only if the fields
  // themselves parse: the reference parser meets their errors first.
  TC_TRY(emit_fields(first));
  if (!tail) return std::move(tail.error());
  if (second_start_) return error_at(*second_start_, "multiple start sections");
  if (import_order_error_) return *import_order_error_;
  TC_TRY(apply_module_annotations());
  return place_customs(assemble());
}

// Pass 1: bind the $ids of every index space, parse type definitions and
// note imports that follow definitions.
Expected<void> ModuleParser::scan_fields(size_t first) {
  pos_ = first;
  const char* last_def = nullptr;
  while (peek().kind == TokKind::LParen) {
    size_t start = pos_;
    const Token& head = peek();
    const Token& kw = peek(1);
    std::string_view k = kw.kind == TokKind::Keyword ? text(kw) : std::string_view();
    if (k == "type") {
      TC_TRY(parse_type_field());
      spans_.push_back(FieldSpan{k, start, pos_ - 1});
      continue;
    }
    bool is_import = false;
    FieldSpan span{k, start};
    if (k == "import") {
      is_import = true;
      if (peek(4).kind == TokKind::LParen) {
        const Token& d = peek(5);
        const Token* id = peek(6).kind == TokKind::Id ? &peek(6) : nullptr;
        if (is_kw(d, "func")) TC_TRY(bind(Space::Func, id, head));
        else if (is_kw(d, "table")) TC_TRY(bind(Space::Table, id, head));
        else if (is_kw(d, "memory")) TC_TRY(bind(Space::Memory, id, head));
        else if (is_kw(d, "global")) TC_TRY(bind(Space::Global, id, head));
        else if (is_kw(d, "tag")) TC_TRY(bind(Space::Tag, id, head));
      }
    } else if (k == "tag") {
      pos_ += 2;
      const Token* id = peek().kind == TokKind::Id ? &next() : nullptr;
      while (at_list("export")) TC_TRY(skip_list());
      is_import = at_list("import");
      TC_TRY(bind(Space::Tag, id, head));
      if (!is_import) last_def = "tag";
    } else if (k == "func" || k == "table" || k == "memory" || k == "global") {
      pos_ += 2;
      const Token* id = peek().kind == TokKind::Id ? &next() : nullptr;
      while (at_list("export")) TC_TRY(skip_list());
      is_import = at_list("import");
      Space s = k == "func" ? Space::Func : k == "table" ? Space::Table
              : k == "memory" ? Space::Memory : Space::Global;
      span.header_end = pos_;
      span.index = spaces_[size_t(s)].count;
      span.imported = is_import;
      TC_TRY(bind(s, id, head));
      if (!is_import) {
        last_def = k == "func" ? "function" : k == "table" ? "table"
                 : k == "memory" ? "memory" : "global";
        if (k == "table") {
          if (peek().kind == TokKind::Keyword) next();
          if (at_list("elem")) TC_TRY(bind(Space::Elem, nullptr, head));
        } else if (k == "memory" && at_list("data")) {
          TC_TRY(bind(Space::Data, nullptr, head));
        }
      }
    } else if (k == "elem" || k == "data") {
      const Token* id = peek(2).kind == TokKind::Id ? &peek(2) : nullptr;
      TC_TRY(bind(k == "elem" ? Space::Elem : Space::Data, id, head));
    } else if (k != "export" && k != "start") {
      return unexpected(kw);
    }
    if (is_import && last_def)
      import_order_error_ = error_at(head, std::string("import after ") + last_def + " definition");
    pos_ = start;
    TC_TRY(skip_list());
    span.close = pos_ - 1;
    spans_.push_back(span);
  }
  return {};
}

// Pass 2: parse and encode every field in order.
Expected<void> ModuleParser::emit_fields(size_t first) {
  pos_ = first;
  while (peek().kind == TokKind::LParen) {
    std::string_view k = text(peek(1));
    if (k == "type") TC_TRY(skip_list());
    else if (k == "import") TC_TRY(parse_import());
    else if (k == "func") TC_TRY(parse_func());
    else if (k == "table") TC_TRY(parse_table());
    else if (k == "memory") TC_TRY(parse_memory());
    else if (k == "global") TC_TRY(parse_global());
    else if (k == "tag") TC_TRY(parse_tag());
    else if (k == "export") TC_TRY(parse_export());
    else if (k == "start") TC_TRY(parse_start());
    else if (k == "elem") TC_TRY(parse_elem());
    else if (k == "data") TC_TRY(parse_data());
    else return unexpected(peek(1));
  }
  return {};
}

Expected<void> ModuleParser::parse_inline_exports(wasm::ExternKind k, uint32_t index) {
  while (at_list("export")) {
    pos_ += 2;
    auto name = parse_name();
    if (!name) return std::move(name.error());
    TC_TRY(expect(TokKind::RParen));
    exports_.name(*name);
    exports_.u8(uint8_t(k));
    exports_.u32(index);
    ++n_exports_;
  }
  return {};
}

void ModuleParser::encode_import_head(std::string_view mod, std::string_view field) {
  imports_.name(mod);
  imports_.name(field);
  ++n_imports_;
}

// Parses the descriptor after "(kind $id?" of an import (either the
// import field or the inline-import abbreviation) and encodes it.
#define TC_WAT_IMPORT_NAMES(mod, field)                 \
  auto mod = parse_name();                              \
  if (!mod) return std::move(mod.error());              \
  auto field = parse_name();                            \
  if (!field) return std::move(field.error());

Expected<void> ModuleParser::parse_import() {
  pos_ += 2;
  TC_WAT_IMPORT_NAMES(mod, field)
  TC_TRY(expect(TokKind::LParen));
  const Token& kind = next();
  if (peek().kind == TokKind::Id) next();
  encode_import_head(*mod, *field);
  if (is_kw(kind, "func")) {
    auto tu = parse_typeuse(true);
    if (!tu) return std::move(tu.error());
    auto x = resolve_typeuse(*tu);
    if (!x) return std::move(x.error());
    imports_.u8(0x00);
    imports_.u32(*x);
    ++n_funcs_;
  } else if (is_kw(kind, "table")) {
    bool i64 = parse_addr_type();
    auto l = parse_limits();
    if (!l) return std::move(l.error());
    auto rt = parse_reftype();
    if (!rt) return std::move(rt.error());
    imports_.u8(0x01);
    imports_.u8(rt->byte());
    encode_limits(imports_, *l, i64);
    ++n_tables_;
  } else if (is_kw(kind, "memory")) {
    bool i64 = parse_addr_type();
    auto l = parse_limits();
    if (!l) return std::move(l.error());
    imports_.u8(0x02);
    encode_limits(imports_, *l, i64);
    ++n_mems_;
  } else if (is_kw(kind, "global")) {
    bool mut = at_list("mut");
    if (mut) pos_ += 2;
    auto vt = parse_valtype();
    if (!vt) return std::move(vt.error());
    if (mut) TC_TRY(expect(TokKind::RParen));
    imports_.u8(0x03);
    imports_.u8(vt->byte());
    imports_.u8(mut ? 1 : 0);
    ++n_globals_;
  } else if (is_kw(kind, "tag")) {
    auto tu = parse_typeuse(false);
    if (!tu) return std::move(tu.error());
    auto x = resolve_typeuse(*tu);
    if (!x) return std::move(x.error());
    imports_.u8(0x04);
    imports_.u8(0x00);  // attribute: exception
    imports_.u32(*x);
    ++n_tags_;
  } else {
    return unexpected(kind);
  }
  TC_TRY(expect(TokKind::RParen));
  return expect(TokKind::RParen);
}

Expected<void> ModuleParser::parse_func() {
  size_t open = pos_;
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  uint32_t index = n_funcs_++;
  TC_TRY(parse_inline_exports(wasm::ExternKind::Func, index));
  bool imported = at_list("import");
  if (imported) {
    pos_ += 2;
    TC_WAT_IMPORT_NAMES(mod, field)
    TC_TRY(expect(TokKind::RParen));
    encode_import_head(*mod, *field);
  }
  auto tu = parse_typeuse(true);
  if (!tu) return std::move(tu.error());
  auto x = resolve_typeuse(*tu);
  if (!x) return std::move(x.error());
  if (imported) {
    imports_.u8(0x00);
    imports_.u32(*x);
    return expect(TokKind::RParen);
  }
  funcs_.u32(*x);
  ++def_funcs_;

  FuncCtx f;
  auto add_local = [&](const Token* id) -> Expected<void> {
    if (id && !f.local_names.emplace(id->value, f.local_count).second)
      return error_at(*id, "duplicate local " + std::string(text(*id)));
    ++f.local_count;
    return {};
  };
  bool has_inline = !tu->inline_type.params.empty() || !tu->inline_type.results.empty();
  if (tu->index && !has_inline) {
    if (*x < types_.size()) f.local_count = uint32_t(types_[*x].params.size());
  } else {
    for (size_t i = 0; i < tu->param_names.size(); ++i) {
      const std::string* n = tu->param_names[i];
      if (n && !f.local_names.emplace(*n, f.local_count).second)
        return error_at(peek(), "duplicate local $" + *n);
      ++f.local_count;
    }
  }
  std::vector<ValType> locals;
  while (at_list("local")) {
    pos_ += 2;
    if (peek().kind == TokKind::Id) {
      const Token& id = next();
      TC_TRY(add_local(&id));
      auto v = parse_valtype();
      if (!v) return std::move(v.error());
      locals.push_back(*v);
    } else {
      while (peek().kind != TokKind::RParen) {
        auto v = parse_valtype();
        if (!v) return std::move(v.error());
        TC_TRY(add_local(nullptr));
        locals.push_back(*v);
      }
    }
    TC_TRY(expect(TokKind::RParen));
  }
  ByteWriter body;
  uint32_t runs = 0;
  for (size_t i = 0; i < locals.size(); ++i)
    if (i == 0 || locals[i] != locals[i - 1]) ++runs;
  body.u32(runs);
  for (size_t i = 0; i < locals.size();) {
    size_t j = i;
    while (j < locals.size() && locals[j] == locals[i]) ++j;
    body.u32(j - i);
    body.u8(locals[i].byte());
    i = j;
  }
  if (const FieldSpan* s = field_at(open + 1)) begin_func_hints(s->open, s->close);
  TC_TRY(parse_instrs(body, f));
  TC_TRY(end_func_hints(index));
  body.u8(0x0B);
  TC_TRY(expect(TokKind::RParen));
  code_.u32(body.size());
  code_.raw(body.bytes);
  return {};
}

Expected<void> ModuleParser::parse_table() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  uint32_t index = n_tables_++;
  TC_TRY(parse_inline_exports(wasm::ExternKind::Table, index));
  bool imported = at_list("import");
  if (imported) {
    pos_ += 2;
    TC_WAT_IMPORT_NAMES(mod, field)
    TC_TRY(expect(TokKind::RParen));
    encode_import_head(*mod, *field);
  }
  bool i64 = parse_addr_type();
  if (!imported && peek().kind == TokKind::Keyword && at_list("elem", 1)) {
    // (table reftype (elem ...)): limits from the element count, plus an
    // active segment at offset 0.
    auto rt = parse_reftype();
    if (!rt) return std::move(rt.error());
    pos_ += 2;
    ByteWriter items;
    bool as_exprs = false;
    ValType type = *rt;
    uint32_t n = 0;
    TC_TRY(parse_elem_list(items, as_exprs, type, n, true));
    TC_TRY(expect(TokKind::RParen));
    TC_TRY(expect(TokKind::RParen));
    tables_.u8(rt->byte());
    encode_limits(tables_, wasm::Limits{n, n}, i64);
    ++def_tables_;
    ByteWriter offset;
    zero_offset(offset, i64);
    if (!as_exprs) {
      if (index == 0) {
        elems_.u8(0);
        elems_.raw(offset.bytes);
      } else {
        elems_.u8(2);
        elems_.u32(index);
        elems_.raw(offset.bytes);
        elems_.u8(0x00);
      }
    } else if (index == 0 && *rt == ValType::FuncRef) {
      elems_.u8(4);
      elems_.raw(offset.bytes);
    } else {
      elems_.u8(6);
      elems_.u32(index);
      elems_.raw(offset.bytes);
      elems_.u8(rt->byte());
    }
    elems_.u32(n);
    elems_.raw(items.bytes);
    ++n_elems_;
    return {};
  }
  auto l = parse_limits();
  if (!l) return std::move(l.error());
  auto rt = parse_reftype();
  if (!rt) return std::move(rt.error());
  TC_TRY(expect(TokKind::RParen));
  ByteWriter& w = imported ? imports_ : tables_;
  if (imported) w.u8(0x01);
  else ++def_tables_;
  w.u8(rt->byte());
  encode_limits(w, *l, i64);
  return {};
}

Expected<void> ModuleParser::parse_memory() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  uint32_t index = n_mems_++;
  TC_TRY(parse_inline_exports(wasm::ExternKind::Memory, index));
  bool imported = at_list("import");
  if (imported) {
    pos_ += 2;
    TC_WAT_IMPORT_NAMES(mod, field)
    TC_TRY(expect(TokKind::RParen));
    encode_import_head(*mod, *field);
  }
  bool i64 = parse_addr_type();
  if (!imported && at_list("data")) {
    pos_ += 2;
    std::string bytes;
    while (peek().kind == TokKind::String) bytes += next().value;
    TC_TRY(expect(TokKind::RParen));
    TC_TRY(expect(TokKind::RParen));
    uint64_t pages = (uint64_t(bytes.size()) + wasm::kPageSize - 1) / wasm::kPageSize;
    encode_limits(mems_, wasm::Limits{pages, pages}, i64);
    ++def_mems_;
    if (index == 0) {
      datas_.u8(0);
    } else {
      datas_.u8(2);
      datas_.u32(index);
    }
    zero_offset(datas_, i64);
    datas_.name(bytes);
    ++n_datas_;
    return {};
  }
  auto l = parse_limits();
  if (!l) return std::move(l.error());
  TC_TRY(expect(TokKind::RParen));
  if (imported) {
    imports_.u8(0x02);
    encode_limits(imports_, *l, i64);
  } else {
    encode_limits(mems_, *l, i64);
    ++def_mems_;
  }
  return {};
}

Expected<void> ModuleParser::parse_global() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  uint32_t index = n_globals_++;
  TC_TRY(parse_inline_exports(wasm::ExternKind::Global, index));
  bool imported = at_list("import");
  if (imported) {
    pos_ += 2;
    TC_WAT_IMPORT_NAMES(mod, field)
    TC_TRY(expect(TokKind::RParen));
    encode_import_head(*mod, *field);
  }
  bool mut = at_list("mut");
  if (mut) pos_ += 2;
  auto vt = parse_valtype();
  if (!vt) return std::move(vt.error());
  if (mut) TC_TRY(expect(TokKind::RParen));
  ByteWriter& w = imported ? imports_ : globals_;
  if (imported) w.u8(0x03);
  w.u8(vt->byte());
  w.u8(mut ? 1 : 0);
  if (!imported) {
    TC_TRY(parse_const_expr(globals_));
    ++def_globals_;
  }
  return expect(TokKind::RParen);
}

// (tag $id? (export ...)* (import ...)? typeuse)
Expected<void> ModuleParser::parse_tag() {
  pos_ += 2;
  if (peek().kind == TokKind::Id) next();
  uint32_t index = n_tags_++;
  TC_TRY(parse_inline_exports(wasm::ExternKind::Tag, index));
  bool imported = at_list("import");
  if (imported) {
    pos_ += 2;
    TC_WAT_IMPORT_NAMES(mod, field)
    TC_TRY(expect(TokKind::RParen));
    encode_import_head(*mod, *field);
  }
  auto tu = parse_typeuse(false);
  if (!tu) return std::move(tu.error());
  auto x = resolve_typeuse(*tu);
  if (!x) return std::move(x.error());
  ByteWriter& w = imported ? imports_ : tags_;
  if (imported) w.u8(0x04);
  w.u8(0x00);  // attribute: exception
  w.u32(*x);
  if (!imported) ++def_tags_;
  return expect(TokKind::RParen);
}

Expected<void> ModuleParser::parse_export() {
  pos_ += 2;
  auto name = parse_name();
  if (!name) return std::move(name.error());
  TC_TRY(expect(TokKind::LParen));
  const Token& kind = next();
  std::string_view k = kind.kind == TokKind::Keyword ? text(kind) : std::string_view();
  wasm::ExternKind ek;
  Space s;
  if (k == "func") { ek = wasm::ExternKind::Func; s = Space::Func; }
  else if (k == "table") { ek = wasm::ExternKind::Table; s = Space::Table; }
  else if (k == "memory") { ek = wasm::ExternKind::Memory; s = Space::Memory; }
  else if (k == "global") { ek = wasm::ExternKind::Global; s = Space::Global; }
  else if (k == "tag") { ek = wasm::ExternKind::Tag; s = Space::Tag; }
  else return unexpected(kind);
  auto x = parse_index(s);
  if (!x) return std::move(x.error());
  TC_TRY(expect(TokKind::RParen));
  TC_TRY(expect(TokKind::RParen));
  exports_.name(*name);
  exports_.u8(uint8_t(ek));
  exports_.u32(*x);
  ++n_exports_;
  return {};
}

Expected<void> ModuleParser::parse_start() {
  pos_ += 2;
  const Token& at = peek();
  auto x = parse_index(Space::Func);
  if (!x) return std::move(x.error());
  TC_TRY(expect(TokKind::RParen));
  if (start_ && !second_start_) second_start_ = &at;
  start_ = *x;
  return {};
}

}  // namespace tc::wat
