// Two AVX-512 instructions that Highway 1.0.3 does not wrap, for the
// kernels' AVX3 paths (#if SIMDACT_AVX512, which is 0 on other targets):
//
// FixupByClass<table>(pass, x): VFIXUPIMMPS. Classifies each lane of x as
//   QNaN, SNaN, +-0, +1, -inf, +inf, negative or positive (a subnormal by
//   its sign, unless the caller set DAZ) and answers from the 4-bit code of
//   that class in `table` (class k at bits 4k..4k+3): 0 = the lane of pass,
//   1 = x itself, 8 = +0, 0xA = +1 (others exist; these are the ones used).
// ScaleByPow2(p, nf): VSCALEFPS, p * 2^nf for integral float lanes nf,
//   rounded once: a subnormal result is rounded correctly, too large a one
//   is inf, NaN stays NaN.

// Toggle include guard: this header is included once per target.
#if defined(SIMDACT_KERNELS_AVX512_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_AVX512_INL_H_
#undef SIMDACT_KERNELS_AVX512_INL_H_
#else
#define SIMDACT_KERNELS_AVX512_INL_H_
#endif

#include <stddef.h>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#undef SIMDACT_AVX512
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
#define SIMDACT_AVX512 1

template <int kTable>
HWY_INLINE hn::Vec512<float> FixupByClass(hn::Vec512<float> pass,
                                          hn::Vec512<float> x) {
  return hn::Vec512<float>{
      _mm512_fixupimm_ps(pass.raw, x.raw, _mm512_set1_epi32(kTable), 0)};
}
template <int kTable>
HWY_INLINE hn::Vec256<float> FixupByClass(hn::Vec256<float> pass,
                                          hn::Vec256<float> x) {
  return hn::Vec256<float>{
      _mm256_fixupimm_ps(pass.raw, x.raw, _mm256_set1_epi32(kTable), 0)};
}
template <int kTable, size_t N>
HWY_INLINE hn::Vec128<float, N> FixupByClass(hn::Vec128<float, N> pass,
                                             hn::Vec128<float, N> x) {
  return hn::Vec128<float, N>{
      _mm_fixupimm_ps(pass.raw, x.raw, _mm_set1_epi32(kTable), 0)};
}

HWY_INLINE hn::Vec512<float> ScaleByPow2(hn::Vec512<float> p,
                                         hn::Vec512<float> nf) {
  return hn::Vec512<float>{_mm512_scalef_ps(p.raw, nf.raw)};
}
HWY_INLINE hn::Vec256<float> ScaleByPow2(hn::Vec256<float> p,
                                         hn::Vec256<float> nf) {
  return hn::Vec256<float>{_mm256_scalef_ps(p.raw, nf.raw)};
}
template <size_t N>
HWY_INLINE hn::Vec128<float, N> ScaleByPow2(hn::Vec128<float, N> p,
                                            hn::Vec128<float, N> nf) {
  return hn::Vec128<float, N>{_mm_scalef_ps(p.raw, nf.raw)};
}
#else
#define SIMDACT_AVX512 0
#endif

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_AVX512_INL_H_
