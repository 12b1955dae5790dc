// v128 lane access: splats, extract/replace_lane (scalars as raw slot
// bits, floats included, so NaN payloads survive) and the widening,
// splatting and zero-filling loads.
#pragma once
#include "interp/exec/simd_vec.hpp"

namespace tc::wasm::simd {

template <class T>
inline V splat(uint64_t bits) {
  T x = T(bits);
  T r[16 / sizeof(T)];
  for (auto& l : r) l = x;
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
inline V I8x16Splat(uint64_t s) { return (V)((u8x16){} + uint8_t(s)); }
inline V I16x8Splat(uint64_t s) { return (V)((u16x8){} + uint16_t(s)); }
inline V I32x4Splat(uint64_t s) { return (V)((u32x4){} + uint32_t(s)); }
inline V I64x2Splat(uint64_t s) { return V{s, s}; }
inline V F32x4Splat(uint64_t s) { return I32x4Splat(s); }
inline V F64x2Splat(uint64_t s) { return I64x2Splat(s); }

// Lane indices were validated (< lane count); the mask keeps them in range.
template <class T>
inline T lane(V v, uint32_t i) {
  T x;
  std::memcpy(&x, reinterpret_cast<const uint8_t*>(&v) + (i & (16 / sizeof(T) - 1)) * sizeof(T), sizeof(T));
  return x;
}
inline uint64_t I8x16ExtractLaneS(V v, uint32_t i) { return uint32_t(int32_t(lane<int8_t>(v, i))); }
inline uint64_t I8x16ExtractLaneU(V v, uint32_t i) { return lane<uint8_t>(v, i); }
inline uint64_t I16x8ExtractLaneS(V v, uint32_t i) { return uint32_t(int32_t(lane<int16_t>(v, i))); }
inline uint64_t I16x8ExtractLaneU(V v, uint32_t i) { return lane<uint16_t>(v, i); }
inline uint64_t I32x4ExtractLane(V v, uint32_t i) { return lane<uint32_t>(v, i); }
inline uint64_t I64x2ExtractLane(V v, uint32_t i) { return lane<uint64_t>(v, i); }
inline uint64_t F32x4ExtractLane(V v, uint32_t i) { return lane<uint32_t>(v, i); }
inline uint64_t F64x2ExtractLane(V v, uint32_t i) { return lane<uint64_t>(v, i); }
// Replacement as a register blend (a byte store into the vector's memory
// copy would stall the following 16-byte load).
inline V I8x16ReplaceLane(V v, uint64_t x, uint32_t i) {
  const u8x16 iota = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  u8x16 m = (u8x16)(iota == uint8_t(i));
  return (V)(((u8x16)v & ~m) | (((u8x16){} + uint8_t(x)) & m));
}
inline V I16x8ReplaceLane(V v, uint64_t x, uint32_t i) {
  const u16x8 iota = {0, 1, 2, 3, 4, 5, 6, 7};
  u16x8 m = (u16x8)(iota == uint16_t(i));
  return (V)(((u16x8)v & ~m) | (((u16x8){} + uint16_t(x)) & m));
}
inline V I32x4ReplaceLane(V v, uint64_t x, uint32_t i) {
  const u32x4 iota = {0, 1, 2, 3};
  u32x4 m = (u32x4)(iota == uint32_t(i));
  return (V)(((u32x4)v & ~m) | (((u32x4){} + uint32_t(x)) & m));
}
inline V I64x2ReplaceLane(V v, uint64_t x, uint32_t i) {
  if (i & 1) v[1] = x;
  else v[0] = x;
  return v;
}
inline V F32x4ReplaceLane(V v, uint64_t x, uint32_t i) { return I32x4ReplaceLane(v, x, i); }
inline V F64x2ReplaceLane(V v, uint64_t x, uint32_t i) { return I64x2ReplaceLane(v, x, i); }

// Loads from linear memory (bounds already checked).
template <class W, class N>  // 8 bytes of N lanes, each extended to W
inline V load_ext(const uint8_t* p) {
  N a[8 / sizeof(N)];
  W r[8 / sizeof(N)];
  std::memcpy(a, p, 8);
  for (size_t i = 0; i < 8 / sizeof(N); ++i) r[i] = W(a[i]);
  V out;
  std::memcpy(&out, r, 16);
  return out;
}
template <class T>
inline V load_splat(const uint8_t* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return splat<T>(x);
}
template <class T>
inline V load_zero(const uint8_t* p) {
  V out = {0, 0};
  std::memcpy(&out, p, sizeof(T));
  return out;
}

}  // namespace tc::wasm::simd
