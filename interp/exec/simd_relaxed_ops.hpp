// The relaxed SIMD instructions, one function per opcode-table Id, each
// with the deterministic choice documented in interp/relaxed_simd.hpp: the
// 2.0 instruction it equals, or portable vector code that no compiler
// option turns into a host-dependent form.
#pragma once
#include <algorithm>
#include <cstring>

#include "interp/exec/simd_float_ops.hpp"
#include "interp/exec/simd_int_ops.hpp"
#include "interp/relaxed_simd.hpp"

namespace tc::wasm::simd {

inline V I8x16RelaxedSwizzle(V a, V b) { return I8x16Swizzle(a, b); }
inline V I32x4RelaxedTruncF32x4S(V a) { return I32x4TruncSatF32x4S(a); }
inline V I32x4RelaxedTruncF32x4U(V a) { return I32x4TruncSatF32x4U(a); }
inline V I32x4RelaxedTruncF64x2SZero(V a) { return I32x4TruncSatF64x2SZero(a); }
inline V I32x4RelaxedTruncF64x2UZero(V a) { return I32x4TruncSatF64x2UZero(a); }

// Unfused: the empty asm keeps the rounded product in a register, so a
// build for an FMA-capable -march cannot contract mul + add into an fma.
inline V rounded(V x) {
#if defined(__x86_64__) || defined(__i386__)
  __asm__("" : "+x"(x));
#else
  __asm__("" : : "r"(&x) : "memory");
#endif
  return x;
}
inline V F32x4RelaxedMadd(V a, V b, V c) { return F32x4Add(rounded(F32x4Mul(a, b)), c); }
inline V F32x4RelaxedNmadd(V a, V b, V c) { return F32x4Add(rounded(F32x4Mul(F32x4Neg(a), b)), c); }
inline V F64x2RelaxedMadd(V a, V b, V c) { return F64x2Add(rounded(F64x2Mul(a, b)), c); }
inline V F64x2RelaxedNmadd(V a, V b, V c) { return F64x2Add(rounded(F64x2Mul(F64x2Neg(a), b)), c); }

// Operands a, b, mask (the wasm order): bit by bit.
inline V I8x16RelaxedLaneselect(V a, V b, V m) { return V128Bitselect(a, b, m); }
inline V I16x8RelaxedLaneselect(V a, V b, V m) { return V128Bitselect(a, b, m); }
inline V I32x4RelaxedLaneselect(V a, V b, V m) { return V128Bitselect(a, b, m); }
inline V I64x2RelaxedLaneselect(V a, V b, V m) { return V128Bitselect(a, b, m); }

inline V F32x4RelaxedMin(V a, V b) { return F32x4Min(a, b); }
inline V F32x4RelaxedMax(V a, V b) { return F32x4Max(a, b); }
inline V F64x2RelaxedMin(V a, V b) { return F64x2Min(a, b); }
inline V F64x2RelaxedMax(V a, V b) { return F64x2Max(a, b); }

inline V I16x8RelaxedQ15mulrS(V a, V b) { return I16x8Q15mulrSatS(a, b); }

// Both operands' bytes signed; each i16 lane the saturated sum of a pair
// of products.
inline V I16x8RelaxedDotI8x16I7x16S(V va, V vb) {
  int8_t a[16], b[16];
  int16_t r[8];
  std::memcpy(a, &va, 16);
  std::memcpy(b, &vb, 16);
  for (int i = 0; i < 8; ++i) {
    int32_t s = int32_t(a[2 * i]) * b[2 * i] + int32_t(a[2 * i + 1]) * b[2 * i + 1];
    r[i] = int16_t(std::clamp<int32_t>(s, INT16_MIN, INT16_MAX));
  }
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
inline V I32x4RelaxedDotI8x16I7x16AddS(V va, V vb, V vc) {
  int16_t d[8];
  uint32_t c[4], r[4];
  V vd = I16x8RelaxedDotI8x16I7x16S(va, vb);
  std::memcpy(d, &vd, 16);
  std::memcpy(c, &vc, 16);
  for (int i = 0; i < 4; ++i) r[i] = uint32_t(int32_t(d[2 * i]) + d[2 * i + 1]) + c[i];
  V out;
  std::memcpy(&out, r, 16);
  return out;
}

}  // namespace tc::wasm::simd
