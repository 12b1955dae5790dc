// Integer and bitwise v128 operations (spec exec/numerics "ivec"), one
// function per opcode-table Id. Arithmetic runs on unsigned lanes so
// wrap-around is defined; SSE2 intrinsics are used where they match the
// wasm semantics exactly (saturation, rounding average, pack, madd), with
// the vector-extension or per-lane form otherwise.
#pragma once
#include <algorithm>
#include <bit>
#include <limits>

#include "interp/exec/simd_vec.hpp"
#include "interp/exec/simd_x86.hpp"

namespace tc::wasm::simd {

#define TC_UN(Name, T, expr) \
  inline V Name(V va) {      \
    T a = (T)va;             \
    return (V)(expr);        \
  }
#define TC_BIN(Name, T, expr) \
  inline V Name(V va, V vb) { \
    T a = (T)va, b = (T)vb;   \
    return (V)(expr);         \
  }

// Bitwise.
TC_UN(V128Not, V, ~a)
TC_BIN(V128And, V, a & b)
TC_BIN(V128Andnot, V, a & ~b)
TC_BIN(V128Or, V, a | b)
TC_BIN(V128Xor, V, a ^ b)
inline V V128Bitselect(V a, V b, V c) { return (a & c) | (b & ~c); }
inline uint32_t V128AnyTrue(V a) { return (a[0] | a[1]) != 0; }

// Per-shape families: add, sub, neg, abs, compares, min/max.
#define TC_INT_SHAPE(P, U, S)                                              \
  TC_BIN(P##Add, U, a + b)                                                 \
  TC_BIN(P##Sub, U, a - b)                                                 \
  TC_UN(P##Neg, U, U{} - a)                                                \
  TC_UN(P##Abs, S, a < 0 ? (S)(U{} - (U)a) : a)                            \
  TC_BIN(P##Eq, U, a == b)                                                 \
  TC_BIN(P##Ne, U, a != b)                                                 \
  TC_BIN(P##LtS, S, a < b)                                                 \
  TC_BIN(P##GtS, S, a > b)                                                 \
  TC_BIN(P##LeS, S, a <= b)                                                \
  TC_BIN(P##GeS, S, a >= b)                                                \
  inline uint32_t P##AllTrue(V va) {                                       \
    U a = (U)va;                                                           \
    V z = (V)(a == 0);                                                     \
    return (z[0] | z[1]) == 0;                                             \
  }
TC_INT_SHAPE(I8x16, u8x16, i8x16)
TC_INT_SHAPE(I16x8, u16x8, i16x8)
TC_INT_SHAPE(I32x4, u32x4, i32x4)
TC_INT_SHAPE(I64x2, u64x2, i64x2)

#define TC_INT_SHAPE_U(P, U, S) \
  TC_BIN(P##LtU, U, a < b)      \
  TC_BIN(P##GtU, U, a > b)      \
  TC_BIN(P##LeU, U, a <= b)     \
  TC_BIN(P##GeU, U, a >= b)     \
  TC_BIN(P##MinS, S, a < b ? a : b) \
  TC_BIN(P##MinU, U, a < b ? a : b) \
  TC_BIN(P##MaxS, S, a > b ? a : b) \
  TC_BIN(P##MaxU, U, a > b ? a : b)
TC_INT_SHAPE_U(I8x16, u8x16, i8x16)
TC_INT_SHAPE_U(I16x8, u16x8, i16x8)
TC_INT_SHAPE_U(I32x4, u32x4, i32x4)

TC_BIN(I16x8Mul, u16x8, a * b)
TC_BIN(I32x4Mul, u32x4, a * b)
TC_BIN(I64x2Mul, u64x2, a * b)

// Shifts: the count is taken modulo the lane width.
#define TC_SHIFTS(P, U, S, bits)                                                          \
  inline V P##Shl(V a, uint32_t n) { return (V)((U)a << (n & (bits - 1))); }              \
  inline V P##ShrS(V a, uint32_t n) { return (V)((S)a >> (n & (bits - 1))); }             \
  inline V P##ShrU(V a, uint32_t n) { return (V)((U)a >> (n & (bits - 1))); }
TC_SHIFTS(I8x16, u8x16, i8x16, 8)
TC_SHIFTS(I16x8, u16x8, i16x8, 16)
TC_SHIFTS(I32x4, u32x4, i32x4, 32)
TC_SHIFTS(I64x2, u64x2, i64x2, 64)

// Saturating arithmetic, rounding average, narrowing, dot product.
template <class T, class W>
inline T sat(W x) {
  return T(std::clamp<W>(x, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}
#if defined(__SSE2__)
inline V I8x16AddSatS(V a, V b) { return v(_mm_adds_epi8(m(a), m(b))); }
inline V I8x16AddSatU(V a, V b) { return v(_mm_adds_epu8(m(a), m(b))); }
inline V I8x16SubSatS(V a, V b) { return v(_mm_subs_epi8(m(a), m(b))); }
inline V I8x16SubSatU(V a, V b) { return v(_mm_subs_epu8(m(a), m(b))); }
inline V I16x8AddSatS(V a, V b) { return v(_mm_adds_epi16(m(a), m(b))); }
inline V I16x8AddSatU(V a, V b) { return v(_mm_adds_epu16(m(a), m(b))); }
inline V I16x8SubSatS(V a, V b) { return v(_mm_subs_epi16(m(a), m(b))); }
inline V I16x8SubSatU(V a, V b) { return v(_mm_subs_epu16(m(a), m(b))); }
inline V I8x16AvgrU(V a, V b) { return v(_mm_avg_epu8(m(a), m(b))); }
inline V I16x8AvgrU(V a, V b) { return v(_mm_avg_epu16(m(a), m(b))); }
inline V I8x16NarrowI16x8S(V a, V b) { return v(_mm_packs_epi16(m(a), m(b))); }
inline V I8x16NarrowI16x8U(V a, V b) { return v(_mm_packus_epi16(m(a), m(b))); }
inline V I16x8NarrowI32x4S(V a, V b) { return v(_mm_packs_epi32(m(a), m(b))); }
inline V I32x4DotI16x8S(V a, V b) { return v(_mm_madd_epi16(m(a), m(b))); }
#else
#define TC_SAT(Name, T, W, op) \
  inline V Name(V a, V b) { return map2<T>(a, b, [](T x, T y) { return sat<T>(W(x) op W(y)); }); }
TC_SAT(I8x16AddSatS, int8_t, int, +)
TC_SAT(I8x16AddSatU, uint8_t, int, +)
TC_SAT(I8x16SubSatS, int8_t, int, -)
TC_SAT(I8x16SubSatU, uint8_t, int, -)
TC_SAT(I16x8AddSatS, int16_t, int, +)
TC_SAT(I16x8AddSatU, uint16_t, int, +)
TC_SAT(I16x8SubSatS, int16_t, int, -)
TC_SAT(I16x8SubSatU, uint16_t, int, -)
#undef TC_SAT
TC_BIN(I8x16AvgrU, u8x16, (a | b) - ((a ^ b) >> 1))
TC_BIN(I16x8AvgrU, u16x8, (a | b) - ((a ^ b) >> 1))
#endif

template <class R, class T>
inline V narrow(V va, V vb) {
  constexpr size_t n = 16 / sizeof(T);
  T a[2 * n];
  R r[2 * n];
  std::memcpy(a, &va, 16);
  std::memcpy(a + n, &vb, 16);
  for (size_t i = 0; i < 2 * n; ++i) r[i] = sat<R>(a[i]);
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
inline V I16x8NarrowI32x4U(V a, V b) { return narrow<uint16_t, int32_t>(a, b); }
#if !defined(__SSE2__)
inline V I8x16NarrowI16x8S(V a, V b) { return narrow<int8_t, int16_t>(a, b); }
inline V I8x16NarrowI16x8U(V a, V b) { return narrow<uint8_t, int16_t>(a, b); }
inline V I16x8NarrowI32x4S(V a, V b) { return narrow<int16_t, int32_t>(a, b); }
inline V I32x4DotI16x8S(V va, V vb) {
  i32x4 lo_a = __builtin_convertvector(__builtin_shufflevector((i16x8)va, (i16x8)va, 0, 2, 4, 6), i32x4);
  i32x4 hi_a = __builtin_convertvector(__builtin_shufflevector((i16x8)va, (i16x8)va, 1, 3, 5, 7), i32x4);
  i32x4 lo_b = __builtin_convertvector(__builtin_shufflevector((i16x8)vb, (i16x8)vb, 0, 2, 4, 6), i32x4);
  i32x4 hi_b = __builtin_convertvector(__builtin_shufflevector((i16x8)vb, (i16x8)vb, 1, 3, 5, 7), i32x4);
  return (V)((u32x4)(lo_a * lo_b) + (u32x4)(hi_a * hi_b));
}
#endif

inline V I16x8Q15mulrSatS(V a, V b) {
  return map2<int16_t>(a, b, [](int16_t x, int16_t y) {
    return sat<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15);
  });
}

// Widening: extend, extended multiply, pairwise add.
#define TC_LO(x, T) __builtin_shufflevector((T)(x), (T)(x), 0, 1, 2, 3, 4, 5, 6, 7)
#define TC_HI(x, T) __builtin_shufflevector((T)(x), (T)(x), 8, 9, 10, 11, 12, 13, 14, 15)
#define TC_LO4(x, T) __builtin_shufflevector((T)(x), (T)(x), 0, 1, 2, 3)
#define TC_HI4(x, T) __builtin_shufflevector((T)(x), (T)(x), 4, 5, 6, 7)
#define TC_LO2(x, T) __builtin_shufflevector((T)(x), (T)(x), 0, 1)
#define TC_HI2(x, T) __builtin_shufflevector((T)(x), (T)(x), 2, 3)
#define TC_WIDEN(Prefix, S, U, SrcS, SrcU, DstS, DstU, LO, HI)                                          \
  inline V Prefix##ExtendLow##S(V a) { return (V)__builtin_convertvector(LO(a, SrcS), DstS); }   \
  inline V Prefix##ExtendHigh##S(V a) { return (V)__builtin_convertvector(HI(a, SrcS), DstS); }  \
  inline V Prefix##ExtendLow##U(V a) { return (V)__builtin_convertvector(LO(a, SrcU), DstU); }   \
  inline V Prefix##ExtendHigh##U(V a) { return (V)__builtin_convertvector(HI(a, SrcU), DstU); }  \
  inline V Prefix##ExtmulLow##S(V a, V b) {                                                      \
    return (V)(__builtin_convertvector(LO(a, SrcS), DstS) * __builtin_convertvector(LO(b, SrcS), DstS)); \
  }                                                                                              \
  inline V Prefix##ExtmulHigh##S(V a, V b) {                                                     \
    return (V)(__builtin_convertvector(HI(a, SrcS), DstS) * __builtin_convertvector(HI(b, SrcS), DstS)); \
  }                                                                                              \
  inline V Prefix##ExtmulLow##U(V a, V b) {                                                      \
    return (V)(__builtin_convertvector(LO(a, SrcU), DstU) * __builtin_convertvector(LO(b, SrcU), DstU)); \
  }                                                                                              \
  inline V Prefix##ExtmulHigh##U(V a, V b) {                                                     \
    return (V)(__builtin_convertvector(HI(a, SrcU), DstU) * __builtin_convertvector(HI(b, SrcU), DstU)); \
  }
TC_WIDEN(I16x8, I8x16S, I8x16U, i8x16, u8x16, i16x8, u16x8, TC_LO, TC_HI)
TC_WIDEN(I32x4, I16x8S, I16x8U, i16x8, u16x8, i32x4, u32x4, TC_LO4, TC_HI4)
TC_WIDEN(I64x2, I32x4S, I32x4U, i32x4, u32x4, i64x2, u64x2, TC_LO2, TC_HI2)

inline V I16x8ExtaddPairwiseI8x16S(V a) {
  i8x16 x = (i8x16)a;
  return (V)(__builtin_convertvector(__builtin_shufflevector(x, x, 0, 2, 4, 6, 8, 10, 12, 14), i16x8) +
             __builtin_convertvector(__builtin_shufflevector(x, x, 1, 3, 5, 7, 9, 11, 13, 15), i16x8));
}
inline V I16x8ExtaddPairwiseI8x16U(V a) {
  u8x16 x = (u8x16)a;
  return (V)(__builtin_convertvector(__builtin_shufflevector(x, x, 0, 2, 4, 6, 8, 10, 12, 14), u16x8) +
             __builtin_convertvector(__builtin_shufflevector(x, x, 1, 3, 5, 7, 9, 11, 13, 15), u16x8));
}
inline V I32x4ExtaddPairwiseI16x8S(V a) {
  i16x8 x = (i16x8)a;
  return (V)(__builtin_convertvector(__builtin_shufflevector(x, x, 0, 2, 4, 6), i32x4) +
             __builtin_convertvector(__builtin_shufflevector(x, x, 1, 3, 5, 7), i32x4));
}
inline V I32x4ExtaddPairwiseI16x8U(V a) {
  u16x8 x = (u16x8)a;
  return (V)(__builtin_convertvector(__builtin_shufflevector(x, x, 0, 2, 4, 6), u32x4) +
             __builtin_convertvector(__builtin_shufflevector(x, x, 1, 3, 5, 7), u32x4));
}

inline V I8x16Popcnt(V va) {
  u8x16 x = (u8x16)va;
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (V)((x + (x >> 4)) & 0x0f);
}

// Bitmasks: the top bit of each lane.
#if defined(__SSE2__)
inline uint32_t I8x16Bitmask(V a) { return uint32_t(_mm_movemask_epi8(m(a))); }
inline uint32_t I16x8Bitmask(V a) {
  return uint32_t(_mm_movemask_epi8(_mm_packs_epi16(m(a), _mm_setzero_si128()))) & 0xff;
}
inline uint32_t I32x4Bitmask(V a) { return uint32_t(_mm_movemask_ps((__m128)a)); }
inline uint32_t I64x2Bitmask(V a) { return uint32_t(_mm_movemask_pd((__m128d)a)); }
#else
template <class S>
inline uint32_t bitmask(V va) {
  S a[16 / sizeof(S)];
  std::memcpy(a, &va, 16);
  uint32_t r = 0;
  for (size_t i = 0; i < 16 / sizeof(S); ++i) r |= uint32_t(a[i] < 0) << i;
  return r;
}
inline uint32_t I8x16Bitmask(V a) { return bitmask<int8_t>(a); }
inline uint32_t I16x8Bitmask(V a) { return bitmask<int16_t>(a); }
inline uint32_t I32x4Bitmask(V a) { return bitmask<int32_t>(a); }
inline uint32_t I64x2Bitmask(V a) { return bitmask<int64_t>(a); }
#endif

// Byte permutations.
inline V swizzle_portable(V va, V vb) {
  uint8_t a[16], b[16], r[16];
  std::memcpy(a, &va, 16);
  std::memcpy(b, &vb, 16);
  for (int i = 0; i < 16; ++i) r[i] = b[i] < 16 ? a[b[i]] : 0;
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
inline V shuffle_portable(V va, V vb, const uint8_t* lanes) {
  uint8_t ab[32], r[16];
  std::memcpy(ab, &va, 16);
  std::memcpy(ab + 16, &vb, 16);
  for (int i = 0; i < 16; ++i) r[i] = ab[lanes[i] & 31];
  V out;
  std::memcpy(&out, r, 16);
  return out;
}

inline V I8x16Swizzle(V a, V b) {
#if TC_SIMD_X86
  if (kHasSsse3) return swizzle_ssse3(a, b);
#endif
  return swizzle_portable(a, b);
}
inline V I8x16Shuffle(V a, V b, const uint8_t* lanes) {
#if TC_SIMD_X86
  if (kHasSsse3) return shuffle_ssse3(a, b, load(lanes));
#endif
  return shuffle_portable(a, b, lanes);
}

#undef TC_LO
#undef TC_HI
#undef TC_LO4
#undef TC_HI4
#undef TC_LO2
#undef TC_HI2
#undef TC_WIDEN
#undef TC_INT_SHAPE
#undef TC_INT_SHAPE_U
#undef TC_SHIFTS
#undef TC_UN
#undef TC_BIN

}  // namespace tc::wasm::simd
