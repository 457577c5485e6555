// Vector math for float lanes: exp, expm1 (x <= 0), tanh, and compensated
// sums. Written once with Highway; compiled for every target.
//
// Error bounds below are in float ULPs against the correctly rounded result,
// checked on every float by tests/exhaustive_ulp.cc (simdact_exhaustive) on
// AVX-512 (whose exp scales with VSCALEFPS, avx512-inl.h), AVX2 and SSE4;
// they hold without FMA too (SSE4, where MulAdd is two roundings).
// Subnormal results are produced with gradual underflow (never flushed), as
// long as the caller has not enabled FTZ/DAZ in the FPU control register.

// Toggle include guard: this header is included once per target.
#if defined(SIMDACT_KERNELS_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_MATH_INL_H_
#undef SIMDACT_KERNELS_MATH_INL_H_
#else
#define SIMDACT_KERNELS_MATH_INL_H_
#endif

#include <stddef.h>

#include "hwy/highway.h"
#include "kernels/avx512-inl.h"
#include "kernels/tanh_table-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Returns 2^n for integer lanes n in [-126, 127] (a normal float).
template <class DF, class VI>
HWY_INLINE hn::Vec<DF> Pow2I(DF df, VI n) {
  const hn::RebindToSigned<DF> di;
  return hn::BitCast(df, hn::ShiftLeft<23>(hn::Add(n, hn::Set(di, 127))));
}

// Adding this to v, |v| < 2^22, rounds v to the nearest integer n and leaves
// n in the low mantissa bits: the bits of kRoundMagic + n are those of
// kRoundMagic plus n. Shifted left by 23, they are n << 23 (kRoundMagic's own
// bits shift out), which is how ScaleByRounded adds n to an exponent.
constexpr float kRoundMagic = 0x1.8p23f;

// Cody-Waite reduction: x = n*ln2 + r with |r| <= ln2/2 (+ rounding).
// kLn2Hi has 15 significant bits, so n*kLn2Hi is exact for |n| < 2^9 with or
// without FMA, and x - n*kLn2Hi is exact (both are multiples of 2^-25 and the
// difference is below 0.5). r carries only the rounding of the second step,
// |error| <= 2^-25 * |r|, plus n * 5.5e-14 from the truncated constant.
// *rounded is kRoundMagic + n (see kRoundMagic). Without FMA the rounding of
// x*log2e first can make n the other neighbour of a half-way x*log2e; |r|
// then exceeds ln2/2 by < 1e-7, inside the polynomials' fitted range.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ReduceLn2Rounded(DF df, V x, V* rounded) {
  const V kLog2e = hn::Set(df, 0x1.715476p+0f);
  const V kLn2Hi = hn::Set(df, 0x1.62e400p-1f);
  const V kLn2Lo = hn::Set(df, 0x1.7f7d1cp-20f);  // ln 2 - kLn2Hi
  const V magic = hn::Set(df, kRoundMagic);
  *rounded = hn::MulAdd(x, kLog2e, magic);
  const V nf = hn::Sub(*rounded, magic);
  const V r = hn::NegMulAdd(nf, kLn2Hi, x);
  return hn::NegMulAdd(nf, kLn2Lo, r);
}

// As ReduceLn2Rounded, with n as an integer vector.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ReduceLn2(DF df, V x, hn::Vec<hn::RebindToSigned<DF>>* n_out) {
  const hn::RebindToSigned<DF> di;
  V rounded;
  const V r = ReduceLn2Rounded(df, x, &rounded);
  *n_out = hn::Sub(hn::BitCast(di, rounded),
                   hn::BitCast(di, hn::Set(df, kRoundMagic)));
  return r;
}

// p * 2^n, n from `rounded` = kRoundMagic + n, by adding n to p's exponent
// field; exact when p is in [0.5, 2) and the result is a normal float.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ScaleByRounded(DF df, V p, V rounded) {
  const hn::RebindToSigned<DF> di;
  return hn::BitCast(df, hn::Add(hn::BitCast(di, p),
                                 hn::ShiftLeft<23>(hn::BitCast(di, rounded))));
}

// 2^(n + kExtra) from `rounded` = kRoundMagic + n, n + kExtra in [-126,
// 127]: n << 23 plus the bits of 2^kExtra, in two operations.
template <int kExtra = 0, class DF, class V = hn::Vec<DF>>
HWY_INLINE V Pow2FromRounded(DF df, V rounded) {
  const hn::RebindToSigned<DF> di;
  return hn::BitCast(df, hn::Add(hn::ShiftLeft<23>(hn::BitCast(di, rounded)),
                                 hn::Set(di, (127 + kExtra) << 23)));
}

// e^r for |r| <= 0.35: 1 + r (1 + r P(r)) by Horner, P of degree 4 fitted to
// (e^r - 1 - r) / r^2 on [-0.3496, 0.3496] (least squares at Chebyshev
// nodes in long double, weighted to the relative error of e^r). With the
// float coefficients the relative error is 3.8e-9 (0.06 ULP) before
// rounding; the roundings of the last two steps add < 0.85 ULP. One FMA
// fewer than 1 + expm1, and no separate add. With `scale` (a power of two),
// scale e^r with the same roundings: every coefficient is scaled exactly.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpSmall(DF df, V r, float scale = 1.0f) {
  const V one = hn::Set(df, scale);
  V p = hn::Set(df, scale * 0x1.686cfep-10f);
  p = hn::MulAdd(p, r, hn::Set(df, scale * 0x1.1240c6p-7f));
  p = hn::MulAdd(p, r, hn::Set(df, scale * 0x1.555b8ep-5f));
  p = hn::MulAdd(p, r, hn::Set(df, scale * 0x1.555488p-3f));
  p = hn::MulAdd(p, r, hn::Set(df, scale * 0x1.fffff8p-2f));
  p = hn::MulAdd(p, r, one);
  return hn::MulAdd(p, r, one);
}

// e^r - 1 for |r| <= 0.35: r + r^2 * P(r), P of degree 5 fitted to
// (e^r - 1 - r) / r^2 on [-ln2/2, ln2/2] (Chebyshev fit, mpmath); with the
// float coefficients the relative error is 1.7e-9 (0.03 ULP) before rounding.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Expm1Small(DF df, V r) {
  V p = hn::Set(df, 0x1.a124e4p-13f);
  p = hn::MulAdd(p, r, hn::Set(df, 0x1.6d4316p-10f));
  p = hn::MulAdd(p, r, hn::Set(df, 0x1.1110e0p-7f));
  p = hn::MulAdd(p, r, hn::Set(df, 0x1.5554eap-5f));
  p = hn::MulAdd(p, r, hn::Set(df, 0x1.555556p-3f));
  p = hn::MulAdd(p, r, hn::Set(df, 0.5f));
  return hn::MulAdd(hn::Mul(r, r), p, r);
}

// p * 2^n for n in [-150, 129]: two normal factors 2^(n/2) * 2^(n - n/2), so
// a subnormal result is rounded once, correctly, and overflow gives inf.
template <class DF, class VI, class V = hn::Vec<DF>>
HWY_INLINE V ScaleAnyRange(DF df, V p, VI n) {
  const VI n1 = hn::ShiftRight<1>(n);
  return hn::Mul(hn::Mul(p, Pow2I(df, n1)), Pow2I(df, hn::Sub(n, n1)));
}

// Below this magnitude e^x is a normal float and n of the reduction lies in
// [-125, 125], so the fast paths need neither clamps nor two-step scaling.
constexpr float kExpNormalRange = 86.5f;

// e^x for x in [-86.5, 86.5]: max error 1 ULP. Other lanes: unspecified
// (finite garbage or NaN), for callers that select them away.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpNormalRange(DF df, V x) {
  V rounded;
  const V r = ReduceLn2Rounded(df, x, &rounded);
#if SIMDACT_AVX512
  // The same bits in one VSCALEFPS (rounded - magic is the reduction's n).
  return ScaleByPow2(ExpSmall(df, r),
                     hn::Sub(rounded, hn::Set(df, kRoundMagic)));
#else
  return ScaleByRounded(df, ExpSmall(df, r), rounded);
#endif
}

// e^x for every float x. Max error 1 ULP (normal and subnormal results).
// NaN -> NaN, -inf -> +0, +inf -> +inf, x > 88.7228 -> +inf, x < -103.97 -> 0.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpAnyRange(DF df, V x) {
  // Beyond these bounds the result is 0 or inf anyway; clamping keeps n in
  // [-150, 129].
  const V xc = hn::Min(hn::Max(x, hn::Set(df, -104.0f)), hn::Set(df, 89.0f));
  hn::Vec<hn::RebindToSigned<DF>> n;
  const V r = ReduceLn2(df, xc, &n);
  const V y = ScaleAnyRange(df, ExpSmall(df, r), n);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

#if SIMDACT_AVX512
// e^x for x in [-104, 89] (the callers' clamps): no range branch, since
// ScaleByPow2 rounds a subnormal result once and gives inf above the range.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpScalef(DF df, V xc) {
  V rounded;
  const V r = ReduceLn2Rounded(df, xc, &rounded);
  return ScaleByPow2(ExpSmall(df, r),
                     hn::Sub(rounded, hn::Set(df, kRoundMagic)));
}
#endif

// 1 / (1 + e^-x) for every float x, without a branch on the sign: with
// m = round(x log2 e), e^-x = 2^-m p where p = e^(m ln2 - x) (|m ln2 - x| <=
// ln2/2, ExpSmall), so sigmoid(x) = 2^m / (2^m + p). Both terms are scaled
// by 2^32, so that 2^m is a normal float down to m = -150, and built
// exactly: one VSCALEFPS on AVX-512, a shift and an add elsewhere. Max
// error 2 ULP over every float (simdact_exhaustive), the same bits on every
// target with FMA; subnormal results come from the division, rounded once.
// 15 operations on AVX-512, 16 elsewhere, against 17 and 21 for e = e^-|x|
// with e / (1 + e) and a select on the sign (Zen 4, 256 KiB: 16.1-16.6 ->
// 14.4-14.7 us on AVX-512). The clamps keep r finite and 2^m below inf
// (sigmoid is 1 in float above 17.33, 0 below -103.98). x86's MINPS and
// MAXPS keep a NaN x (they return their second operand); Highway's Min and
// Max on Arm and on the scalar targets drop it, so there a select keeps it.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Sigmoid(DF df, V x) {
  const V xc = hn::Min(hn::Set(df, 18.0f), hn::Max(hn::Set(df, -104.0f), x));
  const V magic = hn::Set(df, kRoundMagic);
  const V rounded = hn::MulAdd(xc, hn::Set(df, 0x1.715476p+0f), magic);
  const V mf = hn::Sub(rounded, magic);
  // ReduceLn2Rounded's two steps, negated: m ln2hi - x is exact.
  V r = hn::MulSub(mf, hn::Set(df, 0x1.62e400p-1f), xc);
  r = hn::MulAdd(mf, hn::Set(df, 0x1.7f7d1cp-20f), r);
#if SIMDACT_AVX512
  const V t = ScaleByPow2(hn::Set(df, 0x1p32f), mf);
#else
  const V t = Pow2FromRounded<32>(df, rounded);
#endif
  const V y = hn::Div(t, hn::Add(t, ExpSmall(df, r, 0x1p32f)));
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
  return y;
#else
  return hn::IfThenElse(hn::IsNaN(x), x, y);
#endif
}

// e^x for every float x, 1 ULP, as ExpAnyRange. Without AVX-512: the fast
// path when the whole vector is in the normal range (one branch per vector,
// taken for all but extreme or NaN inputs).
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Exp(DF df, V x) {
#if SIMDACT_AVX512
  // The clamps keep r finite. Max(c, x) and Min(c, x) return x where it is
  // NaN (VMAXPS and VMINPS return their second operand then).
  return ExpScalef(
      df, hn::Min(hn::Set(df, 89.0f), hn::Max(hn::Set(df, -104.0f), x)));
#else
  if (HWY_LIKELY(
          hn::AllTrue(df, hn::Le(hn::Abs(x), hn::Set(df, kExpNormalRange))))) {
    return ExpNormalRange(df, x);
  }
  return ExpAnyRange(df, x);
#endif
}

// e^x for x <= 0 (and NaN): as Exp, with a cheaper range check.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpNonPositive(DF df, V x) {
#if SIMDACT_AVX512
  return ExpScalef(df, hn::Max(hn::Set(df, -104.0f), x));
#else
  if (HWY_LIKELY(hn::AllTrue(df, hn::Ge(x, hn::Set(df, -kExpNormalRange))))) {
    return ExpNormalRange(df, x);
  }
  return ExpAnyRange(df, x);
#endif
}

// e^(hi + lo) for a two-float argument (|lo| about an ULP of hi or less): lo
// is added to the reduced argument, so the result is within 1 ULP of
// e^(hi + lo).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpTwoFloat(D d, V hi, V lo) {
  if (HWY_LIKELY(
          hn::AllTrue(d, hn::Le(hn::Abs(hi), hn::Set(d, kExpNormalRange))))) {
    V rounded;
    const V r = hn::Add(ReduceLn2Rounded(d, hi, &rounded), lo);
    return ScaleByRounded(d, ExpSmall(d, r), rounded);
  }
  const V xc = hn::Min(hn::Max(hi, hn::Set(d, -104.0f)), hn::Set(d, 89.0f));
  // Where hi was clamped (or is infinite) the result is 0 or inf anyway.
  lo = hn::IfThenElseZero(hn::Eq(hi, xc), lo);
  hn::Vec<hn::RebindToSigned<D>> n;
  const V r = hn::Add(ReduceLn2(d, xc, &n), lo);
  const V y = ScaleAnyRange(d, ExpSmall(d, r), n);
  return hn::IfThenElse(hn::IsNaN(hi), hi, y);
}

// exp(x - m), with the rounding error of the difference added to the reduced
// argument: within 1 ULP even when x - m is large and inexact.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpOfDifference(D d, V x, V m) {
  const V diff = hn::Sub(x, m);
  // 2Sum: diff + err == x - m exactly (for finite diff).
  const V bm = hn::Sub(diff, x);
  const V err = hn::Add(hn::Sub(x, hn::Sub(diff, bm)), hn::Sub(hn::Neg(m), bm));
  return ExpTwoFloat(d, diff, err);
}

// alpha (e^x - 1) for x <= 0 (and NaN), alpha finite (alpha = 1 when
// !kScaled). For -17.5 < x, e^x - 1 = 2^n expm1(r) + (2^n - 1), summed
// with one rounding (2^n - 1 is exact for n >= -25); r = x when n = 0, so
// tiny arguments keep full relative accuracy. On AVX-512 the factor alpha
// goes into that sum: (alpha 2^n) expm1(r) + (alpha 2^n - alpha), alpha 2^n
// in one VSCALEFPS, exact unless |alpha| < 2^-100; that saves two of 17
// operations (ELU forward, 4 KiB: 242 -> 212-220 ns on Zen 4) and rounds alpha
// 2^n - alpha once where alpha is not a power of two (max 2 ULP over every x in
// [-20, 0] for alpha = 1.6733, 0.3, 0.1, 2.5, 1.05; the product after the sum
// elsewhere gives 2 ULP for 1.6733 too).
template <bool kScaled, class DF, class V = hn::Vec<DF>>
HWY_INLINE V Expm1NonPositiveTimes(DF df, V x, V alpha) {
  // expm1(x) rounds to -1 for x < -17.33; clamping keeps n >= -26. When no
  // lane is below -17.5 or NaN (the usual case), the clamp and the NaN
  // select are skipped.
  const V kMin = hn::Set(df, -17.5f);
#if SIMDACT_AVX512
  // Max(c, x) is x where x is NaN (VMAXPS returns its second operand), so
  // one clamp does the work of the range test and the NaN select.
  constexpr bool in_range = true;
  const V xc = hn::Max(kMin, x);
#else
  const bool in_range = hn::AllTrue(df, hn::Ge(x, kMin));
  const V xc = in_range ? x : hn::Max(x, kMin);
#endif
  V rounded;
#if HWY_NATIVE_FMA
  // One reduction step, r = x - n fl(ln 2) in one rounding. fl(ln 2) is
  // 1.9e-9 above ln 2, so r is off by up to 26 * 1.9e-9, but that error is
  // scaled by 2^n e^r: the result moves by < 1.4e-9, at most 0.05 ULP of
  // it (worst at n = -1, -2). Without FMA, n fl(ln 2) would be rounded.
  const V magic = hn::Set(df, kRoundMagic);
  rounded = hn::MulAdd(xc, hn::Set(df, 0x1.715476p+0f), magic);
  const V r =
      hn::NegMulAdd(hn::Sub(rounded, magic), hn::Set(df, 0x1.62e430p-1f), xc);
#else
  const V r = ReduceLn2Rounded(df, xc, &rounded);
#endif
  const V em1 = Expm1Small(df, r);
#if SIMDACT_AVX512
  // (The same n as the reduction's.)
  const V nf = hn::Sub(rounded, hn::Set(df, kRoundMagic));
  const V scaled = ScaleByPow2(alpha, nf);
  const V y = hn::MulAdd(scaled, em1, hn::Sub(scaled, alpha));
#else
  const V scale = Pow2FromRounded(df, rounded);
  V y = hn::MulAdd(scale, em1, hn::Sub(scale, hn::Set(df, 1.0f)));
  if (kScaled) y = hn::Mul(alpha, y);
#endif
  return in_range ? y : hn::IfThenElse(hn::IsNaN(x), x, y);
}

// e^x - 1 for x <= 0 (and NaN). Max error 1 ULP; exact for x = -0.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Expm1NonPositive(DF df, V x) {
  return Expm1NonPositiveTimes<false>(df, x, hn::Set(df, 1.0f));
}

// alpha (e^x - 1) for x <= 0 (and NaN), alpha finite: 2 ULP.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ScaledExpm1NonPositive(DF df, V x, V alpha) {
  return Expm1NonPositiveTimes<true>(df, x, alpha);
}

// tanh(x) for every float x. Max error 2 ULP (measured 1 ULP on [-9, 9]).
// |x| < ln(3)/2: x + x^3 * P(x^2), P of degree 5 fitted to
//   (tanh(x) - x) / x^3 on [0, ln(3)^2/4] (Chebyshev fit with mpmath,
//   max error 4e-10 before rounding the coefficients to float).
// |x| >= ln(3)/2: 1 - 2e/(1 + e), e = exp(-2|x|) <= 1/3; the result is >= 0.5
//   so the subtraction loses nothing. tanh(x) is exactly +-1 for |x| > 9.01.
// (A rational x P(x^2) / Q(x^2) as Eigen's would be cheaper, but in float it
// errs 4.5-5 ULP near |x| = 7-9 for every shape tried, over the bound, and
// 3.4-4.9 ULP even on [0, 3.5]: tools/tanh_rational_fit.cc. On AVX-512,
// Tanh below uses a table of polynomials instead: tanh_table-inl.h.)
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V TanhByExp(DF df, V x) {
  const V ax = hn::Abs(x);
  const V x2 = hn::Mul(x, x);
  V p = hn::Set(df, 0x1.4b6bb4p-9f);
  p = hn::MulAdd(p, x2, hn::Set(df, -0x1.17705cp-7f));
  p = hn::MulAdd(p, x2, hn::Set(df, 0x1.657aa8p-6f));
  p = hn::MulAdd(p, x2, hn::Set(df, -0x1.ba1440p-5f));
  p = hn::MulAdd(p, x2, hn::Set(df, 0x1.111104p-3f));
  p = hn::MulAdd(p, x2, hn::Set(df, -0x1.555556p-2f));
  const V small = hn::MulAdd(hn::Mul(x2, x), p, x);

  // tanh is exactly 1 beyond 9.01, so clamping keeps exp in its fast range
  // (a NaN lane takes the `small` branch below, whatever e is).
  const V e = ExpNormalRange(
      df, hn::Mul(hn::Min(ax, hn::Set(df, 9.5f)), hn::Set(df, -2.0f)));
  // 2e / (1 + e) as e / ((1 + e) / 2): the same bits (halving is exact),
  // one operation fewer.
  const V half = hn::Set(df, 0.5f);
  const V q = hn::Div(e, hn::MulAdd(e, half, half));
  const V large = hn::CopySignToAbs(hn::Sub(hn::Set(df, 1.0f), q), x);

  // NaN compares false, so it takes the `small` branch, which keeps NaN.
  const auto is_large = hn::Ge(ax, hn::Set(df, 0x1.193ea8p-1f));  // ln(3)/2
  return hn::IfThenElse(is_large, large, small);
}

// tanh(x) for every float x: TanhByTable on 512-bit vectors (1 ULP on
// every float, tanh_table-inl.h; a 4 KiB tanh 427-500 -> 268 ns on Zen 4),
// TanhByExp on the others (AVX2's VPERMPS has 8 entries, not 32: a table of
// 32 would take 4 permutes and 3 blends per coefficient).
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Tanh(DF df, V x) {
#if SIMDACT_AVX512
  if constexpr (sizeof(V) == 64) return TanhByTable(df, x);
#endif
  return TanhByExp(df, x);
}

// a*b - fl(a*b) where p = fl(a*b), exactly (barring underflow): FMA where
// the target has it, else Dekker's split into 12-bit halves.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V TwoProductError(DF df, V a, V b, V p) {
  // An infinite product has no finite error term; report 0, not NaN.
  const auto finite = hn::IsFinite(p);
#if HWY_NATIVE_FMA
  (void)df;
  return hn::IfThenElseZero(finite, hn::MulSub(a, b, p));
#else
  const V kSplit = hn::Set(df, 4097.0f);  // 2^12 + 1
  const V ca = hn::Mul(a, kSplit);
  const V a_hi = hn::Sub(ca, hn::Sub(ca, a));
  const V a_lo = hn::Sub(a, a_hi);
  const V cb = hn::Mul(b, kSplit);
  const V b_hi = hn::Sub(cb, hn::Sub(cb, b));
  const V b_lo = hn::Sub(b, b_hi);
  V err = hn::Sub(hn::Mul(a_hi, b_hi), p);
  err = hn::Add(err, hn::Mul(a_hi, b_lo));
  err = hn::Add(err, hn::Mul(a_lo, b_hi));
  err = hn::Add(err, hn::Mul(a_lo, b_lo));
  return hn::IfThenElseZero(hn::And(finite, hn::IsFinite(err)), err);
#endif
}

// Sums of float lanes with a per-lane compensation term (2Sum, Knuth), so a
// total of n terms has error <= 2 eps |sum| + O(n eps^2) sum|terms|, whatever
// the order of addition. Used where a plain float sum would cost the ULP
// budget (softmax rows of 100k, dot products in backward kernels). Free
// functions on (sum, err) pairs, since SVE vectors cannot be class members.

// sum + err += v.
template <class V>
HWY_INLINE void AddCompensated(V& sum, V& err, V v) {
  const V s = hn::Add(sum, v);
  const V bv = hn::Sub(s, sum);
  const V e = hn::Add(hn::Sub(sum, hn::Sub(s, bv)), hn::Sub(v, bv));
  sum = s;
  err = hn::Add(err, hn::IfThenElseZero(hn::IsFinite(s), e));
}

// sum + err += a * b, the product's rounding error included.
template <class DF, class V>
HWY_INLINE void AddProductCompensated(DF df, V& sum, V& err, V a, V b) {
  const V p = hn::Mul(a, b);
  AddCompensated(sum, err, p);
  err = hn::Add(err, TwoProductError(df, a, b, p));
}

// The total of all lanes in double (double has 29 spare bits).
template <class DF, class V>
HWY_INLINE double CompensatedTotal(DF df, V sum, V err) {
  constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);
  HWY_ALIGN float s[kMaxLanes];
  HWY_ALIGN float e[kMaxLanes];
  hn::Store(sum, df, s);
  hn::Store(err, df, e);
  double total = 0.0;
  for (size_t i = 0; i < hn::Lanes(df); ++i) {
    total += static_cast<double>(s[i]) + static_cast<double>(e[i]);
  }
  return total;
}

// Sums kept in double lanes: each float vector is split into halves
// promoted to double (on the scalar target, its one lane). Products of two
// floats are exact in double, so a sum of n terms loses < n 2^-53 of the sum
// of their magnitudes (compensated float sums: about n 2^-48), nothing
// overflows, and it takes fewer operations than AddProductCompensated.
#if HWY_TARGET == HWY_SCALAR
template <class DF>
using DoubleSumTag = hn::Rebind<double, DF>;

template <class DF, class V, class VD>
HWY_INLINE void AddToDouble(DF, V v, VD& lo, VD& /*hi*/) {
  lo = hn::Add(lo, hn::PromoteTo(DoubleSumTag<DF>(), v));
}
template <class DF, class V, class VD>
HWY_INLINE void AddProductToDouble(DF, V a, V b, VD& lo, VD& /*hi*/) {
  const DoubleSumTag<DF> dd;
  lo = hn::MulAdd(hn::PromoteTo(dd, a), hn::PromoteTo(dd, b), lo);
}
#else
template <class DF>
using DoubleSumTag = hn::Repartition<double, DF>;

template <class DF, class V, class VD>
HWY_INLINE void AddToDouble(DF, V v, VD& lo, VD& hi) {
  const DoubleSumTag<DF> dd;
  const hn::Half<DF> dh;
  lo = hn::Add(lo, hn::PromoteTo(dd, hn::LowerHalf(dh, v)));
  hi = hn::Add(hi, hn::PromoteTo(dd, hn::UpperHalf(dh, v)));
}
template <class DF, class V, class VD>
HWY_INLINE void AddProductToDouble(DF, V a, V b, VD& lo, VD& hi) {
  const DoubleSumTag<DF> dd;
  const hn::Half<DF> dh;
  lo = hn::MulAdd(hn::PromoteTo(dd, hn::LowerHalf(dh, a)),
                  hn::PromoteTo(dd, hn::LowerHalf(dh, b)), lo);
  hi = hn::MulAdd(hn::PromoteTo(dd, hn::UpperHalf(dh, a)),
                  hn::PromoteTo(dd, hn::UpperHalf(dh, b)), hi);
}
#endif

// The total of the lanes of lo and hi.
template <class DD, class VD>
HWY_INLINE double DoubleTotal(DD dd, VD lo, VD hi) {
  return hn::GetLane(hn::SumOfLanes(dd, hn::Add(lo, hi)));
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_MATH_INL_H_
