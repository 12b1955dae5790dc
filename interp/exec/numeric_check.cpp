// Build-time checks of code/numeric.def against opcodes.def, so a row that
// disagrees with its opcode does not compile: operand and result types have
// the widths of the opcode's P1/P2/R columns, every simple scalar opcode
// has a row, a test's compare and a compare's negation are
// compare-and-branch rows over the same operand type, and negating twice
// gives the compare back. No code.
#include "interp/exec/op_bodies.hpp"

namespace tc::wasm {

namespace {

struct Types {
  ImmKind imm;
  OpType p1, p2, r;
};
constexpr Types kTypes[] = {
#define OP(Id, Prefix, Code, Text, Imm, P1, P2, R, Align) {ImmKind::Imm, OpType::P1, OpType::P2, OpType::R},
#include "interp/opcodes.def"
#undef OP
};

constexpr size_t width(OpType t) {
  switch (t) {
    case OpType::I32: case OpType::F32: return 4;
    case OpType::I64: case OpType::F64: return 8;
    default: return 0;
  }
}
constexpr bool is_float(OpType t) { return t == OpType::F32 || t == OpType::F64; }

template <class T>
constexpr bool fits(OpType t) {
  return sizeof(T) == width(t) && (!std::is_floating_point_v<T> || is_float(t));
}

template <Opcode op, class T, class R, bool binary>
constexpr bool types_ok() {
  const Types& t = kTypes[size_t(op)];
  return t.imm == ImmKind::None && fits<T>(t.p1) && fits<R>(t.r) &&
         (binary ? t.p2 == t.p1 : t.p2 == OpType::V);
}

constexpr bool has_row(Opcode op) {
  switch (op) {
#define TC_ROW(Id) case Opcode::Id: return true;
#define UNOP(Id, T, R, expr) TC_ROW(Id)
#define TESTOP(Id, T, Cmp, expr) TC_ROW(Id)
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) TC_ROW(Id)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_ROW(Id)
#define UNOP_TRAP(Id, T, R, guards, expr) TC_ROW(Id)
#define BINOP_TRAP(Id, T, R, guards, expr) TC_ROW(Id)
#include "interp/code/numeric.def"
#undef TC_ROW
    default: return false;
  }
}

// Compare-and-branch rows and their negations.
constexpr bool has_br(Opcode op) {
  switch (op) {
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_NUM_IF_##Br(case Opcode::Id: return true;)
#include "interp/code/numeric.def"
    default: return false;
  }
}
constexpr Opcode neg_of(Opcode op) {
  switch (op) {
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_NUM_IF_##Br(case Opcode::Id: return Opcode::Neg;)
#include "interp/code/numeric.def"
    default: return Opcode::Count_;
  }
}

constexpr bool all_simple_ops_have_rows() {
  for (size_t i = 0; i < size_t(Opcode::Count_); ++i) {
    const Types& t = kTypes[i];
    bool scalar = width(t.p1) != 0 && width(t.r) != 0 && (t.p2 == OpType::V || t.p2 == t.p1);
    if (t.imm == ImmKind::None && scalar && !has_row(Opcode(i))) return false;
  }
  return true;
}
static_assert(all_simple_ops_have_rows(),
              "an opcodes.def row with a simple scalar signature has no code/numeric.def row");

using bodies::Sem;
#define TC_TYPES(Id, binary)                                                               \
  static_assert(types_ok<Opcode::Id, Sem<Opcode::Id>::T, Sem<Opcode::Id>::R, binary>(), \
                #Id ": its numeric.def types disagree with its opcodes.def row");
#define UNOP(Id, T, R, expr) TC_TYPES(Id, false)
#define TESTOP(Id, Ty, Cmp, expr)                                                        \
  TC_TYPES(Id, false)                                                                    \
  static_assert(has_br(Opcode::Cmp) && std::is_same_v<Ty, Sem<Opcode::Cmp>::T>,         \
                #Id ": its compare must be a compare-and-branch row over the same type");
#define BINOP(Id, Ty, R, HasImm, HasImm64, Comm, expr)                                    \
  TC_TYPES(Id, true)                                                                     \
  TC_NUM_IF_##HasImm64(static_assert(std::is_same_v<Ty, uint64_t>, #Id ": Imm64 needs uint64_t");)
#define CMPOP(Id, Ty, HasImm, Comm, Br, Neg, expr)                                        \
  TC_TYPES(Id, true)                                                                     \
  TC_NUM_IF_##Br(static_assert(has_br(Opcode::Neg) && neg_of(Opcode::Neg) == Opcode::Id && \
                                   std::is_same_v<Ty, Sem<Opcode::Neg>::T>,              \
                               #Id ": its negation must be a compare-and-branch row "    \
                                   "over the same type whose negation is " #Id);)
// Trapping rows have no Sem; their columns are checked directly.
#define UNOP_TRAP(Id, T, R, guards, expr)                                                  \
  static_assert(types_ok<Opcode::Id, T, R, false>(), #Id ": types disagree with opcodes.def");
#define BINOP_TRAP(Id, T, R, guards, expr)                                                 \
  static_assert(types_ok<Opcode::Id, T, R, true>(), #Id ": types disagree with opcodes.def");
#include "interp/code/numeric.def"
#undef TC_TYPES

}  // namespace

}  // namespace tc::wasm
