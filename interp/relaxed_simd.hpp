// Relaxed SIMD (WebAssembly 3.0) lets each of its 20 instructions choose
// among several results. This engine makes one choice per instruction, the
// same on every host whatever its CPU features (exec/simd_relaxed_ops.hpp):
//
//   i8x16.relaxed_swizzle            = i8x16.swizzle (index >= 16 gives 0)
//   i32x4.relaxed_trunc_*            = i32x4.trunc_sat_* (NaN 0, saturating)
//   f32x4/f64x2.relaxed_madd         = a * b + c, unfused (two roundings)
//   f32x4/f64x2.relaxed_nmadd        = -a * b + c, unfused
//   i*.relaxed_laneselect            = v128.bitselect (bit by bit)
//   f32x4/f64x2.relaxed_min/max      = f32x4/f64x2.min/max
//   i16x8.relaxed_q15mulr_s          = i16x8.q15mulr_sat_s
//   i16x8.relaxed_dot_i8x16_i7x16_s  = signed * signed bytes, pair sums
//                                      saturated to i16
//   i32x4.relaxed_dot_i8x16_i7x16_add_s = the i16 pair sums above, added
//                                      in pairs to i32 and to c (wrapping)
//
// The choice is named by kRelaxedSimdSemantics, recorded with each process
// (process.json "relaxed_simd"); replay refuses a log recorded with another.
// Change the name whenever any choice above changes.
#pragma once

namespace tc::wasm {

inline constexpr const char* kRelaxedSimdSemantics = "deterministic-v1";

}  // namespace tc::wasm
