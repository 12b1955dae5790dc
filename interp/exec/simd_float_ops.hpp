// Floating-point v128 operations (spec exec/numerics "fvec") and the
// conversions, one function per opcode-table Id. Vector arithmetic is IEEE
// (no fast-math), so NaN results are canonical or propagate an operand's
// payload quietly, as the spec allows; min/max get the wasm NaN and signed
// zero rules explicitly, rounding and saturating conversions go per lane.
#pragma once
#include <cmath>

#include "interp/exec/float_ops.hpp"
#include "interp/exec/simd_vec.hpp"
#include "interp/exec/simd_x86.hpp"

namespace tc::wasm::simd {

#define TC_FUN(Name, T, expr) \
  inline V Name(V va) {       \
    T a = (T)va;              \
    return (V)(expr);         \
  }
#define TC_FBIN(Name, T, expr) \
  inline V Name(V va, V vb) {  \
    T a = (T)va, b = (T)vb;    \
    return (V)(expr);          \
  }

// min/max: a NaN operand gives a NaN (a + b keeps it quiet), equal operands
// merge their bits so that min(-0, +0) = -0 and max(-0, +0) = +0.
#define TC_FSHAPE(P, F, U, sign)                                                  \
  TC_FBIN(P##Add, F, a + b)                                                       \
  TC_FBIN(P##Sub, F, a - b)                                                       \
  TC_FBIN(P##Mul, F, a * b)                                                       \
  TC_FBIN(P##Div, F, a / b)                                                       \
  TC_FBIN(P##Eq, F, a == b)                                                       \
  TC_FBIN(P##Ne, F, a != b)                                                       \
  TC_FBIN(P##Lt, F, a < b)                                                        \
  TC_FBIN(P##Gt, F, a > b)                                                        \
  TC_FBIN(P##Le, F, a <= b)                                                       \
  TC_FBIN(P##Ge, F, a >= b)                                                       \
  TC_FBIN(P##Pmin, F, b < a ? b : a)                                              \
  TC_FBIN(P##Pmax, F, a < b ? b : a)                                              \
  TC_FUN(P##Abs, U, a & ~(U{} + sign))                                            \
  TC_FUN(P##Neg, U, a ^ (U{} + sign))                                             \
  inline V P##Min(V va, V vb) {                                                   \
    F a = (F)va, b = (F)vb;                                                       \
    F eq = (F)((U)a | (U)b);                                                   \
    F nan = a + b;                                                                \
    return (V)(a < b ? a : b < a ? b : a == b ? eq : nan);                     \
  }                                                                               \
  inline V P##Max(V va, V vb) {                                                   \
    F a = (F)va, b = (F)vb;                                                       \
    F eq = (F)((U)a & (U)b);                                                      \
    F nan = a + b;                                                                \
    return (V)(a > b ? a : b > a ? b : a == b ? eq : nan);                        \
  }
TC_FSHAPE(F32x4, f32x4, u32x4, 0x80000000u)
TC_FSHAPE(F64x2, f64x2, u64x2, 0x8000000000000000ull)

#if defined(__SSE2__)
inline V F32x4Sqrt(V a) { return (V)_mm_sqrt_ps((__m128)a); }
inline V F64x2Sqrt(V a) { return (V)_mm_sqrt_pd((__m128d)a); }
#else
inline V F32x4Sqrt(V a) { return map1<float, float>(a, [](float x) { return std::sqrt(x); }); }
inline V F64x2Sqrt(V a) { return map1<double, double>(a, [](double x) { return std::sqrt(x); }); }
#endif

#if TC_SIMD_X86
#define TC_ROUND_FAST(fast, mode) \
  if (kHasSse41) return fast(a, mode);
#else
#define TC_ROUND_FAST(fast, mode)
#endif
#define TC_ROUND(P, T, fn, fast, mode)                                                  \
  inline V P##Portable(V a) { return map1<T, T>(a, [](T x) { return fn(x); }); }       \
  inline V P(V a) {                                                                     \
    TC_ROUND_FAST(fast, mode)                                                           \
    return P##Portable(a);                                                              \
  }
TC_ROUND(F32x4Ceil, float, wasm_ceil, f32x4_round_sse41, 0)
TC_ROUND(F32x4Floor, float, wasm_floor, f32x4_round_sse41, 1)
TC_ROUND(F32x4Trunc, float, wasm_trunc, f32x4_round_sse41, 2)
TC_ROUND(F32x4Nearest, float, wasm_nearest, f32x4_round_sse41, 3)
TC_ROUND(F64x2Ceil, double, wasm_ceil, f64x2_round_sse41, 0)
TC_ROUND(F64x2Floor, double, wasm_floor, f64x2_round_sse41, 1)
TC_ROUND(F64x2Trunc, double, wasm_trunc, f64x2_round_sse41, 2)
TC_ROUND(F64x2Nearest, double, wasm_nearest, f64x2_round_sse41, 3)
#undef TC_ROUND_FAST
#undef TC_ROUND

// Conversions. Lanes beyond the source's count are zero (the _zero forms).
inline V F32x4ConvertI32x4S(V a) { return (V)__builtin_convertvector((i32x4)a, f32x4); }
inline V F32x4ConvertI32x4U(V a) {
  return map1<float, uint32_t>(a, [](uint32_t x) { return float(x); });
}
inline V I32x4TruncSatF32x4S(V a) {
  return map1<int32_t, float>(a, [](float x) { return trunc_sat<int32_t>(x); });
}
inline V I32x4TruncSatF32x4U(V a) {
  return map1<uint32_t, float>(a, [](float x) { return trunc_sat<uint32_t>(x); });
}
inline V I32x4TruncSatF64x2SZero(V a) {
  return map1<int32_t, double>(a, [](double x) { return trunc_sat<int32_t>(x); });
}
inline V I32x4TruncSatF64x2UZero(V a) {
  return map1<uint32_t, double>(a, [](double x) { return trunc_sat<uint32_t>(x); });
}
inline V F64x2ConvertLowI32x4S(V a) {
  return map1<double, int32_t>(a, [](int32_t x) { return double(x); });
}
inline V F64x2ConvertLowI32x4U(V a) {
  return map1<double, uint32_t>(a, [](uint32_t x) { return double(x); });
}
inline V F32x4DemoteF64x2Zero(V a) {
  return map1<float, double>(a, [](double x) { return float(x); });
}
inline V F64x2PromoteLowF32x4(V a) {
  return map1<double, float>(a, [](float x) { return double(x); });
}

#undef TC_FSHAPE
#undef TC_FUN
#undef TC_FBIN

}  // namespace tc::wasm::simd
