// The one load or store of a guarded memory access (guard_pages.hpp): the
// instruction that may fault.
//
// The fault path needs the wasm pc of the faulting instruction (trap
// position, backtrace, instruction count). Storing pc into the TrapScope
// before every access cost 5% of SQLite's and Go's CPU time. On x86-64 the
// access is instead a single instruction in inline asm that takes pc as an
// operand in whatever register holds it and lists, in the section
// `tc_fault_sites`, its own address and that register's name; the fault
// handler, seeing the faulting instruction is one of those sites, reads pc
// from that register of the interrupted context (guard_pages.cpp).
// Elsewhere the store stays.
#pragma once
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "interp/exec/guard_pages.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TC_NO_FAULT_SITES)
#define TC_FAULT_SITES 1
#else
#define TC_FAULT_SITES 0
#endif

namespace tc::wasm::access {

#define TC_ACCESS_INLINE __attribute__((always_inline)) static inline

#if TC_FAULT_SITES
// The access instruction, labelled; its entry in tc_fault_sites is 8
// bytes: the address, self-relative (no relocation at load time), then the
// name of pc's register (operand 2), as "%rbx" or "%r8", zero-padded.
#define TC_SITE(insn)                       \
  "1: " insn "\n\t"                         \
  ".pushsection tc_fault_sites,\"a\"\n\t"   \
  ".balign 4\n\t"                           \
  ".long 1b - .\n\t"                        \
  ".ascii \"%q2\"\n\t"                      \
  ".balign 4\n\t"                           \
  ".popsection"

typedef uint8_t __attribute__((may_alias)) U8;
typedef uint16_t __attribute__((may_alias)) U16;
typedef uint32_t __attribute__((may_alias)) U32;
typedef uint64_t __attribute__((may_alias)) U64;

// M is an integer type of 1, 2, 4 or 8 bytes (code/iops_mem.def). The
// result register is 64-bit, extended by the access itself.
// Fp: the bits of an f32/f64, moved through an SSE register, where the
// float op that uses them (or made them) wants them.
template <class M, bool Fp = false>
TC_ACCESS_INLINE M load(const uint8_t* p, const uint32_t* pc, TrapScope*) {
  // The range facts after each asm let the compiler drop the extension it
  // would otherwise add between the access and the 64-bit slot.
  if constexpr (Fp && sizeof(M) == 4) {
    float r;
    asm volatile(TC_SITE("movss %1, %0") : "=x"(r) : "m"(*reinterpret_cast<const U32*>(p)), "r"(pc));
    return std::bit_cast<M>(r);
  } else if constexpr (Fp) {
    static_assert(sizeof(M) == 8);
    double r;
    asm volatile(TC_SITE("movsd %1, %0") : "=x"(r) : "m"(*reinterpret_cast<const U64*>(p)), "r"(pc));
    return std::bit_cast<M>(r);
  } else if constexpr (std::is_signed_v<M> && sizeof(M) < 8) {
    int64_t r;
    if constexpr (sizeof(M) == 1)
      asm volatile(TC_SITE("movsbq %1, %0") : "=r"(r) : "m"(*reinterpret_cast<const U8*>(p)), "r"(pc));
    else if constexpr (sizeof(M) == 2)
      asm volatile(TC_SITE("movswq %1, %0") : "=r"(r) : "m"(*reinterpret_cast<const U16*>(p)), "r"(pc));
    else
      asm volatile(TC_SITE("movslq %1, %0") : "=r"(r) : "m"(*reinterpret_cast<const U32*>(p)), "r"(pc));
    if (r < std::numeric_limits<M>::min() || r > std::numeric_limits<M>::max()) __builtin_unreachable();
    return M(r);
  } else {
    uint64_t r;
    if constexpr (sizeof(M) == 1)
      asm volatile(TC_SITE("movzbl %1, %k0") : "=r"(r) : "m"(*reinterpret_cast<const U8*>(p)), "r"(pc));
    else if constexpr (sizeof(M) == 2)
      asm volatile(TC_SITE("movzwl %1, %k0") : "=r"(r) : "m"(*reinterpret_cast<const U16*>(p)), "r"(pc));
    else if constexpr (sizeof(M) == 4)
      asm volatile(TC_SITE("movl %1, %k0") : "=r"(r) : "m"(*reinterpret_cast<const U32*>(p)), "r"(pc));
    else
      asm volatile(TC_SITE("movq %1, %0") : "=r"(r) : "m"(*reinterpret_cast<const U64*>(p)), "r"(pc));
    if (r > std::numeric_limits<std::make_unsigned_t<M>>::max()) __builtin_unreachable();
    return M(r);
  }
}

template <class M, bool Fp = false>
TC_ACCESS_INLINE void store(uint8_t* p, M v, const uint32_t* pc, TrapScope*) {
  if constexpr (Fp && sizeof(M) == 4) {
    asm volatile(TC_SITE("movss %1, %0") : "=m"(*reinterpret_cast<U32*>(p)) : "x"(std::bit_cast<float>(v)), "r"(pc));
  } else if constexpr (Fp) {
    static_assert(sizeof(M) == 8);
    asm volatile(TC_SITE("movsd %1, %0") : "=m"(*reinterpret_cast<U64*>(p)) : "x"(std::bit_cast<double>(v)), "r"(pc));
  } else if constexpr (sizeof(M) == 1) {
    asm volatile(TC_SITE("movb %b1, %0") : "=m"(*reinterpret_cast<U8*>(p)) : "r"(v), "r"(pc));
  } else if constexpr (sizeof(M) == 2) {
    asm volatile(TC_SITE("movw %w1, %0") : "=m"(*reinterpret_cast<U16*>(p)) : "r"(v), "r"(pc));
  } else if constexpr (sizeof(M) == 4) {
    asm volatile(TC_SITE("movl %k1, %0") : "=m"(*reinterpret_cast<U32*>(p)) : "r"(v), "r"(pc));
  } else {
    static_assert(sizeof(M) == 8);
    asm volatile(TC_SITE("movq %q1, %0") : "=m"(*reinterpret_cast<U64*>(p)) : "r"(v), "r"(pc));
  }
}
#undef TC_SITE
#else
// pc goes to the scope first; the fence keeps that store before the access.
template <class M, bool Fp = false>
TC_ACCESS_INLINE M load(const uint8_t* p, const uint32_t* pc, TrapScope* scope) {
  scope->pc = pc;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  M v;
  std::memcpy(&v, p, sizeof(M));
  return v;
}

template <class M, bool Fp = false>
TC_ACCESS_INLINE void store(uint8_t* p, M v, const uint32_t* pc, TrapScope* scope) {
  scope->pc = pc;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  std::memcpy(p, &v, sizeof(M));
}
#endif

#undef TC_ACCESS_INLINE

}  // namespace tc::wasm::access
