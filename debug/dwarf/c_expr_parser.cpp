// Recursive-descent parser for c_expr.hpp's grammar.
#include <cctype>
#include <cstring>

#include "debug/dwarf/c_expr.hpp"

namespace tc::debug {
namespace {

struct Token {
  enum class Kind { End, Ident, Int, Char, Punct } kind = Kind::End;
  std::string text;
  uint64_t value = 0;
  bool is_unsigned = false, is_long = false;
  size_t pos = 0;
};

Error syntax(const std::string& text, size_t pos) {
  std::string near = pos < text.size() ? text.substr(pos) : "";
  if (near.empty()) return make_error(ErrorKind::Usage, "A syntax error in expression, near `'.");
  return make_error(ErrorKind::Usage, "A syntax error in expression, near `" + near + "'.");
}

class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}

  Expected<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      while (i_ < s_.size() && std::isspace(uint8_t(s_[i_]))) ++i_;
      Token t;
      t.pos = i_;
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      char c = s_[i_];
      if (std::isalpha(uint8_t(c)) || c == '_' || c == '$') {
        size_t j = i_;
        while (j < s_.size() && (std::isalnum(uint8_t(s_[j])) || s_[j] == '_' || s_[j] == '$')) ++j;
        t.kind = Token::Kind::Ident;
        t.text = s_.substr(i_, j - i_);
        i_ = j;
      } else if (std::isdigit(uint8_t(c))) {
        if (!number(t)) return syntax(s_, t.pos);
      } else if (c == '\'') {
        if (!character(t)) return make_error(ErrorKind::Usage, "Unmatched single quote.");
      } else {
        static const char* kTwo[] = {"->", "==", "!=", "<=", ">=", "&&", "||"};
        t.kind = Token::Kind::Punct;
        for (const char* p : kTwo)
          if (s_.compare(i_, 2, p) == 0) t.text = p;
        if (t.text.empty()) {
          if (std::string("()[].*&-+/%!~<>@,").find(c) == std::string::npos)
            return make_error(ErrorKind::Usage, std::string("Invalid character '") + c + "' in expression.");
          t.text = std::string(1, c);
        }
        i_ += t.text.size();
      }
      out.push_back(t);
    }
  }

 private:
  bool number(Token& t) {
    size_t j = i_;
    int base = 10;
    if (s_[j] == '0' && j + 1 < s_.size() && (s_[j + 1] == 'x' || s_[j + 1] == 'X')) {
      base = 16;
      j += 2;
    } else if (s_[j] == '0') {
      base = 8;
    }
    size_t digits = j;
    uint64_t v = 0;
    bool overflow = false;
    while (j < s_.size()) {
      int d;
      char c = s_[j];
      if (c >= '0' && c <= '9') d = c - '0';
      else if (base == 16 && std::isxdigit(uint8_t(c))) d = std::tolower(c) - 'a' + 10;
      else break;
      if (d >= base) return false;
      if (v > (~0ull - d) / base) overflow = true;
      v = v * base + d;
      ++j;
    }
    if (j == digits && base == 16) return false;
    while (j < s_.size() && std::strchr("uUlL", s_[j])) {
      if (s_[j] == 'u' || s_[j] == 'U') t.is_unsigned = true;
      else t.is_long = true;
      ++j;
    }
    if (j < s_.size() && (std::isalnum(uint8_t(s_[j])) || s_[j] == '_' || s_[j] == '.')) return false;
    if (overflow) return false;
    t.kind = Token::Kind::Int;
    t.value = v;
    // Hex/octal literals that do not fit int become unsigned (C rules).
    if (base != 10 && v > 0x7fffffffull && v <= 0xffffffffull) t.is_unsigned = true;
    t.text = s_.substr(i_, j - i_);
    i_ = j;
    return true;
  }
  bool character(Token& t) {
    size_t j = i_ + 1;
    if (j >= s_.size()) return false;
    uint64_t v;
    if (s_[j] == '\\') {
      ++j;
      if (j >= s_.size()) return false;
      char e = s_[j++];
      switch (e) {
        case 'n': v = '\n'; break;
        case 't': v = '\t'; break;
        case 'r': v = '\r'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          v = uint64_t(e - '0');
          for (int k = 0; k < 2 && j < s_.size() && s_[j] >= '0' && s_[j] <= '7'; ++k) v = v * 8 + uint64_t(s_[j++] - '0');
          break;
        }
        case 'a': v = 7; break;
        case 'b': v = 8; break;
        case 'f': v = 12; break;
        case 'v': v = 11; break;
        case 'e': v = 27; break;
        default: v = uint8_t(e); break;
      }
    } else {
      v = uint8_t(s_[j++]);
    }
    if (j >= s_.size() || s_[j] != '\'') return false;
    t.kind = Token::Kind::Char;
    t.value = v;
    t.text = s_.substr(i_, j + 1 - i_);
    i_ = j + 1;
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
};

bool is_type_keyword(const std::string& s) {
  static const char* kWords[] = {"struct", "union", "enum", "class", "const", "volatile",
                                 "unsigned", "signed", "char", "short", "int", "long",
                                 "float", "double", "_Bool", "bool", "void"};
  for (const char* w : kWords)
    if (s == w) return true;
  return false;
}

class Parser {
 public:
  Parser(const std::string& text, std::vector<Token> toks, bool (*is_type)(const std::string&, void*), void* ctx)
      : text_(text), t_(std::move(toks)), is_type_(is_type), ctx_(ctx) {}

  // A whole input that is a type name.
  Expected<CastType> run_type() {
    if (t_.front().kind == Token::Kind::End)
      return make_error(ErrorKind::Usage, "Argument required (one or more choice items).");
    auto ct = type_name();
    if (!ct) return ct;
    if (peek().kind != Token::Kind::End) return err_here();
    return ct;
  }

  Expected<std::unique_ptr<ExprNode>> run() {
    if (t_.front().kind == Token::Kind::End)
      return make_error(ErrorKind::Usage, "Argument required (expression to compute).");
    auto e = at_expr();
    if (!e) return e;
    if (peek().kind != Token::Kind::End) return syntax(text_, peek().pos);
    // Long operator chains make deep trees (a-b-c-... nests to the left);
    // the evaluator recurses over them (found by fuzz_debug).
    if (tree_depth(**e) > kMaxNesting) return make_error(ErrorKind::Usage, "Expression too deeply nested.");
    return e;
  }

 private:
  using Node = std::unique_ptr<ExprNode>;
  const Token& peek(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  bool is(const char* punct, size_t k = 0) const {
    return peek(k).kind == Token::Kind::Punct && peek(k).text == punct;
  }
  Token next() { Token t = peek(); if (p_ < t_.size() - 1) ++p_; return t; }
  Error err_here() const { return syntax(text_, peek().pos); }
  static constexpr int kMaxNesting = 200;
  static int tree_depth(const ExprNode& root) {  // iterative: no recursion on deep trees
    int deepest = 0;
    std::vector<std::pair<const ExprNode*, int>> todo = {{&root, 1}};
    while (!todo.empty()) {
      auto [n, d] = todo.back();
      todo.pop_back();
      deepest = std::max(deepest, d);
      if (n->a) todo.push_back({n->a.get(), d + 1});
      if (n->b) todo.push_back({n->b.get(), d + 1});
    }
    return deepest;
  }
  int depth_ = 0;

  static Node binary(std::string op, Node a, Node b) {
    auto n = std::make_unique<ExprNode>();
    n->kind = ExprNode::Kind::Binary;
    n->name = std::move(op);
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }

  // a@n binds loosest (as in gdb).
  Expected<Node> at_expr() {
    auto l = level(0);
    if (!l) return l;
    Node left = std::move(*l);
    while (is("@")) {
      next();
      auto r = level(0);
      if (!r) return r;
      auto n = std::make_unique<ExprNode>();
      n->kind = ExprNode::Kind::At;
      n->a = std::move(left);
      n->b = std::move(*r);
      left = std::move(n);
    }
    return left;
  }

  // Binary levels, loosest first.
  Expected<Node> level(int lv) {
    static const std::vector<std::vector<const char*>> kLevels = {
        {"||"}, {"&&"}, {"==", "!="}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}};
    if (lv == int(kLevels.size())) return unary();
    auto l = level(lv + 1);
    if (!l) return l;
    Node left = std::move(*l);
    for (;;) {
      const char* op = nullptr;
      for (const char* o : kLevels[size_t(lv)])
        if (is(o)) op = o;
      if (!op) return left;
      next();
      auto r = level(lv + 1);
      if (!r) return r;
      left = binary(op, std::move(left), std::move(*r));
    }
  }

  bool cast_ahead() const {
    if (!is("(")) return false;
    const Token& t = peek(1);
    if (t.kind != Token::Kind::Ident) return false;
    if (is_type_keyword(t.text)) return true;
    // "(name)" followed by an operand can only be a cast, to a type that
    // may not exist: the evaluator then says "No symbol ...".
    if (peek(2).kind == Token::Kind::Punct && peek(2).text == ")") {
      const Token& after = peek(3);
      if (after.kind == Token::Kind::Ident || after.kind == Token::Kind::Int ||
          after.kind == Token::Kind::Char || (after.kind == Token::Kind::Punct && after.text == "("))
        return true;
    }
    if (!is_type_ || !is_type_(t.text, ctx_)) return false;
    // "(u32)x" or "(u32 *)p": a type name followed by ')' or '*'.
    return peek(2).kind == Token::Kind::Punct && (peek(2).text == ")" || peek(2).text == "*");
  }

  Expected<CastType> type_name() {
    CastType ct;
    std::string words;
    auto add = [&](const std::string& w) { words += (words.empty() ? "" : " ") + w; };
    const Token& first = peek();
    if (first.kind != Token::Kind::Ident) return err_here();
    if (first.text == "struct" || first.text == "union" || first.text == "enum" || first.text == "class") {
      std::string kw = next().text;
      if (peek().kind != Token::Kind::Ident) return err_here();
      ct.base = kw + " " + next().text;
    } else {
      // Base-type words, qualifiers dropped; or one typedef name.
      while (peek().kind == Token::Kind::Ident) {
        const std::string& w = peek().text;
        if (w == "const" || w == "volatile") { next(); continue; }
        if (is_type_keyword(w)) { add(next().text); continue; }
        if (words.empty()) { add(next().text); }
        break;
      }
      if (words == "bool") words = "_Bool";
      ct.base = words;
    }
    while (peek().kind == Token::Kind::Ident && (peek().text == "const" || peek().text == "volatile")) next();
    while (is("*")) {
      next();
      ++ct.pointers;
      while (peek().kind == Token::Kind::Ident && (peek().text == "const" || peek().text == "volatile")) next();
    }
    if (ct.base.empty()) return err_here();
    return ct;
  }

  // Every nesting (parentheses, unary operators) passes through here; a
  // bound keeps the recursion off the end of the stack (found by fuzz_debug).
  Expected<Node> unary() {
    struct Depth {
      int& d;
      explicit Depth(int& x) : d(++x) {}
      ~Depth() { --d; }
    } depth(depth_);
    if (depth_ > kMaxNesting) return make_error(ErrorKind::Usage, "Expression too deeply nested.");
    if (peek().kind == Token::Kind::Ident && peek().text == "sizeof") {
      next();
      auto n = std::make_unique<ExprNode>();
      if (cast_ahead()) {
        next();  // (
        auto ct = type_name();
        if (!ct) return ct.error();
        if (!is(")")) return err_here();
        next();
        n->kind = ExprNode::Kind::SizeofType;
        n->cast = std::move(*ct);
        return n;
      }
      auto a = unary();
      if (!a) return a;
      n->kind = ExprNode::Kind::SizeofExpr;
      n->a = std::move(*a);
      return n;
    }
    if (is("*") || is("&") || is("-") || is("!") || is("~") || is("+")) {
      std::string op = next().text;
      auto a = unary();
      if (!a) return a;
      if (op == "+") return a;
      auto n = std::make_unique<ExprNode>();
      n->kind = ExprNode::Kind::Unary;
      n->name = op;
      n->a = std::move(*a);
      return n;
    }
    if (cast_ahead()) {
      next();  // (
      auto ct = type_name();
      if (!ct) return ct.error();
      if (!is(")")) return err_here();
      next();
      auto a = unary();
      if (!a) return a;
      auto n = std::make_unique<ExprNode>();
      n->kind = ExprNode::Kind::Cast;
      n->cast = std::move(*ct);
      n->a = std::move(*a);
      return n;
    }
    return postfix();
  }

  Expected<Node> postfix() {
    auto p = primary();
    if (!p) return p;
    Node n = std::move(*p);
    for (;;) {
      if (is(".") || is("->")) {
        bool arrow = next().text == "->";
        if (peek().kind != Token::Kind::Ident) return err_here();
        auto m = std::make_unique<ExprNode>();
        m->kind = arrow ? ExprNode::Kind::Arrow : ExprNode::Kind::Member;
        m->name = next().text;
        m->a = std::move(n);
        n = std::move(m);
      } else if (is("[")) {
        next();
        auto i = at_expr();
        if (!i) return i;
        if (!is("]")) return err_here();
        next();
        auto m = std::make_unique<ExprNode>();
        m->kind = ExprNode::Kind::Index;
        m->a = std::move(n);
        m->b = std::move(*i);
        n = std::move(m);
      } else {
        return n;
      }
    }
  }

  Expected<Node> primary() {
    const Token& t = peek();
    auto n = std::make_unique<ExprNode>();
    switch (t.kind) {
      case Token::Kind::Ident:
        if (is_type_keyword(t.text)) return err_here();
        n->kind = ExprNode::Kind::Ident;
        n->name = next().text;
        return n;
      case Token::Kind::Int:
        n->kind = ExprNode::Kind::Int;
        n->int_value = t.value;
        n->is_unsigned = t.is_unsigned;
        n->is_long = t.is_long;
        next();
        return n;
      case Token::Kind::Char:
        n->kind = ExprNode::Kind::Char;
        n->int_value = t.value;
        next();
        return n;
      case Token::Kind::Punct:
        if (t.text == "(") {
          next();
          auto e = at_expr();
          if (!e) return e;
          if (!is(")")) return err_here();
          next();
          return e;
        }
        return err_here();
      case Token::Kind::End:
        return err_here();
    }
    return err_here();
  }

  const std::string& text_;
  std::vector<Token> t_;
  size_t p_ = 0;
  bool (*is_type_)(const std::string&, void*);
  void* ctx_;
};

}  // namespace

Expected<std::unique_ptr<ExprNode>> parse_expression(const std::string& text,
                                                     bool (*is_type)(const std::string&, void*),
                                                     void* ctx) {
  Lexer lx(text);
  auto toks = lx.run();
  if (!toks) return toks.error();
  Parser p(text, std::move(*toks), is_type, ctx);
  return p.run();
}

Expected<CastType> parse_type_name(const std::string& text) {
  Lexer lx(text);
  auto toks = lx.run();
  if (!toks) return toks.error();
  Parser p(text, std::move(*toks), nullptr, nullptr);
  return p.run_type();
}

}  // namespace tc::debug
