// Optional x86 fast paths for the v128 operations that baseline x86-64
// (SSE2) has no instruction for: byte shuffles (SSSE3 pshufb) and the
// float rounding operations (SSE4.1 round). The project compiles for
// baseline x86-64, so these are out-of-line functions with a per-function
// target attribute, used only when the CPU reports the feature at run time;
// otherwise the exact portable code in simd_*_ops.hpp runs.
#pragma once
#include "interp/exec/simd_vec.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#define TC_SIMD_X86 1
namespace tc::wasm::simd {

extern const bool kHasSsse3;
extern const bool kHasSse41;

V shuffle_ssse3(V a, V b, V lanes);  // lanes < 32 (validated)
V swizzle_ssse3(V a, V idx);
V f32x4_round_sse41(V a, int mode);  // mode: 0 ceil, 1 floor, 2 trunc, 3 nearest
V f64x2_round_sse41(V a, int mode);

}  // namespace tc::wasm::simd
#else
#define TC_SIMD_X86 0
#endif
