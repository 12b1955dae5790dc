// .wast scripts (the spec interpreter's README, "Scripts"). Modules are
// kept as source; module_source_to_binary encodes them on demand.
#include <unordered_set>

#include "interp/text/lexer.hpp"
#include "interp/text/literals.hpp"
#include "interp/text/script.hpp"
#include "interp/text/wat.hpp"
#include "interp/text/wat_parser.hpp"

namespace tc::wast {

using wat::Token;
using wat::TokKind;

namespace {

class ScriptParser {
 public:
  ScriptParser(std::string_view src, const std::vector<Token>& toks) : src_(src), t_(toks) {}

  Expected<Script> run() {
    Script script;
    if (peek().kind == TokKind::LParen && is_field_keyword(peek(1))) {
      // A bare module: the whole file is its fields.
      Command c;
      c.kind = Command::Kind::Module;
      c.head = "module";
      c.line = peek().line;
      c.module.text = std::string(src_);  // bare fields are a module too
      c.module.line = 1;
      c.module.column = 1;
      script.commands.push_back(std::move(c));
      return script;
    }
    while (peek().kind != TokKind::Eof) {
      auto c = command();
      if (!c) return std::move(c.error());
      script.commands.push_back(std::move(*c));
    }
    return script;
  }

 private:
  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < t_.size() ? t_[i] : t_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }
  std::string_view text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }
  bool is_kw(const Token& t, std::string_view kw) const {
    return t.kind == TokKind::Keyword && text(t) == kw;
  }
  bool at_list(std::string_view kw) const {
    return peek().kind == TokKind::LParen && is_kw(peek(1), kw);
  }
  bool is_field_keyword(const Token& t) const {
    static const std::unordered_set<std::string_view> kFields = {
        "type", "import", "func", "table", "memory", "global",
        "export", "start", "elem", "data"};
    return t.kind == TokKind::Keyword && kFields.count(text(t));
  }
  Error error_at(const Token& t, std::string msg) const {
    return make_error(ErrorKind::Malformed, std::move(msg), wat::location_string(t.line, t.col));
  }
  Error unexpected(const Token& t) const {
    if (t.kind == TokKind::Eof) return error_at(t, "unexpected end of input");
    return error_at(t, "unexpected token");
  }
  Expected<void> expect(TokKind k) {
    if (peek().kind != k) return unexpected(peek());
    next();
    return {};
  }
  // At "(": returns the index of the matching ")" token.
  Expected<size_t> matching(size_t open) const {
    size_t depth = 0;
    for (size_t i = open; i < t_.size(); ++i) {
      if (t_[i].kind == TokKind::LParen) ++depth;
      else if (t_[i].kind == TokKind::RParen && --depth == 0) return i;
    }
    return unexpected(t_.back());
  }
  Expected<std::string> string() {
    if (peek().kind != TokKind::String) return unexpected(peek());
    return next().value;
  }

  Expected<Command> command() {
    const Token& open = peek();
    if (open.kind != TokKind::LParen) return unexpected(open);
    auto close = matching(pos_);
    if (!close) return std::move(close.error());
    Command c;
    c.line = open.line;
    c.head = peek(1).kind == TokKind::Keyword ? std::string(text(peek(1))) : std::string();
    // command_body returns false for forms of later proposals (unknown
    // commands, results such as (either ...)): the command is skipped.
    auto r = command_body(c);
    if (!r) return std::move(r.error());
    if (!*r) {
      // Unsupported: skip the whole command.
      Command u;
      u.kind = Command::Kind::Unsupported;
      u.line = c.line;
      u.head = c.head;
      pos_ = *close + 1;
      return u;
    }
    if (pos_ != *close + 1) return unexpected(peek());
    return c;
  }

  // Returns false when the command is not supported.
  Expected<bool> command_body(Command& c) {
    const std::string& h = c.head;
    using K = Command::Kind;
    if (h == "module") {
      c.kind = K::Module;
      return module(c.module);
    }
    if (h == "register") {
      c.kind = K::Register;
      pos_ += 2;
      auto name = string();
      if (!name) return std::move(name.error());
      c.register_name = *name;
      if (peek().kind == TokKind::Id) c.register_module = next().value;
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    if (h == "invoke" || h == "get") {
      c.kind = K::Action;
      return action(c.action);
    }
    if (h == "assert_return") {
      c.kind = K::AssertReturn;
      pos_ += 2;
      auto a = action(c.action);
      if (!a || !*a) return a;
      while (peek().kind == TokKind::LParen) {
        ResultPattern p;
        auto ok = result(p);
        if (!ok || !*ok) return ok;
        c.expected.push_back(std::move(p));
      }
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    K kind;
    bool takes_module = true, takes_action = false;
    if (h == "assert_trap") { kind = K::AssertTrap; takes_action = true; }
    else if (h == "assert_exhaustion") { kind = K::AssertExhaustion; takes_action = true; takes_module = false; }
    else if (h == "assert_invalid") kind = K::AssertInvalid;
    else if (h == "assert_malformed") kind = K::AssertMalformed;
    else if (h == "assert_malformed_custom") kind = K::AssertMalformedCustom;
    else if (h == "assert_invalid_custom") kind = K::AssertInvalidCustom;
    else if (h == "assert_unlinkable") kind = K::AssertUnlinkable;
    else if (h == "assert_uninstantiable") kind = K::AssertUninstantiable;
    else if (h == "assert_exception") {  // (assert_exception action): no message
      c.kind = K::AssertException;
      pos_ += 2;
      auto a = action(c.action);
      if (!a || !*a) return a;
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    else return false;
    c.kind = kind;
    pos_ += 2;
    if (takes_module && at_list("module")) {
      c.has_module = true;
      auto m = module(c.module);
      if (!m || !*m) return m;
    } else if (takes_action) {
      auto a = action(c.action);
      if (!a || !*a) return a;
    } else {
      return false;
    }
    auto msg = string();
    if (!msg) return std::move(msg.error());
    c.message = *msg;
    TC_TRY(expect(TokKind::RParen));
    return true;
  }

  Expected<bool> module(ModuleSource& m) {
    const Token& open = peek();
    auto close = matching(pos_);
    if (!close) return std::move(close.error());
    m.line = open.line;
    m.column = open.col;
    pos_ += 2;
    if (is_kw(peek(), "definition") || is_kw(peek(), "instance")) return false;
    if (peek().kind == TokKind::Id) m.name = next().value;
    bool binary = is_kw(peek(), "binary"), quote = is_kw(peek(), "quote");
    if (binary || quote) {
      next();
      std::string s;
      while (peek().kind == TokKind::String) s += next().value;
      TC_TRY(expect(TokKind::RParen));
      if (binary) {
        m.kind = ModuleSource::Kind::Binary;
        m.bytes.assign(s.begin(), s.end());
      } else {
        m.kind = ModuleSource::Kind::Quote;
        m.text = std::move(s);
      }
      return true;
    }
    m.kind = ModuleSource::Kind::Text;
    const Token& end = t_[*close];
    m.text = std::string(src_.substr(open.begin, end.end - open.begin));
    pos_ = *close + 1;
    return true;
  }

  Expected<bool> action(Action& a) {
    const Token& open = peek();
    if (open.kind != TokKind::LParen) return unexpected(open);
    bool invoke = is_kw(peek(1), "invoke"), get = is_kw(peek(1), "get");
    if (!invoke && !get) return false;
    a.kind = invoke ? Action::Kind::Invoke : Action::Kind::Get;
    pos_ += 2;
    if (peek().kind == TokKind::Id) a.module = next().value;
    auto name = string();
    if (!name) return std::move(name.error());
    a.field = *name;
    while (invoke && peek().kind == TokKind::LParen) {
      Const c;
      auto ok = constant(c);
      if (!ok || !*ok) return ok;
      a.args.push_back(c);
    }
    TC_TRY(expect(TokKind::RParen));
    return true;
  }

  static bool num_type(std::string_view k, ValType& t) {
    if (k == "i32.const") t = ValType::I32;
    else if (k == "i64.const") t = ValType::I64;
    else if (k == "f32.const") t = ValType::F32;
    else if (k == "f64.const") t = ValType::F64;
    else return false;
    return true;
  }

  // One numeric literal of type t (lane widths 8/16 for v128 lanes).
  Expected<uint64_t> number(ValType t, unsigned bits) {
    const Token& tok = peek();
    if (tok.kind != TokKind::Nat && tok.kind != TokKind::Int && tok.kind != TokKind::Float)
      return unexpected(tok);
    std::string_view s = text(tok);
    std::optional<uint64_t> v;
    if (t == ValType::F32) v = wat::parse_f32(s);
    else if (t == ValType::F64) v = wat::parse_f64(s);
    else v = wat::parse_int_bits(s, bits);
    if (!v) return error_at(tok, "constant out of range");
    next();
    return *v;
  }

  static bool v128_shape(std::string_view s, ValType& lane, unsigned& bits) {
    if (s == "i8x16") { lane = ValType::I32; bits = 8; }
    else if (s == "i16x8") { lane = ValType::I32; bits = 16; }
    else if (s == "i32x4") { lane = ValType::I32; bits = 32; }
    else if (s == "i64x2") { lane = ValType::I64; bits = 64; }
    else if (s == "f32x4") { lane = ValType::F32; bits = 32; }
    else if (s == "f64x2") { lane = ValType::F64; bits = 64; }
    else return false;
    return true;
  }

  Expected<bool> constant(Const& c) {
    TC_TRY(expect(TokKind::LParen));
    const Token& k = next();
    std::string_view kw = k.kind == TokKind::Keyword ? text(k) : std::string_view();
    if (num_type(kw, c.type)) {
      unsigned bits = (c.type == ValType::I64 || c.type == ValType::F64) ? 64 : 32;
      auto v = number(c.type, bits);
      if (!v) return std::move(v.error());
      c.bits = *v;
    } else if (kw == "v128.const") {
      ValType lane;
      unsigned bits;
      if (peek().kind != TokKind::Keyword || !v128_shape(text(peek()), lane, bits))
        return unexpected(peek());
      next();
      c.type = ValType::V128;
      for (unsigned i = 0; i < 128 / bits; ++i) {
        auto v = number(lane, bits);
        if (!v) return std::move(v.error());
        for (unsigned b = 0; b < bits / 8; ++b) c.v128[i * bits / 8 + b] = uint8_t(*v >> (8 * b));
      }
    } else if (kw == "ref.null") {
      if (is_kw(peek(), "func")) c.type = ValType::FuncRef;
      else if (is_kw(peek(), "extern")) c.type = ValType::ExternRef;
      else if (is_kw(peek(), "exn")) c.type = ValType::ExnRef;
      else return false;
      next();
      c.is_null = true;
    } else if (kw == "ref.extern" && peek().kind == TokKind::Nat) {
      auto v = wat::parse_u32(text(peek()));
      if (!v) return error_at(peek(), "i32 constant out of range");
      next();
      c.type = ValType::ExternRef;
      c.extern_id = *v;
    } else {
      return false;
    }
    TC_TRY(expect(TokKind::RParen));
    return true;
  }

  Expected<bool> result(ResultPattern& p) {
    using RK = ResultPattern::Kind;
    size_t save = pos_;
    const Token& k = peek(1);
    std::string_view kw = k.kind == TokKind::Keyword ? text(k) : std::string_view();
    auto nan_pattern = [&](NumPattern& np) {
      if (is_kw(peek(), "nan:canonical")) np.kind = NumPattern::Kind::NanCanonical;
      else if (is_kw(peek(), "nan:arithmetic")) np.kind = NumPattern::Kind::NanArithmetic;
      else return false;
      next();
      return true;
    };
    if (kw == "f32.const" || kw == "f64.const") {
      pos_ += 2;
      p.kind = RK::Float;
      p.value.type = kw == "f32.const" ? ValType::F32 : ValType::F64;
      NumPattern np;
      if (!nan_pattern(np)) {
        auto v = number(p.value.type, 64);
        if (!v) return std::move(v.error());
        np.bits = *v;
        p.value.bits = *v;
      }
      p.lanes.push_back(np);
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    if (kw == "v128.const") {
      pos_ += 2;
      unsigned bits;
      if (peek().kind != TokKind::Keyword || !v128_shape(text(peek()), p.lane_type, bits))
        return unexpected(peek());
      next();
      p.kind = RK::V128Lanes;
      p.value.type = ValType::V128;
      p.lane_bits = bits;
      for (unsigned i = 0; i < 128 / bits; ++i) {
        NumPattern np;
        bool is_float = p.lane_type == ValType::F32 || p.lane_type == ValType::F64;
        if (!(is_float && nan_pattern(np))) {
          auto v = number(p.lane_type, bits);
          if (!v) return std::move(v.error());
          np.bits = *v;
        }
        p.lanes.push_back(np);
      }
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    if (kw == "either") {
      pos_ += 2;
      p.kind = RK::Either;
      while (peek().kind == TokKind::LParen) {
        ResultPattern alt;
        auto ok = result(alt);
        if (!ok || !*ok) return ok;
        p.either.push_back(std::move(alt));
      }
      if (p.either.empty()) return unexpected(peek());
      TC_TRY(expect(TokKind::RParen));
      return true;
    }
    if (kw == "ref.func" && peek(2).kind == TokKind::RParen) {
      pos_ += 3;
      p.kind = RK::RefFunc;
      p.value.type = ValType::FuncRef;
      return true;
    }
    if (kw == "ref.extern" && peek(2).kind == TokKind::RParen) {
      pos_ += 3;
      p.kind = RK::RefExternAny;
      p.value.type = ValType::ExternRef;
      return true;
    }
    pos_ = save;
    auto ok = constant(p.value);
    if (!ok || !*ok) return ok;
    if (p.value.type == ValType::FuncRef || p.value.type == ValType::ExternRef)
      p.kind = p.value.is_null ? RK::RefNull : RK::RefExtern;
    else
      p.kind = RK::Exact;
    return true;
  }

  std::string_view src_;
  const std::vector<Token>& t_;
  size_t pos_ = 0;
};

}  // namespace

Expected<Script> parse_wast(std::string_view source) {
  auto toks = wat::tokenize(source);
  if (!toks) return std::move(toks.error());
  return ScriptParser(source, *toks).run();
}

Expected<std::vector<uint8_t>> module_source_to_binary(const ModuleSource& m, wasm::Features f) {
  switch (m.kind) {
    case ModuleSource::Kind::Binary:
      return m.bytes;
    case ModuleSource::Kind::Quote:
      return wat::wat_to_binary(m.text, f);
    case ModuleSource::Kind::Text:
      break;
  }
  std::vector<wat::Annotation> annots;
  auto toks = wat::tokenize(m.text, wat::SourcePos{m.line ? m.line : 1, m.column ? m.column : 1},
                            &annots);
  if (!toks) return std::move(toks.error());
  return wat::ModuleParser(m.text, *toks, &annots, f).parse();
}

}  // namespace tc::wast
