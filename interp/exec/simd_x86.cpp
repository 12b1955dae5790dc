#include "interp/exec/simd_x86.hpp"

#if TC_SIMD_X86
#include <immintrin.h>

namespace tc::wasm::simd {

namespace {
bool cpu_has(int which) {
  __builtin_cpu_init();  // may run before libgcc's own constructor
  return which == 0 ? __builtin_cpu_supports("ssse3") : __builtin_cpu_supports("sse4.1");
}
}  // namespace

const bool kHasSsse3 = cpu_has(0);
const bool kHasSse41 = cpu_has(1);

// pshufb zeroes a lane whose index has bit 7 set and otherwise uses the
// low four bits: indices 16..31 select from b, so each source gets the
// other half's indices marked with bit 7.
__attribute__((target("ssse3"))) V shuffle_ssse3(V a, V b, V lanes) {
  __m128i l = (__m128i)lanes;
  __m128i hi = _mm_slli_epi16(_mm_and_si128(l, _mm_set1_epi8(0x10)), 3);  // 0x80 where l >= 16
  __m128i ma = _mm_or_si128(l, hi);
  __m128i mb = _mm_or_si128(l, _mm_xor_si128(hi, _mm_set1_epi8(char(0x80))));
  return (V)_mm_or_si128(_mm_shuffle_epi8((__m128i)a, ma), _mm_shuffle_epi8((__m128i)b, mb));
}

// Indices >= 16 must give 0: a saturating +0x70 sets bit 7 exactly for them.
__attribute__((target("ssse3"))) V swizzle_ssse3(V a, V idx) {
  return (V)_mm_shuffle_epi8((__m128i)a, _mm_adds_epu8((__m128i)idx, _mm_set1_epi8(0x70)));
}

// roundps/roundpd: IEEE rounding, signed zeros kept, NaNs returned quiet
// (an arithmetic NaN, as the spec requires); _MM_FROUND_NO_EXC keeps the
// floating-point flags untouched.
__attribute__((target("sse4.1"))) V f32x4_round_sse41(V a, int mode) {
  __m128 x = (__m128)a;
  switch (mode) {
    case 0: return (V)_mm_round_ps(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
    case 1: return (V)_mm_round_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    case 2: return (V)_mm_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    default: return (V)_mm_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
}
__attribute__((target("sse4.1"))) V f64x2_round_sse41(V a, int mode) {
  __m128d x = (__m128d)a;
  switch (mode) {
    case 0: return (V)_mm_round_pd(x, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);
    case 1: return (V)_mm_round_pd(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    case 2: return (V)_mm_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    default: return (V)_mm_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
}

}  // namespace tc::wasm::simd
#endif
