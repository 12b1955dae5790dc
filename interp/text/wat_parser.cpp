// ModuleParser: cursor helpers, value/function types, limits, indices.
#include "interp/text/wat_parser.hpp"

#include <unordered_set>

#include "interp/text/literals.hpp"

namespace tc::wat {

namespace {

const char* space_name(Space s) {
  switch (s) {
    case Space::Type: return "type";
    case Space::Func: return "function";
    case Space::Table: return "table";
    case Space::Memory: return "memory";
    case Space::Global: return "global";
    case Space::Elem: return "elem segment";
    case Space::Data: return "data segment";
    case Space::Tag: return "tag";
    default: return "?";
  }
}

// Keywords the reference lexer knows besides instruction mnemonics (which
// come from the opcode table). Any other keyword is "unknown operator".
bool is_known_keyword(std::string_view kw) {
  static const std::unordered_set<std::string_view> kWords = {
      "i8", "i16", "i32", "i64", "f32", "f64", "v128",
      "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
      "funcref", "externref", "func", "extern", "mut",
      "type", "param", "result", "local", "global", "table", "memory", "elem",
      "data", "declare", "offset", "item", "import", "export", "start", "then",
      "module", "binary", "quote", "register", "invoke", "get", "script",
      "input", "output", "assert_return", "assert_trap", "assert_exhaustion",
      "assert_invalid", "assert_malformed", "assert_unlinkable",
      "assert_uninstantiable", "nan:canonical", "nan:arithmetic", "ref.extern",
      // Exception handling (try, catch, catch_all, delegate are opcodes).
      "tag", "exnref", "exn", "ref", "null", "do", "catch_ref", "catch_all_ref",
      "assert_exception",
      // SIMD: "v128.const" and the lane mnemonics arrive with the 0xFD rows
      // of opcodes.def, so they need no entry here.
  };
  return kWords.count(kw) || wasm::op_from_text(kw) != nullptr;
}

}  // namespace

Error ModuleParser::error_at(const Token& t, std::string msg) const {
  return make_error(ErrorKind::Malformed, std::move(msg), location_string(t.line, t.col));
}

Error ModuleParser::unexpected(const Token& t) const {
  if (t.kind == TokKind::Reserved ||
      (t.kind == TokKind::Keyword && !is_known_keyword(text(t))))
    return error_at(t, "unknown operator " + std::string(text(t)));
  if (t.kind == TokKind::Eof) return error_at(t, "unexpected end of input");
  return error_at(t, "unexpected token");
}

// The reference lexer rejects unknown words before any syntax is checked.
Expected<void> ModuleParser::check_lexemes(size_t from) const {
  for (size_t i = from; i < t_.size(); ++i) {
    const Token& t = t_[i];
    if (t.kind == TokKind::Reserved ||
        (t.kind == TokKind::Keyword && !is_known_keyword(text(t))))
      return unexpected(t);
  }
  return {};
}

Expected<void> ModuleParser::expect(TokKind k) {
  if (peek().kind != k) return unexpected(peek());
  next();
  return {};
}

Expected<void> ModuleParser::expect_kw(std::string_view kw) {
  if (!is_kw(peek(), kw)) return unexpected(peek());
  next();
  return {};
}

Expected<void> ModuleParser::skip_list() {
  TC_TRY(expect(TokKind::LParen));
  size_t depth = 1;
  while (depth > 0) {
    const Token& t = next();
    if (t.kind == TokKind::LParen) ++depth;
    else if (t.kind == TokKind::RParen) --depth;
    else if (t.kind == TokKind::Eof) return unexpected(t);
  }
  return {};
}

Expected<ValType> ModuleParser::parse_valtype() {
  const Token& t = peek();
  if (t.kind == TokKind::Keyword) {
    std::string_view s = text(t);
    std::optional<ValType> v;
    if (s == "i32") v = ValType::I32;
    else if (s == "i64") v = ValType::I64;
    else if (s == "f32") v = ValType::F32;
    else if (s == "f64") v = ValType::F64;
    else if (s == "v128") v = ValType::V128;
    else if (s == "funcref") v = ValType::FuncRef;
    else if (s == "externref") v = ValType::ExternRef;
    else if (s == "exnref") v = ValType::ExnRef;
    if (v) {
      next();
      return *v;
    }
  }
  // (ref null exn), exnref written out (other typed references: a later part).
  if (at_list("ref") && is_kw(peek(2), "null") && is_kw(peek(3), "exn") &&
      peek(4).kind == TokKind::RParen) {
    pos_ += 5;
    return ValType::ExnRef;
  }
  return unexpected(t);
}

Expected<ValType> ModuleParser::parse_reftype() {
  const Token& t = peek();
  if (is_kw(t, "funcref")) { next(); return ValType::FuncRef; }
  if (is_kw(t, "externref")) { next(); return ValType::ExternRef; }
  if (is_kw(t, "exnref")) { next(); return ValType::ExnRef; }
  return unexpected(t);
}

Expected<ValType> ModuleParser::parse_heaptype() {
  const Token& t = peek();
  if (is_kw(t, "func")) { next(); return ValType::FuncRef; }
  if (is_kw(t, "extern")) { next(); return ValType::ExternRef; }
  if (is_kw(t, "exn")) { next(); return ValType::ExnRef; }
  return unexpected(t);
}

Expected<void> ModuleParser::parse_params_results(TypeUse& tu, bool allow_names) {
  while (at_list("param")) {
    pos_ += 2;
    if (peek().kind == TokKind::Id) {
      if (!allow_names) return unexpected(peek());
      const Token& id = next();
      auto v = parse_valtype();
      if (!v) return std::move(v.error());
      tu.inline_type.params.push_back(*v);
      tu.param_names.push_back(&id.value);
    } else {
      while (peek().kind != TokKind::RParen) {
        auto v = parse_valtype();
        if (!v) return std::move(v.error());
        tu.inline_type.params.push_back(*v);
        tu.param_names.push_back(nullptr);
      }
    }
    TC_TRY(expect(TokKind::RParen));
  }
  while (at_list("result")) {
    pos_ += 2;
    while (peek().kind != TokKind::RParen) {
      auto v = parse_valtype();
      if (!v) return std::move(v.error());
      tu.inline_type.results.push_back(*v);
    }
    TC_TRY(expect(TokKind::RParen));
  }
  if (at_list("param")) return unexpected(peek(1));  // params after results
  return {};
}

Expected<TypeUse> ModuleParser::parse_typeuse(bool allow_names) {
  TypeUse tu;
  if (at_list("type")) {
    pos_ += 2;
    tu.index_tok = &peek();
    auto x = parse_index(Space::Type);
    if (!x) return std::move(x.error());
    tu.index = *x;
    TC_TRY(expect(TokKind::RParen));
  }
  TC_TRY(parse_params_results(tu, allow_names));
  return tu;
}

uint32_t ModuleParser::find_or_add_type(const FuncType& ft) {
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == ft) return uint32_t(i);
  types_.push_back(ft);
  return uint32_t(types_.size() - 1);
}

Expected<uint32_t> ModuleParser::resolve_typeuse(const TypeUse& tu) {
  bool has_inline = !tu.inline_type.params.empty() || !tu.inline_type.results.empty();
  if (!tu.index) return find_or_add_type(tu.inline_type);
  if (has_inline) {
    if (*tu.index >= types_.size())
      return error_at(*tu.index_tok, "unknown type " + std::string(text(*tu.index_tok)));
    if (!(types_[*tu.index] == tu.inline_type))
      return error_at(*tu.index_tok, "inline function type does not match explicit type");
  }
  return *tu.index;
}

Expected<uint32_t> ModuleParser::parse_u32_tok(const Token& t) {
  if (t.kind != TokKind::Nat) return unexpected(t);
  auto v = parse_u32(text(t));
  if (!v) return error_at(t, "i32 constant out of range");
  return *v;
}

Expected<uint64_t> ModuleParser::parse_u64_tok(const Token& t) {
  if (!f_.memory64) {  // 2.0: u32 limits
    auto v = parse_u32_tok(t);
    if (!v) return std::move(v.error());
    return uint64_t(*v);
  }
  if (t.kind != TokKind::Nat) return unexpected(t);
  auto v = parse_u64(text(t));
  if (!v) return error_at(t, "i64 constant out of range");
  return *v;
}

// u64 bounds for both address types (validation checks the range).
Expected<wasm::Limits> ModuleParser::parse_limits() {
  wasm::Limits l;
  auto mn = parse_u64_tok(peek());
  if (!mn) return std::move(mn.error());
  next();
  l.min = *mn;
  if (peek().kind == TokKind::Nat) {
    auto mx = parse_u64_tok(peek());
    if (!mx) return std::move(mx.error());
    next();
    l.max = *mx;
  }
  return l;
}

bool ModuleParser::parse_addr_type() {
  if (is_kw(peek(), "i64")) {
    next();
    return true;
  }
  if (is_kw(peek(), "i32")) next();
  return false;
}

Expected<uint32_t> ModuleParser::parse_index(Space s) {
  const Token& t = peek();
  if (t.kind == TokKind::Nat) {
    auto v = parse_u32_tok(t);
    if (v) next();
    return v;
  }
  if (t.kind == TokKind::Id) {
    const auto& names = spaces_[size_t(s)].names;
    auto it = names.find(t.value);
    if (it == names.end())
      return error_at(t, std::string("unknown ") + space_name(s) + " " + std::string(text(t)));
    next();
    return it->second;
  }
  return unexpected(t);
}

Expected<uint32_t> ModuleParser::parse_local(FuncCtx& f) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    auto it = f.local_names.find(t.value);
    if (it == f.local_names.end())
      return error_at(t, "unknown local " + std::string(text(t)));
    next();
    return it->second;
  }
  auto v = parse_u32_tok(t);
  if (v) next();
  return v;
}

Expected<uint32_t> ModuleParser::parse_label(FuncCtx& f) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    for (size_t i = f.labels.size(); i-- > 0;) {
      if (f.labels[i] && *f.labels[i] == t.value) {
        next();
        return uint32_t(f.labels.size() - 1 - i);
      }
    }
    return error_at(t, "unknown label " + std::string(text(t)));
  }
  auto v = parse_u32_tok(t);
  if (v) next();
  return v;
}

Expected<std::string> ModuleParser::parse_name() {
  const Token& t = peek();
  if (t.kind != TokKind::String) return unexpected(t);
  if (!is_valid_utf8(t.value)) return error_at(t, "malformed UTF-8 encoding");
  next();
  return t.value;
}

Expected<void> ModuleParser::bind(Space s, const Token* id, const Token& at) {
  IndexSpace& sp = spaces_[size_t(s)];
  if (id) {
    if (!sp.names.emplace(id->value, sp.count).second) {
      const char* what = s == Space::Func ? "func" : space_name(s);
      return error_at(*id, std::string("duplicate ") + what + " " + std::string(text(*id)));
    }
    if (s == Space::Func) func_names_.emplace_back(sp.count, id->value);
  }
  ++sp.count;
  return {};
}

// "(type $id? (func (param ...)* (result ...)*))", parsed in the first pass.
Expected<void> ModuleParser::parse_type_field() {
  const Token& head = peek();
  pos_ += 2;
  const Token* id = peek().kind == TokKind::Id ? &next() : nullptr;
  TC_TRY(bind(Space::Type, id, head));
  TC_TRY(expect(TokKind::LParen));
  TC_TRY(expect_kw("func"));
  TypeUse tu;
  TC_TRY(parse_params_results(tu, true));
  TC_TRY(expect(TokKind::RParen));
  TC_TRY(expect(TokKind::RParen));
  types_.push_back(std::move(tu.inline_type));
  return {};
}

}  // namespace tc::wat
