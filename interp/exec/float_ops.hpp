// Float semantics the C++ operators do not give directly (spec
// "Numerics"): min/max with NaN and signed zeros, round-half-even, and the
// range checks of the float -> integer truncations.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tc::wasm {

// Which NaN an operation on two NaNs returns is the hardware's choice
// (x86: the first source operand, quieted), and for a commutative + or *
// the C++ compiler may order the operands differently in each handler that
// inlines it: a fused form and the plain op (the fast code and the
// debugger's exact tier) could then give different bits for one run. So
// the order is fixed: a is the first operand. On x86-64 that is one
// instruction with a as its destination (inline asm, which the compiler
// cannot commute); a check after the op instead made gcc spill registers
// all over the dispatch loop (+30-60% instructions on the kernels). The
// second operand may be in memory ("xm"), as the compiler would choose.
// Elsewhere the result is checked: a's NaN if a is one, else b's, quieted.
// sub and div cannot be commuted, so plain operators keep the order. A NaN
// made from numbers (inf - inf) is the default NaN.
#if defined(__x86_64__) && defined(__SSE2__)
#define TC_FIXED_ORDER(name, sd, ss)                                       \
  inline double name(double a, double b) {                                \
    asm(sd " %1, %0" : "+x"(a) : "xm"(b));                                 \
    return a;                                                             \
  }                                                                       \
  inline float name(float a, float b) {                                   \
    asm(ss " %1, %0" : "+x"(a) : "xm"(b));                                 \
    return a;                                                             \
  }
TC_FIXED_ORDER(wasm_add, "addsd", "addss")
TC_FIXED_ORDER(wasm_mul, "mulsd", "mulss")
#undef TC_FIXED_ORDER
#else
template <class F>
inline F nan_first(F r, F a, F b) {
  if (__builtin_expect(r != r, 0)) {
    if (a != a) return a + a;
    if (b != b) return b + b;
  }
  return r;
}
template <class F>
inline F wasm_add(F a, F b) { return nan_first(F(a + b), a, b); }
template <class F>
inline F wasm_mul(F a, F b) { return nan_first(F(a * b), a, b); }
#endif
template <class F>
inline F wasm_sub(F a, F b) { return a - b; }
template <class F>
inline F wasm_div(F a, F b) { return a / b; }

template <class F>
inline F wasm_min(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a + a : b + b;  // quiet, payload kept
  if (a == b) return std::signbit(a) ? a : b;         // -0 < +0
  return a < b ? a : b;
}

template <class F>
inline F wasm_max(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a + a : b + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// Rounding: a NaN operand must come back quiet (libm may return a
// signalling NaN unchanged). nearest uses the default round-half-even mode.
template <class F>
inline F wasm_ceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F>
inline F wasm_floor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F>
inline F wasm_trunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }
template <class F>
inline F wasm_nearest(F a) { return std::isnan(a) ? a + a : std::nearbyint(a); }

// True when trunc(a) fits in I (a must not be NaN).
template <class I, class F>
inline bool trunc_in_range(F a) {
  constexpr int bits = sizeof(I) * 8;
  if constexpr (std::is_signed_v<I>) {
    constexpr F hi = F(uint64_t(1) << (bits - 1));  // powers of two: exact
    constexpr F lo = -hi;
    if constexpr (bits == 32 && std::is_same_v<F, double>) return a > lo - 1 && a < hi;
    else return a >= lo && a < hi;
  } else {
    constexpr F hi = F(uint64_t(1) << (bits - 1)) * 2;
    return a > F(-1) && a < hi;
  }
}

template <class I, class F>
inline I trunc_sat(F a) {
  if (std::isnan(a)) return 0;
  if (trunc_in_range<I>(a)) return I(a);
  return a < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

}  // namespace tc::wasm
