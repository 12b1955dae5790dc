#include "interp/text/lexer.hpp"

namespace tc::wat {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_idchar(char c) {
  if (is_letter(c) || is_digit(c)) return true;
  switch (c) {
    case '_': case '+': case '-': case '*': case '/': case '\\': case '^':
    case '~': case '=': case '<': case '>': case '!': case '?': case '@':
    case '#': case '$': case '%': case '&': case '|': case ':': case '`':
    case '.': case '\'':
      return true;
    default:
      return false;
  }
}

int hex_val(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Length of the UTF-8 sequence at s[i] (valid per the spec's utf8enc), or 0.
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) -> unsigned { return i + k < s.size() ? uint8_t(s[i + k]) : 0x100; };
  auto cont = [&](size_t k) { unsigned c = b(k); return c >= 0x80 && c <= 0xBF; };
  unsigned c0 = b(0);
  if (c0 < 0x80) return 1;
  if (c0 >= 0xC2 && c0 <= 0xDF) return cont(1) ? 2 : 0;
  if (c0 == 0xE0) return (b(1) >= 0xA0 && b(1) <= 0xBF && cont(2)) ? 3 : 0;
  if (c0 == 0xED) return (b(1) >= 0x80 && b(1) <= 0x9F && cont(2)) ? 3 : 0;
  if ((c0 >= 0xE1 && c0 <= 0xEC) || c0 == 0xEE || c0 == 0xEF)
    return (cont(1) && cont(2)) ? 3 : 0;
  if (c0 == 0xF0) return (b(1) >= 0x90 && b(1) <= 0xBF && cont(2) && cont(3)) ? 4 : 0;
  if (c0 == 0xF4) return (b(1) >= 0x80 && b(1) <= 0x8F && cont(2) && cont(3)) ? 4 : 0;
  if (c0 >= 0xF1 && c0 <= 0xF3) return (cont(1) && cont(2) && cont(3)) ? 4 : 0;
  return 0;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// Scans digit ('_'? digit)* from i; returns the end, or npos if no digit.
size_t scan_digits(std::string_view s, size_t i, bool hex) {
  auto ok = [&](char c) { return hex ? is_hex(c) : is_digit(c); };
  if (i >= s.size() || !ok(s[i])) return std::string_view::npos;
  ++i;
  while (i < s.size()) {
    if (ok(s[i])) { ++i; continue; }
    if (s[i] == '_' && i + 1 < s.size() && ok(s[i + 1])) { i += 2; continue; }
    break;
  }
  return i;
}

class Lexer {
 public:
  Lexer(std::string_view src, SourcePos start)
      : s_(src), line_(start.line), line_start_col_(start.col) {}

  Expected<std::vector<Token>> run(std::vector<Annotation>* annots) {
    std::vector<Token> out;
    out.reserve(s_.size() / 4 + 1);
    while (true) {
      auto e = skip_space();
      if (!e) return std::move(e.error());
      if (i_ + 1 < s_.size() && s_[i_] == '(' && s_[i_ + 1] == '@') {
        auto a = lex_annotation();
        if (!a) return std::move(a.error());
        if (annots) {
          a->before = out.size();
          annots->push_back(std::move(*a));
        }
        continue;
      }
      Token t;
      auto r = lex_token(t, false);
      if (!r) return std::move(r.error());
      out.push_back(std::move(t));
      if (out.back().kind == TokKind::Eof) return out;
    }
  }

 private:
  uint32_t col() const {
    return uint32_t(i_ - line_begin_) + (line_ == first_line_ ? line_start_col_ : 1);
  }
  Error err(uint32_t line, uint32_t col, std::string msg) const {
    return make_error(ErrorKind::Malformed, std::move(msg), location_string(line, col));
  }
  Error err_here(std::string msg) const { return err(line_, col(), std::move(msg)); }

  void newline_at(size_t next) {
    ++line_;
    line_begin_ = next;
  }

  // Skips whitespace and comments.
  Expected<void> skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t') {
        ++i_;
      } else if (c == '\n') {
        ++i_;
        newline_at(i_);
      } else if (c == '\r') {
        ++i_;
        if (i_ < s_.size() && s_[i_] == '\n') ++i_;
        newline_at(i_);
      } else if (c == ';' && i_ + 1 < s_.size() && s_[i_ + 1] == ';') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') {
          size_t n = utf8_len(s_, i_);
          if (n == 0) return err_here("malformed UTF-8 encoding");
          i_ += n;
        }
      } else if (c == '(' && i_ + 1 < s_.size() && s_[i_ + 1] == ';') {
        TC_TRY(skip_block_comment());
      } else {
        break;
      }
    }
    return {};
  }

  // Nested "(; ... ;)"; iterative, so depth costs no stack.
  Expected<void> skip_block_comment() {
    uint32_t sl = line_, sc = col();
    size_t depth = 0;
    while (true) {
      if (i_ >= s_.size()) return err(sl, sc, "unclosed comment");
      char c = s_[i_];
      if (c == '(' && i_ + 1 < s_.size() && s_[i_ + 1] == ';') {
        i_ += 2;
        ++depth;
      } else if (c == ';' && i_ + 1 < s_.size() && s_[i_ + 1] == ')') {
        i_ += 2;
        if (--depth == 0) return {};
      } else if (c == '\n') {
        ++i_;
        newline_at(i_);
      } else if (c == '\r') {
        ++i_;
        if (i_ < s_.size() && s_[i_] == '\n') ++i_;
        newline_at(i_);
      } else {
        size_t n = utf8_len(s_, i_);
        if (n == 0) return err_here("malformed UTF-8 encoding");
        i_ += n;
      }
    }
  }

  // One token at i_ (after skip_space). Inside an annotation every
  // character outside tokens is an "illegal character", as in the
  // reference lexer.
  Expected<void> lex_token(Token& t, bool in_annot) {
    t.begin = uint32_t(i_);
    t.line = line_;
    t.col = col();
    if (i_ >= s_.size()) {
      t.kind = TokKind::Eof;
      t.end = t.begin;
      return {};
    }
    char c = s_[i_];
    if (c == '(') {
      ++i_;
      t.kind = TokKind::LParen;
    } else if (c == ')') {
      ++i_;
      t.kind = TokKind::RParen;
    } else if (c == '"' || is_idchar(c)) {
      TC_TRY(lex_run(t));
    } else if (c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}') {
      ++i_;
      t.kind = TokKind::Reserved;
    } else {
      unsigned u = uint8_t(c);
      bool control = u < 0x20 || u == 0x7F, unicode = !control && utf8_len(s_, i_) > 1;
      if (in_annot && (control || unicode)) return err(t.line, t.col, "illegal character");
      if (control) return err(t.line, t.col, "misplaced control character");
      if (unicode) return err(t.line, t.col, "misplaced unicode character");
      return err(t.line, t.col, "malformed UTF-8 encoding");
    }
    t.end = uint32_t(i_);
    return {};
  }

  // "(@id item*)": the id (a name or a non-empty UTF-8 string) and the
  // balanced tokens up to the closing ")"; nested annotations are items.
  Expected<Annotation> lex_annotation() {
    Annotation a;
    a.line = line_;
    a.col = col();
    a.begin = uint32_t(i_);
    i_ += 2;
    if (i_ < s_.size() && s_[i_] == '"') {
      // A bad string here is not a string id at all (the reference lexer's
      // "(@" rule then matches alone).
      size_t save = i_;
      uint32_t save_line = line_;
      size_t save_begin = line_begin_;
      auto r = lex_string(a.id);
      if (!r || a.id.empty()) {
        i_ = save;
        line_ = save_line;
        line_begin_ = save_begin;
        return err(a.line, a.col, "empty annotation id");
      }
      if (!is_valid_utf8(a.id)) return err(a.line, a.col, "malformed UTF-8 encoding");
    } else if (i_ < s_.size() && is_idchar(s_[i_])) {
      size_t start = i_;
      while (i_ < s_.size() && is_idchar(s_[i_])) ++i_;
      a.id = std::string(s_.substr(start, i_ - start));
    } else {
      return err(a.line, a.col, "empty annotation id");
    }
    size_t depth = 0;
    while (true) {
      TC_TRY(skip_space());
      if (i_ >= s_.size()) return err(a.line, a.col, "unclosed annotation");
      if (s_[i_] == ')' && depth == 0) {
        ++i_;
        a.end = uint32_t(i_);
        return a;
      }
      Token t;
      TC_TRY(lex_token(t, true));
      if (t.kind == TokKind::LParen) ++depth;
      if (t.kind == TokKind::RParen) --depth;
      a.items.push_back(std::move(t));
    }
  }

  // A string literal at s_[i_] == '"'; appends decoded bytes to out.
  Expected<void> lex_string(std::string& out) {
    uint32_t sl = line_, sc = col();
    ++i_;
    while (true) {
      if (i_ >= s_.size() || s_[i_] == '\n' || s_[i_] == '\r')
        return err(sl, sc, "unclosed string literal");
      unsigned c = uint8_t(s_[i_]);
      if (c == '"') {
        ++i_;
        return {};
      }
      if (c == '\\') {
        uint32_t ec = col();
        if (i_ + 1 >= s_.size()) return err(sl, sc, "unclosed string literal");
        char e = s_[i_ + 1];
        i_ += 2;
        switch (e) {
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case '\\': out += '\\'; break;
          case '\'': out += '\''; break;
          case '"': out += '"'; break;
          case 'u': {
            if (i_ >= s_.size() || s_[i_] != '{') return err(line_, ec, "illegal escape");
            size_t end = scan_digits(s_, i_ + 1, true);
            if (end == std::string_view::npos || end >= s_.size() || s_[end] != '}')
              return err(line_, ec, "illegal escape");
            uint64_t cp = 0;
            for (size_t k = i_ + 1; k < end; ++k) {
              if (s_[k] == '_') continue;
              cp = cp * 16 + hex_val(s_[k]);
              if (cp > 0x10FFFF) break;
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
              return err(line_, ec, "malformed UTF-8 encoding");
            append_utf8(out, uint32_t(cp));
            i_ = end + 1;
            break;
          }
          default:
            if (is_hex(e) && i_ < s_.size() && is_hex(s_[i_])) {
              out += char(hex_val(e) * 16 + hex_val(s_[i_]));
              ++i_;
            } else {
              return err(line_, ec, "illegal escape");
            }
        }
        continue;
      }
      if (c < 0x20 || c == 0x7F)
        return err(line_, col(), "illegal control character in string literal");
      size_t n = utf8_len(s_, i_);
      if (n == 0) return err(line_, col(), "malformed UTF-8 encoding");
      out.append(s_.substr(i_, n));
      i_ += n;
    }
  }

  // True when the run starting at `start` is just "$" before a string.
  bool lex_dollar_only(size_t start) const { return start + 1 < s_.size() && s_[start + 1] == '"'; }

  // A maximal run of idchars and strings, then classified.
  Expected<void> lex_run(Token& t) {
    size_t start = i_;
    bool has_string = false, only_one_string = false;
    std::string decoded;
    size_t pieces = 0;
    while (i_ < s_.size()) {
      if (s_[i_] == '"') {
        decoded.clear();
        auto r = lex_string(decoded);
        // "$" then a bad string: the reference lexer's lone "$" rule wins.
        if (!r && i_ > start && s_[start] == '$' && pieces == 1 && lex_dollar_only(start))
          return err(t.line, t.col, "empty identifier");
        TC_TRY(r);
        has_string = true;
        only_one_string = pieces == 0;
        ++pieces;
      } else if (is_idchar(s_[i_])) {
        while (i_ < s_.size() && is_idchar(s_[i_])) ++i_;
        ++pieces;
        only_one_string = false;
      } else {
        break;
      }
    }
    std::string_view lex = s_.substr(start, i_ - start);
    if (has_string) {
      if (pieces == 1 && only_one_string) {
        t.kind = TokKind::String;
        t.value = std::move(decoded);
      } else if (pieces == 2 && lex[0] == '$' && lex[1] == '"' && lex.back() == '"') {
        // $"name" (an identifier written as a string).
        if (decoded.empty()) return err(t.line, t.col, "empty identifier");
        if (!is_valid_utf8(decoded)) return err(t.line, t.col, "malformed UTF-8 encoding");
        t.kind = TokKind::Id;
        t.value = std::move(decoded);
      } else {
        t.kind = TokKind::Reserved;
      }
      return {};
    }
    return classify(lex, t);
  }

  Expected<void> classify(std::string_view lex, Token& t) const {
    if (lex[0] == '$') {
      if (lex.size() == 1) return err(t.line, t.col, "empty identifier");
      t.kind = TokKind::Id;
      t.value = std::string(lex.substr(1));
      return {};
    }
    for (auto [prefix, kind] : {std::pair{std::string_view("offset="), TokKind::OffsetEq},
                                std::pair{std::string_view("align="), TokKind::AlignEq}}) {
      if (lex.substr(0, prefix.size()) == prefix) {
        std::string_view rest = lex.substr(prefix.size());
        if (is_nat_text(rest)) {
          t.kind = kind;
          t.value = std::string(rest);
        } else {
          t.kind = TokKind::Reserved;
        }
        return {};
      }
    }
    if (is_nat_text(lex)) { t.kind = TokKind::Nat; return {}; }
    if (is_int_text(lex)) { t.kind = TokKind::Int; return {}; }
    if (is_float_text(lex)) { t.kind = TokKind::Float; return {}; }
    if (lex.size() >= 2 && lex[0] >= 'a' && lex[0] <= 'z') {
      bool ok = true;
      for (char c : lex.substr(1))
        if (!(is_letter(c) || is_digit(c) || c == '_' || c == '.' || c == ':')) ok = false;
      if (ok) { t.kind = TokKind::Keyword; return {}; }
    }
    t.kind = TokKind::Reserved;
    return {};
  }

  std::string_view s_;
  size_t i_ = 0;
  uint32_t line_;
  uint32_t first_line_ = line_;
  uint32_t line_start_col_;
  size_t line_begin_ = 0;
};

}  // namespace

std::string location_string(uint32_t line, uint32_t col) {
  return std::to_string(line) + ":" + std::to_string(col);
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool is_nat_text(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x') return scan_digits(s, 2, true) == s.size();
  return scan_digits(s, 0, false) == s.size();
}

bool is_int_text(std::string_view s) {
  return s.size() > 1 && (s[0] == '+' || s[0] == '-') && is_nat_text(s.substr(1));
}

bool is_float_text(std::string_view s) {
  constexpr auto npos = std::string_view::npos;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s == "inf" || s == "nan") return true;
  if (s.substr(0, 6) == "nan:0x") return scan_digits(s, 6, true) == s.size();
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t i = scan_digits(s, hex ? 2 : 0, hex);
  if (i == npos) return false;
  bool marked = false;
  if (i < s.size() && s[i] == '.') {
    marked = true;
    ++i;
    size_t j = scan_digits(s, i, hex);
    if (j != npos) i = j;
  }
  char e = hex ? 'p' : 'e', E = hex ? 'P' : 'E';
  if (i < s.size() && (s[i] == e || s[i] == E)) {
    marked = true;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    i = scan_digits(s, i, false);
    if (i == npos) return false;
  }
  return marked && i == s.size();
}

Expected<std::vector<Token>> tokenize(std::string_view src, SourcePos start,
                                     std::vector<Annotation>* annots) {
  return Lexer(src, start).run(annots);
}

}  // namespace tc::wat
