// Tokens of the WebAssembly text format (spec text/lexical.rst). One lexer
// serves module text and .wast scripts; it never fails on an unknown
// keyword (scripts hold commands of later proposals), it marks it instead.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "interp/error.hpp"

namespace tc::wat {

enum class TokKind : uint8_t {
  LParen, RParen,
  Keyword,   // [a-z][a-zA-Z0-9_.:]+ that is not a number
  Id,        // $name (value holds the name without '$')
  String,    // value holds the decoded bytes
  Nat, Int, Float,
  OffsetEq, AlignEq,  // "offset=N" / "align=N" (value holds N)
  Reserved,  // anything else made of idchars: "unknown operator"
  Eof,
};

struct Token {
  TokKind kind = TokKind::Eof;
  uint32_t begin = 0, end = 0;  // byte range in the source
  uint32_t line = 0, col = 0;   // 1-based
  std::string value;
};

// Where the source starts (for text cut out of a larger file).
struct SourcePos {
  uint32_t line = 1, col = 1;
};

std::string location_string(uint32_t line, uint32_t col);

// An annotation "(@id item*)" (spec text/lexical.rst). Its items are
// lexed as tokens (nested parentheses and annotations included); `before`
// is the index, in the token vector, of the token that follows it.
struct Annotation {
  std::string id;
  std::vector<Token> items;
  uint32_t begin = 0, end = 0;  // byte range in the source
  uint32_t line = 0, col = 0;   // of "(@"
  size_t before = 0;
};

// Lexes all of `src`. Comments are skipped, and so are annotations: they
// are appended to `annots` when given. The returned vector always ends
// with an Eof token.
Expected<std::vector<Token>> tokenize(std::string_view src, SourcePos start = {},
                                      std::vector<Annotation>* annots = nullptr);

// True when `s` is valid UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool is_valid_utf8(std::string_view s);

// The lexeme grammar pieces, also used by literal conversion.
bool is_nat_text(std::string_view s);
bool is_int_text(std::string_view s);
bool is_float_text(std::string_view s);

}  // namespace tc::wat
