// v128 representation for the SIMD handlers: GCC vector-extension types
// (lowered to SSE2 on x86-64, to the host's vector unit elsewhere, or to
// scalar code when there is none), unaligned load/store from frame slots
// and linear memory, and per-lane fallbacks for the operations that have
// no direct vector form. All operations take and return V; the lane view
// is a bit cast.
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tc::wasm::simd {

#define TC_VEC16 __attribute__((vector_size(16)))
#define TC_VEC8 __attribute__((vector_size(8)))
typedef uint8_t u8x16 TC_VEC16;
typedef int8_t i8x16 TC_VEC16;
typedef uint16_t u16x8 TC_VEC16;
typedef int16_t i16x8 TC_VEC16;
typedef uint32_t u32x4 TC_VEC16;
typedef int32_t i32x4 TC_VEC16;
typedef uint64_t u64x2 TC_VEC16;
typedef int64_t i64x2 TC_VEC16;
typedef float f32x4 TC_VEC16;
typedef double f64x2 TC_VEC16;
// Half vectors (the low or high 64 bits) for the widening operations.
typedef uint8_t u8x8 TC_VEC8;
typedef int8_t i8x8 TC_VEC8;
typedef uint16_t u16x4 TC_VEC8;
typedef int16_t i16x4 TC_VEC8;
typedef uint32_t u32x2 TC_VEC8;
typedef int32_t i32x2 TC_VEC8;
#undef TC_VEC16
#undef TC_VEC8

using V = u64x2;

inline V load(const void* p) {
  V v;
  std::memcpy(&v, p, 16);
  return v;
}
inline void store(void* p, V v) { std::memcpy(p, &v, 16); }

// Lane-wise map through arrays, for the operations without a vector form
// (rounding, saturating truncation, shuffles). R and T are lane types.
template <class R, class T, class F>
inline V map1(V va, F f) {
  T a[16 / sizeof(T)];
  R r[16 / sizeof(R)] = {};
  std::memcpy(a, &va, 16);
  for (size_t i = 0; i < 16 / sizeof(T) && i < 16 / sizeof(R); ++i) r[i] = f(a[i]);
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
template <class T, class F>
inline V map2(V va, V vb, F f) {
  T a[16 / sizeof(T)], b[16 / sizeof(T)], r[16 / sizeof(T)];
  std::memcpy(a, &va, 16);
  std::memcpy(b, &vb, 16);
  for (size_t i = 0; i < 16 / sizeof(T); ++i) r[i] = f(a[i], b[i]);
  V out;
  std::memcpy(&out, r, 16);
  return out;
}

#if defined(__SSE2__)
inline __m128i m(V v) { return (__m128i)v; }
inline V v(__m128i x) { return (V)x; }
#endif

}  // namespace tc::wasm::simd
