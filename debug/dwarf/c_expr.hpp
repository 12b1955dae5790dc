// The C expressions `print`, `watch` and `x` take, parsed into a small AST
// and evaluated against a stopped frame.
//
//   primary:  identifier (local, parameter, global, enumerator), integer
//             literal (decimal, 0x hex, 0 octal; u/l suffixes), 'c'
//   postfix:  a.b  a->b  a[i]
//   unary:    *a  &a  -a  !a  ~a  (type)a   with type = base type
//             ("unsigned int", "char"), typedef ("u32"), "struct T" /
//             "union T" / "enum T", then any number of '*'
//   binary:   * / %   + -   < <= > >=   == !=   &&   ||   (C precedence;
//             pointer +/- integer scales by the pointee's size)
//   a@n:      gdb's artificial array: n objects starting at lvalue a
//   sizeof(type), sizeof expr  (unsigned long)
//
// Errors are one line in gdb's words: No symbol "foo" in current context.
// / A syntax error in expression, near `)'. / Cannot access memory at
// address 0x.. / There is no member named foo.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "debug/dwarf/frame_access.hpp"
#include "debug/dwarf/value.hpp"
#include "interp/error.hpp"

namespace tc::debug {

class DebugInfo;

struct CastType {
  std::string base;      // "int", "unsigned int", "u32", "struct packet"
  unsigned pointers = 0; // number of '*'
};

struct ExprNode {
  enum class Kind : uint8_t { Ident, Int, Char, Unary, Binary, Member, Arrow, Index, Cast, At,
                              SizeofType, SizeofExpr };
  Kind kind = Kind::Int;
  std::string name;        // Ident; Member/Arrow: the member; Unary/Binary: the operator
  uint64_t int_value = 0;  // Int, Char
  bool is_unsigned = false, is_long = false;
  CastType cast;            // Cast, SizeofType
  std::unique_ptr<ExprNode> a, b;
};

// `is_type` tells the parser whether an identifier names a type (typedef)
// where a cast could start: "(u32)x".
Expected<std::unique_ptr<ExprNode>> parse_expression(const std::string& text,
                                                     bool (*is_type)(const std::string&, void*),
                                                     void* ctx);

// A type as `ptype`/`whatis`/casts spell it: "struct packet *", "u32",
// "unsigned char **". Error: No symbol "x" in current context. / No struct
// type named x. / A syntax error ...
Expected<CastType> parse_type_name(const std::string& text);
Expected<TypeId> resolve_type_name(const DebugInfo& info, const CastType& type);

struct EvalScope {
  const DebugInfo* info = nullptr;
  uint64_t pc = 0;            // file offset the frame stopped at
  size_t frame = 0;           // 0 = innermost (inlined levels count), as frames_at()
  FrameAccess* access = nullptr;  // null: only constants and types
};

// Parses and evaluates. The result's `address` (with the type's size) is
// what `watch` watches: watch_range(value, types).
Expected<Value> evaluate_expression(const std::string& text, const EvalScope& scope);

}  // namespace tc::debug
