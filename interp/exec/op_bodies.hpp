// The semantics of the simple internal instructions as inline "bodies",
// written once and used by each op's own handler and by the fused pair
// handlers (iops_pair.def), which run two bodies with one dispatch.
//
// Body<IOp::X> has `len` (words including the handler word), `reads` (bit i:
// word i names a slot the op reads), `result` (it writes word 1's slot),
// `branch`, `tail` (a control op that keeps its own handler), and
//   run<C, St>(fp, pc, mem, scope, in)  the op's effect, returning its result;
//                                       a no-op for a branch;
//   taken<C>(fp, pc, in)                whether a conditional branch is taken
//                                       (false otherwise); the offset,
//                                       relative to the instruction, is pc[off].
// Chaining: with C = i the slot operand in word i is replaced by `in` (the
// previous op's result, still in a register), and with St = false the
// result is returned but not stored (its slot is dead; fuse_pairs.hpp).
// Only ops that cannot trap explicitly and never leave the frame have a
// body. Guarded loads/stores may fault; their access (guarded_access.hpp)
// leaves pc where the fault path finds it.
#pragma once
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "interp/code/iops.hpp"
#include "interp/opcodes.hpp"
#include "interp/exec/float_ops.hpp"
#include "interp/exec/guard_pages.hpp"
#include "interp/exec/guarded_access.hpp"
#include "interp/exec/runtime.hpp"
#include "interp/exec/value_bits.hpp"

namespace tc::wasm::bodies {

#define TC_BODY_INLINE __attribute__((always_inline)) static inline

template <IOp op>
struct Body;  // specialised below for every op with a body

#define TC_S(i) fp[pc[i]]
#define TC_IN(i) (C == (i) ? in : fp[pc[i]])
#define TC_OUT(v)                    \
  do {                               \
    Slot r_ = (v);                   \
    if constexpr (St) fp[pc[1]] = r_; \
    return r_;                       \
  } while (0)
#define TC_PLAIN(Name, Len, Reads, Result, ...)                                             \
  template <>                                                                               \
  struct Body<IOp::Name> {                                                                  \
    static constexpr bool branch = false, result = Result, tail = false;    \
    static constexpr uint32_t len = Len, off = 0, reads = Reads;                            \
    template <int C = 0>                                                                    \
    TC_BODY_INLINE bool taken(Slot*, const uint32_t*, Slot = 0) { return false; }           \
    template <int C = 0, bool St = true>                                                    \
    TC_BODY_INLINE Slot run(Slot* fp, const uint32_t* pc, uint8_t* mem, TrapScope* scope,   \
                            Slot in = 0) {                                                  \
      (void)mem;                                                                            \
      (void)scope;                                                                          \
      (void)in;                                                                             \
      __VA_ARGS__                                                                           \
      return 0;                                                                             \
    }                                                                                       \
  };
#define TC_BRANCH(Name, Len, Off, Reads, cond)                                      \
  template <>                                                                       \
  struct Body<IOp::Name> {                                                          \
    static constexpr bool branch = true, result = false, tail = false; \
    static constexpr uint32_t len = Len, off = Off, reads = Reads;                  \
    template <int C = 0>                                                            \
    TC_BODY_INLINE bool taken(Slot* fp, const uint32_t* pc, Slot in = 0) {          \
      (void)in;                                                                     \
      return cond;                                                                  \
    }                                                                               \
    template <int C = 0, bool St = true>                                            \
    TC_BODY_INLINE Slot run(Slot*, const uint32_t*, uint8_t*, TrapScope*, Slot = 0) { \
      return 0;                                                                     \
    }                                                                               \
  };
// Ops that keep their own handler (they leave the frame or jump): as the
// second op of a pair, the fused handler jumps straight to that handler.
#define TC_TAIL(Name)                                                                \
  template <>                                                                        \
  struct Body<IOp::Name> {                                                           \
    static constexpr bool branch = false, result = false, tail = true; \
    static constexpr uint32_t len = 0, off = 0, reads = 0;                           \
    template <int C = 0>                                                             \
    TC_BODY_INLINE bool taken(Slot*, const uint32_t*, Slot = 0) { return false; }    \
    template <int C = 0, bool St = true>                                             \
    TC_BODY_INLINE Slot run(Slot*, const uint32_t*, uint8_t*, TrapScope*, Slot = 0) { \
      return 0;                                                                      \
    }                                                                                \
  };
#define TC_W(i) (1u << (i))

// The meaning of each scalar numeric op, from its row in code/numeric.def:
// Sem<Opcode::Id>::eval over operands of type T, giving R. The op's own
// body and its immediate (Id##Imm, Id##Imm64) and compare-and-branch
// (BrIf##Id, BrIf##Id##Imm) forms below all evaluate it. Trapping rows
// (UNOP_TRAP, BINOP_TRAP) have no body: dispatch.cpp expands their handler.
template <Opcode op>
struct Sem;

#define TC_SEM(Id, T_, R_, Params, expr)            \
  template <>                                       \
  struct Sem<Opcode::Id> {                          \
    using T = T_;                                   \
    using R = R_;                                   \
    TC_BODY_INLINE R eval Params { return R(expr); } \
  };
// Numeric ops: s dst, s a [, s b].
#define TC_UNARY(Id, Ty, Rt, expr)                                                  \
  TC_SEM(Id, Ty, Rt, (Ty a), expr)                                                  \
  TC_PLAIN(Id, 3, TC_W(2), true, using S = Sem<Opcode::Id>;                         \
           TC_OUT(to_slot(S::eval(rd<S::T>(TC_IN(2)))));)
#define TC_BINARY(Id, Ty, Rt, expr)                                                 \
  TC_SEM(Id, Ty, Rt, (Ty a, Ty b), expr)                                            \
  TC_PLAIN(Id, 4, TC_W(2) | TC_W(3), true, using S = Sem<Opcode::Id>;               \
           S::T a = rd<S::T>(TC_IN(2)); S::T b = rd<S::T>(TC_IN(3));                \
           TC_OUT(to_slot(S::eval(a, b)));)
#define UNOP(Id, T, R, expr) TC_UNARY(Id, T, R, expr)
#define TESTOP(Id, T, Cmp, expr) TC_UNARY(Id, T, uint32_t, expr)
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) TC_BINARY(Id, T, R, expr)
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) TC_BINARY(Id, T, uint32_t, expr)
#include "interp/code/numeric.def"
#undef TC_UNARY
#undef TC_BINARY
#undef TC_SEM

// Op with an immediate: s dst, s a, u32 imm (sign-extended to T).
#define TC_IMM(Id)                                                                  \
  TC_PLAIN(Id##Imm, 4, TC_W(2), true, using S = Sem<Opcode::Id>;                    \
           S::T a = rd<S::T>(TC_IN(2)); S::T b = S::T(int32_t(pc[3]));              \
           TC_OUT(to_slot(S::eval(a, b)));)
// Op with a 64-bit immediate: s dst, s a, u32 lo, u32 hi.
#define TC_IMM64(Id)                                                                \
  TC_PLAIN(Id##Imm64, 5, TC_W(2), true, uint64_t a = TC_IN(2);                      \
           uint64_t b = uint64_t(pc[3]) | (uint64_t(pc[4]) << 32);                  \
           static_assert(std::is_same_v<Sem<Opcode::Id>::T, uint64_t>);             \
           TC_OUT(Sem<Opcode::Id>::eval(a, b));)
// Compare-and-branch: s a, s b / u32 imm, off.
#define TC_CMP_BR(Id)                                                                  \
  TC_BRANCH(BrIf##Id, 4, 3, TC_W(1) | TC_W(2), ([&] {                                  \
              using S = Sem<Opcode::Id>;                                               \
              return bool(S::eval(rd<S::T>(TC_IN(1)), rd<S::T>(TC_IN(2))));            \
            }()))                                                                      \
  TC_BRANCH(BrIf##Id##Imm, 4, 3, TC_W(1), ([&] {                                       \
              using S = Sem<Opcode::Id>;                                               \
              return bool(S::eval(rd<S::T>(TC_IN(1)), S::T(int32_t(pc[2]))));          \
            }()))
#define BINOP(Id, T, R, HasImm, HasImm64, Comm, expr) \
  TC_NUM_IF_##HasImm(TC_IMM(Id)) TC_NUM_IF_##HasImm64(TC_IMM64(Id))
#define CMPOP(Id, T, HasImm, Comm, Br, Neg, expr) \
  TC_NUM_IF_##HasImm(TC_IMM(Id)) TC_NUM_IF_##Br(TC_CMP_BR(Id))
#include "interp/code/numeric.def"
#undef TC_IMM
#undef TC_IMM64
#undef TC_CMP_BR
TC_BRANCH(BrIf, 3, 2, TC_W(1), uint32_t(TC_IN(1)) != 0)
TC_BRANCH(BrUnless, 3, 2, TC_W(1), uint32_t(TC_IN(1)) == 0)

// Guarded loads and stores (no bounds check; see guard_pages.hpp): the
// access itself is access::load/store, which keeps pc for the fault path
// (the F32/F64 rows, named so, move their bits through an SSE register).
#define TC_FP_ROW(Id) (#Id[0] == 'F')
// G: s dst/value, s addr, u32 offset (store: s addr, s value, u32 offset).
// G2 / GI: s dst/value, s a, s b / u32 imm, u32 offset; address (a + b) mod 2^32.
#define MEM_LOAD(Id, M, R)                                                                    \
  TC_PLAIN(Id##G, 4, TC_W(2), true,                                                           \
           uint64_t ea = uint64_t(uint32_t(TC_IN(2))) + pc[3];                                \
           TC_OUT(to_slot(R(access::load<M, TC_FP_ROW(Id)>(mem + ea, pc, scope))));)           \
  TC_PLAIN(Id##G2, 5, TC_W(2) | TC_W(3), true,                                                \
           uint64_t ea = uint64_t(uint32_t(TC_IN(2)) + uint32_t(TC_IN(3))) + pc[4];           \
           TC_OUT(to_slot(R(access::load<M, TC_FP_ROW(Id)>(mem + ea, pc, scope))));)           \
  TC_PLAIN(Id##GI, 5, TC_W(2), true,                                                          \
           uint64_t ea = uint64_t(uint32_t(TC_IN(2)) + pc[3]) + pc[4];                        \
           TC_OUT(to_slot(R(access::load<M, TC_FP_ROW(Id)>(mem + ea, pc, scope))));)
#define MEM_STORE(Id, M)                                                                      \
  TC_PLAIN(Id##G, 4, TC_W(1) | TC_W(2), false,                                                \
           uint64_t ea = uint64_t(uint32_t(TC_IN(1))) + pc[3];                                \
           access::store<M, TC_FP_ROW(Id)>(mem + ea, M(TC_IN(2)), pc, scope);)                 \
  TC_PLAIN(Id##G2, 5, TC_W(1) | TC_W(2) | TC_W(3), false,                                     \
           uint64_t ea = uint64_t(uint32_t(TC_IN(2)) + uint32_t(TC_IN(3))) + pc[4];           \
           access::store<M, TC_FP_ROW(Id)>(mem + ea, M(TC_IN(1)), pc, scope);)                 \
  TC_PLAIN(Id##GI, 5, TC_W(1) | TC_W(2), false,                                               \
           uint64_t ea = uint64_t(uint32_t(TC_IN(2)) + pc[3]) + pc[4];                        \
           access::store<M, TC_FP_ROW(Id)>(mem + ea, M(TC_IN(1)), pc, scope);)
#include "interp/code/iops_mem.def"
#undef MEM_LOAD
#undef MEM_STORE
#undef TC_FP_ROW

// Moves and constants (Copy2 has two results, so it never passes one on).
TC_PLAIN(Copy, 3, TC_W(2), true, TC_OUT(TC_IN(2));)
TC_PLAIN(Copy2, 5, TC_W(2) | TC_W(4), false, Slot a = TC_IN(2); TC_S(1) = a; TC_S(3) = TC_IN(4);)
TC_PLAIN(Const32, 3, 0, true, TC_OUT(pc[2]);)
TC_PLAIN(Const64, 4, 0, true, TC_OUT(uint64_t(pc[2]) | (uint64_t(pc[3]) << 32));)
TC_TAIL(Br)
TC_TAIL(BrTable)
TC_TAIL(Return)
TC_TAIL(Call)
TC_TAIL(CallIndirect)
TC_PLAIN(Select, 5, TC_W(2) | TC_W(3) | TC_W(4), true,
         TC_OUT(uint32_t(TC_IN(4)) ? TC_IN(2) : TC_IN(3));)
// Globals (scalar): s dst / s src, ptr GlobalInst.
TC_PLAIN(GlobalGet, 4, 0, true, TC_OUT(ptr_at<GlobalInst>(pc + 2)->bits[0]);)
TC_PLAIN(GlobalSet, 4, TC_W(1), false, ptr_at<GlobalInst>(pc + 2)->bits[0] = TC_IN(1);)

#undef TC_S
#undef TC_IN
#undef TC_OUT
#undef TC_W
#undef TC_PLAIN
#undef TC_BRANCH
#undef TC_TAIL
#undef TC_BODY_INLINE

}  // namespace tc::wasm::bodies
