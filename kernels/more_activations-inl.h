// Element-wise activations of issue 5 (SiLU, GELU, Mish, Softplus, ...):
// each a struct with Forward, Derivative and (where f' can be written in y)
// DerivativeFromOutput, as in elementwise-inl.h, plus the per-target entry
// point Elementwise for every element-wise activation.
//
// Error bounds: see tests/elementwise_cases.h (enforced) and the README
// (measured). Techniques used here:
//  - e^(hi + lo) with a low part (ExpParts), so that a product beta * x or
//    a polynomial in x that is not exact in float does not cost |z| * 2^-24
//    relative error in e^z;
//  - a * e^z computed as ((a * 2^n1) * p) * 2^n2, so that a result in the
//    subnormal range is rounded once (x e^x for x < -87, e.g. SiLU, Mish);
//  - log1p(u) for u in [0, 1] as 2 atanh(u / (2 + u)) with the quotient
//    carried in two floats (Log1pUnit), nearly correctly rounded.

#if defined(SIMDACT_KERNELS_MORE_ACTIVATIONS_INL_H_) == \
    defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_MORE_ACTIVATIONS_INL_H_
#undef SIMDACT_KERNELS_MORE_ACTIVATIONS_INL_H_
#else
#define SIMDACT_KERNELS_MORE_ACTIVATIONS_INL_H_
#endif

#include <stddef.h>

#include "hwy/highway.h"
#include "kernels/elementwise-inl.h"
#include "kernels/erf-inl.h"
#include "kernels/kernel_set.h"
#include "kernels/math-inl.h"
#include "kernels/piecewise-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Below this, e^z is treated as 0 even when multiplied by a factor a: with
// n >= -252 both half-scales 2^(n/2) are normal floats, and |a| e^-174
// < 2^-150 for |a| < 2^100, true of every factor used here (for SiLU with
// |beta| >= 2^-20). Every caller zeroes its result below it.
constexpr float kExpPartsMin = -174.0f;

// e^(hi + lo) = (1 + q) * s1 * s2 with q = e^r - 1 in [-0.3, 0.42] and
// s1 = 2^(n/2), s2 = 2^(n - n/2) normal powers of two; |lo| <= ulp(hi).
// 1 + q is left to the caller, to be folded into a product with one
// rounding (FMA). hi is clamped to [-174, 89] (lo dropped where clamped);
// NaN is the caller's to handle.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ExpParts(DF df, V hi, V lo, V* s1, V* s2) {
  const hn::RebindToSigned<DF> di;
  const V xc =
      hn::Min(hn::Max(hi, hn::Set(df, kExpPartsMin)), hn::Set(df, 89.0f));
  lo = hn::IfThenElseZero(hn::Eq(hi, xc), lo);
  hn::Vec<decltype(di)> n;
  const V r = hn::Add(ReduceLn2(df, xc, &n), lo);
  const auto n1 = hn::ShiftRight<1>(n);
  *s1 = Pow2I(df, n1);
  *s2 = Pow2I(df, hn::Sub(n, n1));
  return Expm1Small(df, r);
}

// (1 + q) * s1 * s2: s1 + s1 q rounded once (normal), then scaled.
template <class V>
HWY_INLINE V ExpFromParts(V q, V s1, V s2) {
  return hn::Mul(hn::MulAdd(s1, q, s1), s2);
}

// a * (1 + q) * s1 * s2 for s1 <= 1 (e^z with z <= 0): a * s1 is exact (no
// overflow since s1 <= 1; no underflow for the |a| >= 2^-40 that matter),
// then one rounding for the product with 1 + q (with FMA) and one for * s2
// only where the result is subnormal, so subnormal results keep their
// precision.
template <class V>
HWY_INLINE V MulExpParts(V a, V q, V s1, V s2) {
  const V as1 = hn::Mul(a, s1);
  return hn::Mul(hn::MulAdd(as1, q, as1), s2);
}

// log1p(u) for u in [0, 1] (and +0): 2 atanh(t), t = u / (2 + u) in
// [0, 1/3], with t carried as t + tl (the rounding of 2 + u and of the
// division recovered exactly), then 2t + 2 (tl + t^3 Q(t^2)), Q the Taylor
// series 1/3 + t^2/5 + ... + t^12/15 (truncation < 2^-29 relative): one
// final rounding (nearly correctly rounded; not measured on its own).
// u < 2^-24: log1p(u) rounds to u.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V Log1pUnit(DF df, V u) {
  const V two = hn::Set(df, 2.0f);
  const V s = hn::Add(two, u);
  const V s_err = hn::Sub(u, hn::Sub(s, two));  // Fast2Sum, 2 >= u
  const V t = hn::Div(u, s);
  const V ts = hn::Mul(t, s);
  const V rem = hn::Sub(hn::Sub(u, ts), TwoProductError(df, t, s, ts));
  const V tl = hn::Div(hn::NegMulAdd(t, s_err, rem), s);
  const V t2 = hn::Mul(t, t);
  V q = hn::Set(df, 1.0f / 15.0f);
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 13.0f));
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 11.0f));
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 9.0f));
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 7.0f));
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 5.0f));
  q = hn::MulAdd(q, t2, hn::Set(df, 1.0f / 3.0f));
  const V low = hn::MulAdd(hn::Mul(t, t2), q, tl);
  const V r = hn::MulAdd(two, t, hn::Add(low, low));
  return hn::IfThenElse(hn::Lt(u, hn::Set(df, 0x1.0p-24f)), u, r);
}

// The float product a * b as hi + lo (exact barring underflow).
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V ProductLow(DF df, V a, V b, V hi) {
  return TwoProductError(df, a, b, hi);
}

// x * sigmoid(z) for z = zh + zl: z >= 0: x / (1 + e); z < 0:
// x e / (1 + e), e = e^-|z|. (SiLU, GELU-tanh.) Zero where z < -174.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V XSigmoid(DF df, V x, V zh, V zl) {
  const auto neg = hn::Lt(zh, hn::Zero(df));
  const V hi = hn::Neg(hn::Abs(zh));
  const V lo = hn::IfThenElse(neg, zl, hn::Neg(zl));
  V s1, s2;
  const V p = ExpParts(df, hi, lo, &s1, &s2);
  const V e = ExpFromParts(p, s1, s2);
  const V num = hn::IfThenElse(neg, MulExpParts(x, p, s1, s2), x);
  // num / (den + den_err), den_err the exact rounding error of 1 + e
  // (Fast2Sum): one more division, worth a full ULP near the top of a binade.
  const V one = hn::Set(df, 1.0f);
  const V den = hn::Add(one, e);
  const V den_err = hn::Sub(e, hn::Sub(den, one));
  const V q0 = hn::Div(num, den);
  V r = hn::NegMulAdd(q0, hn::Div(den_err, den), q0);
  r = hn::IfThenElse(hn::IsInf(q0), q0, r);  // inf * 0 above
  return hn::IfThenZeroElse(hn::And(neg, hn::Lt(hi, hn::Set(df, kExpPartsMin))),
                            r);
}

// sigmoid(z) (1 + v (1 - sigmoid(z))) for z = zh + zl: the derivative of
// x sigmoid(z(x)) with v = x z'(x). z >= 0: (1 + e + v e) / (1 + e)^2;
// z < 0: e ((1 + v) + e) / (1 + e)^2, e = e^-|z|.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V XSigmoidDerivative(DF df, V zh, V zl, V v, V one_plus_v) {
  const V one = hn::Set(df, 1.0f);
  const auto neg = hn::Lt(zh, hn::Zero(df));
  const V hi = hn::Neg(hn::Abs(zh));
  const V lo = hn::IfThenElse(neg, zl, hn::Neg(zl));
  V s1, s2;
  const V p = ExpParts(df, hi, lo, &s1, &s2);
  const V e = ExpFromParts(p, s1, s2);
  // |v| beyond 2^100 only meets e = 0 (or is zeroed below).
  const V vc =
      hn::Min(hn::Max(v, hn::Set(df, -0x1.0p100f)), hn::Set(df, 0x1.0p100f));
  const V sq = OnePlusSquared(df, e);
  // z >= 1 (e <= 1/e): 1 + e (v - 1 - e) / (1 + e)^2, the small correction
  // added last so f' (which may sit just above 1) is rounded about once.
  const V corr = hn::Div(hn::Mul(e, hn::Sub(hn::Sub(vc, one), e)), sq);
  const V pos_far = hn::Add(one, corr);
  const V pos_num = hn::MulAdd(vc, e, hn::Add(one, e));
  const V opv = hn::Max(one_plus_v, hn::Set(df, -0x1.0p100f));
  const V neg_num = MulExpParts(hn::Add(opv, e), p, s1, s2);
  V r = hn::Div(hn::IfThenElse(neg, neg_num, pos_num), sq);
  r = hn::IfThenElse(hn::Le(hi, hn::Set(df, -1.0f)),
                     hn::IfThenElse(neg, r, pos_far), r);
  return hn::IfThenZeroElse(hn::And(neg, hn::Lt(hi, hn::Set(df, kExpPartsMin))),
                            r);
}

// --- Piecewise linear ------------------------------------------------------

// min(max(x, lo), hi); f' = 1 strictly inside, 0 at and beyond the kinks
// (PyTorch's hardtanh_backward). From y: the same test on y. Exact.
struct HardtanhOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float lo, hi;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return hn::IfThenElse(
        hn::Le(x, hn::Set(d, lo)), hn::Set(d, lo),
        hn::IfThenElse(hn::Ge(x, hn::Set(d, hi)), hn::Set(d, hi), x));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto inside =
        hn::And(hn::Gt(x, hn::Set(d, lo)), hn::Lt(x, hn::Set(d, hi)));
    return KeepNaN(x, hn::IfThenElseZero(inside, hn::Set(d, 1.0f)));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);
  }
};

// relu6(x + 3) / 6: 0 at or below -3, 1 at or above 3, (x + 3) / 6 between
// (<= 1 ULP: x + 3 is exact near -3). f' = 1/6 strictly inside (PyTorch).
struct HardSigmoidOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V mid = hn::Div(hn::Add(x, hn::Set(d, 3.0f)), hn::Set(d, 6.0f));
    return hn::IfThenElse(
        hn::Le(x, hn::Set(d, -3.0f)), hn::Zero(d),
        hn::IfThenElse(hn::Ge(x, hn::Set(d, 3.0f)), hn::Set(d, 1.0f), mid));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto inside =
        hn::And(hn::Gt(x, hn::Set(d, -3.0f)), hn::Lt(x, hn::Set(d, 3.0f)));
    return KeepNaN(x, hn::IfThenElseZero(inside, hn::Set(d, 1.0f / 6.0f)));
  }
  // 0 < y < 1 exactly where -3 < x < 3.
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const auto inside =
        hn::And(hn::Gt(y, hn::Zero(d)), hn::Lt(y, hn::Set(d, 1.0f)));
    return KeepNaN(y, hn::IfThenElseZero(inside, hn::Set(d, 1.0f / 6.0f)));
  }
};

// x relu6(x + 3) / 6: 0 at or below -3, x at or above 3 (so FLT_MAX stays
// FLT_MAX), x (x + 3) / 6 between (<= 1.5 ULP). f' (PyTorch): 0 below -3,
// x/3 + 1/2 on [-3, 3] (computed as (x + 1.5) / 3, exact near its zero at
// -1.5), 1 above. Not monotonic: no derivative from y.
struct HardSwishOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V mid =
        hn::Div(hn::Mul(x, hn::Add(x, hn::Set(d, 3.0f))), hn::Set(d, 6.0f));
    return hn::IfThenElse(hn::Le(x, hn::Set(d, -3.0f)), hn::Zero(d),
                          hn::IfThenElse(hn::Ge(x, hn::Set(d, 3.0f)), x, mid));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V mid = hn::Div(hn::Add(x, hn::Set(d, 1.5f)), hn::Set(d, 3.0f));
    const V v = hn::IfThenElse(
        hn::Lt(x, hn::Set(d, -3.0f)), hn::Zero(d),
        hn::IfThenElse(hn::Le(x, hn::Set(d, 3.0f)), mid, hn::Set(d, 1.0f)));
    return KeepNaN(x, v);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// x - lambda above lambda, x + lambda below -lambda, 0 between; f' = 0 on
// [-lambda, lambda] (PyTorch), 1 outside; from y (lambda >= 0): y != 0.
// Exact (x -+ lambda is rounded once, as the reference).
struct SoftshrinkOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float lambda;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V l = hn::Set(d, lambda);
    const V v = hn::IfThenElse(
        hn::Gt(x, l), hn::Sub(x, l),
        hn::IfThenElse(hn::Lt(x, hn::Neg(l)), hn::Add(x, l), hn::Zero(d)));
    return KeepNaN(x, v);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V l = hn::Set(d, lambda);
    const auto outside = hn::Or(hn::Gt(x, l), hn::Lt(x, hn::Neg(l)));
    return KeepNaN(x, hn::IfThenElseZero(outside, hn::Set(d, 1.0f)));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return KeepNaN(
        y, hn::IfThenElseZero(hn::Ne(y, hn::Zero(d)), hn::Set(d, 1.0f)));
  }
};

// x where |x| > lambda, else 0; derivatives as SoftshrinkOp. Exact.
struct HardshrinkOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float lambda;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V l = hn::Set(d, lambda);
    const auto outside = hn::Or(hn::Gt(x, l), hn::Lt(x, hn::Neg(l)));
    return KeepNaN(x, hn::IfThenElseZero(outside, x));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return SoftshrinkOp{lambda}.Derivative(d, x);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return SoftshrinkOp{lambda}.DerivativeFromOutput(d, y);
  }
};

// The identity; f' = 1.
struct LinearOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  template <class D, class V>
  HWY_INLINE V Forward(D, V x) const {
    return x;
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return KeepNaN(x, hn::Set(d, 1.0f));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return KeepNaN(y, hn::Set(d, 1.0f));
  }
};

// e^x (<= 1 ULP); f' = e^x; from y: y.
struct ExponentialOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return Exp(d, x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return Exp(d, x);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D, V y) const {
    return y;
  }
};

// --- Rational ----------------------------------------------------------------

// x / (1 + |x|), +-1 at +-inf (<= 1.5 ULP). f' = r^2, r = 1 / (1 + |x|),
// which keeps subnormal results for |x| > 2^63 (measured 3 ULP). From y:
// (1 - |y|)^2 (1 - |y| exact for |y| >= 1/2).
struct SoftsignOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    const V v = hn::Div(x, hn::Add(one, hn::Abs(x)));
    return hn::IfThenElse(hn::IsInf(x), hn::CopySignToAbs(one, x), v);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V r =
        hn::Div(hn::Set(d, 1.0f), hn::Add(hn::Set(d, 1.0f), hn::Abs(x)));
    return hn::Mul(r, r);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    // a + a_err = 1 - |y| exactly (Fast2Sum, 1 >= |y|); a^2 + 2 a a_err.
    const V one = hn::Set(d, 1.0f);
    const V ay = hn::Abs(y);
    const V a = hn::Sub(one, ay);
    const V a_err = hn::Sub(hn::Sub(one, a), ay);
    return hn::MulAdd(a, a, hn::Mul(hn::Add(a, a), a_err));
  }
};

// --- Exponential family ----------------------------------------------------

// SELU: scale x above 0, scale alpha expm1(x) below (fixed constants).
// f'(x) = scale alpha e^x for x <= 0 (PyTorch: f'(0) = scale alpha),
// computed as e^(x + ln(scale alpha)) so that subnormal values are rounded
// once. From y: y + scale alpha for y <= 0.
struct SeluOp {
  static constexpr float kScale = 0x1.0cfabep+0f;       // 1.0507009873...
  static constexpr float kScaleAlpha = 0x1.c212ccp+0f;  // 1.7580993408...
  static constexpr float kScaleAlphaLo = 0x1.903c0cp-26f;
  static constexpr float kMinusLnScaleAlpha = -0x1.20e330p-1f;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V neg = ScaledExpm1NonPositive(d, x, hn::Set(d, kScaleAlpha));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)),
                          hn::Mul(x, hn::Set(d, kScale)), neg);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V neg = ExpOfDifference(d, hn::Min(x, hn::Zero(d)),
                                  hn::Set(d, kMinusLnScaleAlpha));
    return KeepNaN(
        x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, kScale), neg));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    // y + scale alpha with the constant in two floats: y + kScaleAlpha is
    // exact where it cancels (Sterbenz), then one rounding.
    const V sum =
        hn::Add(hn::Add(y, hn::Set(d, kScaleAlpha)), hn::Set(d, kScaleAlphaLo));
    return hn::IfThenElse(hn::Gt(y, hn::Zero(d)), hn::Set(d, kScale), sum);
  }
};

// CELU (alpha > 0): x above 0, alpha expm1(x / alpha) below. f' = 1 above,
// e^(x / alpha) below (f'(0) = 1), with x / alpha carried in two floats
// (its rounding would cost |x / alpha| 2^-24 relative). From y:
// (y + alpha) / alpha for y <= 0.
struct CeluOp {
  float alpha;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V q = hn::Div(x, hn::Set(d, alpha));
    const V neg = ScaledExpm1NonPositive(d, q, hn::Set(d, alpha));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, neg);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V a = hn::Set(d, alpha);
    const V xn = hn::Min(x, hn::Zero(d));
    const V q = hn::Div(xn, a);
    const V qa = hn::Mul(q, a);
    // xn - q a exactly, divided by alpha: q + ql = xn / alpha.
    const V rem = hn::Sub(hn::Sub(xn, qa), TwoProductError(d, q, a, qa));
    const V ql = hn::IfThenElseZero(hn::IsFinite(q), hn::Div(rem, a));
    V s1, s2;
    const V p = ExpParts(d, q, ql, &s1, &s2);
    V neg = ExpFromParts(p, s1, s2);
    neg = hn::IfThenZeroElse(hn::Lt(q, hn::Set(d, kExpPartsMin)), neg);
    return KeepNaN(
        x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f), neg));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const V a = hn::Set(d, alpha);
    return hn::IfThenElse(hn::Gt(y, hn::Zero(d)), hn::Set(d, 1.0f),
                          hn::Div(hn::Add(y, a), a));
  }
};

// SiLU / swish: x sigmoid(beta x), with beta x carried in two floats.
// f' = s (1 + z (1 - s)), z = beta x; not monotonic, no derivative from y.
// Exact limits: silu(-inf) = 0, f'(+-inf) = 1, 0 (for |beta| >= 2^-20).
struct SiluOp {
  float beta;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V b = hn::Set(d, beta);
    const V z = hn::Mul(b, x);
    const V r = XSigmoid(d, x, z, ProductLow(d, b, x, z));
    return KeepNaN(x, r);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V b = hn::Set(d, beta);
    const V z = hn::Mul(b, x);
    const V r = XSigmoidDerivative(d, z, ProductLow(d, b, x, z), z,
                                   hn::Add(hn::Set(d, 1.0f), z));
    return KeepNaN(x, r);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// GELU, tanh approximation: x (1 + tanh u) / 2 = x sigmoid(2u),
// 2u = x (k1 + k2 x^2), k1 = 2 sqrt(2/pi), k2 = 0.044715 k1, evaluated in
// two floats (constants included): its rounding would cost |2u| 2^-24
// relative, hundreds of ULPs in the negative tail. f' = s (1 + v (1 - s)),
// v = x (k1 + 3 k2 x^2).
struct GeluTanhOp {
  static constexpr float kK1Hi = 0x1.988454p+0f;  // 2 sqrt(2/pi)
  static constexpr float kK1Lo = -0x1.857936p-25f;
  static constexpr float kK2Hi = 0x1.2444f2p-4f;  // 0.044715 * 2 sqrt(2/pi)
  static constexpr float kK2Lo = 0x1.49b16ap-29f;

  // 2u as hi + lo; *q = k2 x^2 (rounded).
  template <class D, class V>
  HWY_INLINE void TwoU(D d, V x, V* hi, V* lo, V* q) const {
    const V x2 = hn::Mul(x, x);
    const V x2l = ProductLow(d, x, x, x2);
    const V k2h = hn::Set(d, kK2Hi);
    const V qh = hn::Mul(k2h, x2);
    const V ql = hn::MulAdd(hn::Set(d, kK2Lo), x2,
                            hn::MulAdd(k2h, x2l, ProductLow(d, k2h, x2, qh)));
    // k1 + q with 2Sum.
    const V k1h = hn::Set(d, kK1Hi);
    const V ih = hn::Add(k1h, qh);
    const V bq = hn::Sub(ih, k1h);
    const V ie = hn::Add(hn::Sub(k1h, hn::Sub(ih, bq)), hn::Sub(qh, bq));
    const V il = hn::Add(hn::Add(ie, hn::Set(d, kK1Lo)), ql);
    *hi = hn::Mul(x, ih);
    const V l = hn::MulAdd(x, il, ProductLow(d, x, ih, *hi));
    *lo = hn::IfThenElseZero(hn::IsFinite(*hi), l);
    *q = qh;
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    V hi, lo, q;
    TwoU(d, x, &hi, &lo, &q);
    return KeepNaN(x, XSigmoid(d, x, hi, lo));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    V hi, lo, q;
    TwoU(d, x, &hi, &lo, &q);
    // v = x (k1 + 3 k2 x^2) = 2u + 2 x q: both terms have the sign of x.
    // 1 + v = (1 + hi) + (2 x q + lo), 1 + hi exact where it matters.
    const V rest = hn::MulAdd(hn::Add(x, x), q, lo);
    const V v = hn::Add(hi, rest);
    const V opv = hn::Add(hn::Add(hn::Set(d, 1.0f), hi), rest);
    return KeepNaN(x, XSigmoidDerivative(d, hi, lo, v, opv));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// GELU, exact: x Phi(x), Phi the standard normal CDF. With a = |x|
// (clamped to 15), e = e^(-a^2/2) from a^2 in two floats (ExpParts) and
// the Mills-ratio polynomials of erf-inl.h (V = a Q(a) / e as vh + vl):
//   x < 0: x Q(a) = -V e, one rounding (MulExpParts-style, so subnormal
//     results below x = -13.2 are rounded once);
//   x >= 0: x - V e, the subtraction in two floats (Fast2Sum, V e <= x/2)
//     with one final rounding; x itself from x = 8 (Q < 2^-50).
// Nothing is subtracted from 1/2 or 1, so the tail keeps full relative
// accuracy down to the last subnormal. gelu(-inf) = -0, gelu(inf) = inf.
// f' = Phi(x) + x phi(x) = e B (x < 0), 1 - e B (x >= 0), B = U(a) - a c
// (MillsUMinusAc). Not monotonic: no derivative from y.
// Error: forward <= 2 ULP on every float (V <= 2^-25 relative, e and the
// final rounding; exhaustive: 1 with FMA, 2 on sse4); f' and dy f' <= 4 in
// ULPs of Phi(x) + |x phi(x)|, since f' crosses zero at x = -0.7518.
struct GeluOp {
  template <class D, class V>
  HWY_INLINE void Setup(D d, V x, V* a, V* q, V* s1, V* s2, V* x2h,
                        V* x2l) const {
    *a = hn::Min(hn::Abs(x), hn::Set(d, kMillsMax));
    *x2h = hn::Mul(*a, *a);
    *x2l = TwoProductError(d, *a, *a, *x2h);
    const V half = hn::Set(d, -0.5f);
    *q = ExpParts(d, hn::Mul(*x2h, half), hn::Mul(*x2l, half), s1, s2);
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    V a, q, s1, s2, x2h, x2l, vh, vl;
    Setup(d, x, &a, &q, &s1, &s2, &x2h, &x2l);
    MillsV(d, a, x2h, x2l, &vh, &vl);
    // V e = (vh + c) s1 s2, c = vh q + vl (1 + q).
    const V c = hn::MulAdd(vh, q, hn::MulAdd(vl, q, vl));
    const V vs1 = hn::Mul(vh, s1);
    const V cs1 = hn::Mul(c, s1);
    const V neg = hn::Neg(hn::Mul(hn::MulAdd(c, s1, vs1), s2));
    const V ts = hn::Mul(vs1, s2);
    const V dif = hn::Sub(x, ts);
    const V dif_err = hn::Sub(hn::Sub(x, dif), ts);
    V pos = hn::Add(dif, hn::NegMulAdd(cs1, s2, dif_err));
    pos = hn::IfThenElse(hn::Ge(x, hn::Set(d, 8.0f)), x, pos);
    const V r = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), neg, pos);
    // +-0 (and NaN) as they are.
    return hn::IfThenElse(hn::Or(hn::Eq(x, hn::Zero(d)), hn::IsNaN(x)), x, r);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    V a, q, s1, s2, x2h, x2l;
    Setup(d, x, &a, &q, &s1, &s2, &x2h, &x2l);
    const V eb = MulExpParts(MillsUMinusAc(d, a, x2h, x2l), q, s1, s2);
    const V r = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), eb,
                               hn::Sub(hn::Set(d, 1.0f), eb));
    return KeepNaN(x, r);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// Softplus (beta > 0): beta x > threshold: x; else log1p(e^(beta x)) / beta
// = max(x, 0) + log1p(e^-|z|) / beta, z = beta x in two floats. Positive
// for every finite x (e^x itself below -17). f' = sigmoid(z) (1 above the
// threshold); from y: -expm1(-beta y).
struct SoftplusOp {
  float beta, threshold;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V b = hn::Set(d, beta);
    const V z = hn::Mul(b, x);
    const V zl = ProductLow(d, b, x, z);
    const auto neg = hn::Lt(z, hn::Zero(d));
    V s1, s2;
    const V p = ExpParts(d, hn::Neg(hn::Abs(z)),
                         hn::IfThenElse(neg, zl, hn::Neg(zl)), &s1, &s2);
    const V l = hn::Div(Log1pUnit(d, ExpFromParts(p, s1, s2)), b);
    const V v = hn::IfThenElse(neg, l, hn::Add(x, l));
    return KeepNaN(x, hn::IfThenElse(hn::Gt(z, hn::Set(d, threshold)), x, v));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V b = hn::Set(d, beta);
    const V z = hn::Mul(b, x);
    const V zl = ProductLow(d, b, x, z);
    const auto neg = hn::Lt(z, hn::Zero(d));
    V s1, s2;
    const V p = ExpParts(d, hn::Neg(hn::Abs(z)),
                         hn::IfThenElse(neg, zl, hn::Neg(zl)), &s1, &s2);
    const V e = ExpFromParts(p, s1, s2);
    const V one = hn::Set(d, 1.0f);
    const V s = hn::Div(hn::IfThenElse(neg, e, one), hn::Add(one, e));
    return KeepNaN(x, hn::IfThenElse(hn::Gt(z, hn::Set(d, threshold)), one, s));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const V z = hn::Mul(hn::Set(d, beta), y);
    const V s = hn::Neg(Expm1NonPositive(d, hn::Min(hn::Neg(z), hn::Zero(d))));
    return KeepNaN(y, hn::IfThenElse(hn::Gt(z, hn::Set(d, threshold)),
                                     hn::Set(d, 1.0f), s));
  }
};

// log sigmoid(x) = min(x, 0) - log1p(e^-|x|); f' = sigmoid(-x); from y:
// -expm1(y).
struct LogSigmoidOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V l = Log1pUnit(d, Exp(d, hn::Neg(hn::Abs(x))));
    return KeepNaN(x, hn::Sub(hn::Min(x, hn::Zero(d)), l));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V e = Exp(d, hn::Neg(hn::Abs(x)));
    const V one = hn::Set(d, 1.0f);
    const V num = hn::IfThenElse(hn::Gt(x, hn::Zero(d)), e, one);
    return KeepNaN(x, hn::Div(num, hn::Add(one, e)));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return KeepNaN(y, hn::Neg(Expm1NonPositive(d, hn::Min(y, hn::Zero(d)))));
  }
};

// a + b = s + err exactly (2Sum, any order of magnitude).
template <class V>
HWY_INLINE V TwoSumError(V a, V b, V s) {
  const V bb = hn::Sub(s, a);
  return hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
}

// (nh + nl) / (dh + dl) as *r + return value (the quotient's remainder
// recovered exactly, barring underflow), for dh >= 1.
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V DivTwoFloats(DF df, V nh, V nl, V dh, V dl, V* r) {
  *r = hn::Div(nh, dh);
  const V p = hn::Mul(*r, dh);
  // nh - r dh exactly: p is within an ULP of nh (Sterbenz), plus the
  // product's rounding error.
  const V rem = hn::Sub(hn::Sub(nh, p), TwoProductError(df, *r, dh, p));
  return hn::Div(hn::NegMulAdd(*r, dl, hn::Add(rem, nl)), dh);
}

// Mish: x tanh(softplus(x)). With e = e^-|x|:
//   x <= 0 (u = e): tanh(softplus) = u (u + 2) / (u (u + 2) + 2), and
//     mish = (x u) r, r = (u + 2) / (u (u + 2) + 2) in [1/2, 3/5];
//   x > 0 (w = e): (1 + 2w) / (1 + 2w + 2w^2).
// Forward: the lane's quotient in two floats (numerator, denominator and
// the division's remainder exact), and x e^-|x| kept as x s1 (1 + q) s2
// (as MulExpParts), so the result is rounded about once; what remains is
// e's rounding, damped by the quotient (|d ln r / d ln e| <= 0.55), and
// q's: <= 2 ULP (exhaustive, avx2 and sse4). About 1.8x the time of the
// plain formula (3 ULP).
// mish(-inf) = 0, mish(+inf) = inf. f' = tanh(sp) + x sech^2(sp) sigmoid(x):
//   x <= 0: u ((u + 2) d + 4x (1 + u)) / d^2, d = u (u + 2) + 2;
//   x > 0: (N D + 4x w^2 (1 + w)) / D^2, N = 1 + 2w, D = N + 2w^2.
// Not monotonic: no derivative from y.
struct MishOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    const V two = hn::Set(d, 2.0f);
    V s1, s2;
    const V q = ExpParts(d, hn::Neg(hn::Abs(x)), hn::Zero(d), &s1, &s2);
    const V e = ExpFromParts(q, s1, s2);
    const auto pos = hn::Gt(x, hn::Zero(d));
    // tanh(softplus) = N / D, per lane (u = w = e):
    //   x <= 0: N = 2 + u, D = u N + 2;  x > 0: N = 1 + 2w, D = 2w w + N,
    // i.e. N = c + f, D = f g + h; sums by 2Sum, products in two floats.
    const V f = hn::IfThenElse(pos, hn::Add(e, e), e);
    const V c = hn::IfThenElse(pos, one, two);
    const V nh = hn::Add(c, f);
    const V nl = TwoSumError(c, f, nh);
    const V g = hn::IfThenElse(pos, e, nh);
    const V h = hn::IfThenElse(pos, nh, two);
    const V fg = hn::Mul(f, g);
    const V dh = hn::Add(fg, h);
    // Low part: the sum's and the product's errors, plus u nl or nl.
    const V dl = hn::MulAdd(
        hn::IfThenElse(pos, one, e), nl,
        hn::Add(TwoSumError(fg, h, dh), TwoProductError(d, f, g, fg)));
    V r;
    const V rl = DivTwoFloats(d, nh, nl, dh, dl, &r);
    // x > 0: x (r + rl). x <= 0: x u (r + rl) = (x s1) (1 + q) (r + rl) s2.
    // Both as a (r + (r q + rl (1 + q))) s2, a r in two floats.
    const V a = hn::IfThenElse(pos, x, hn::Mul(x, s1));
    const V qq = hn::IfThenZeroElse(pos, q);
    const V sc = hn::IfThenElse(pos, one, s2);
    const V ar = hn::Mul(a, r);
    const V low = hn::MulAdd(a, hn::MulAdd(r, qq, hn::MulAdd(rl, qq, rl)),
                             TwoProductError(d, a, r, ar));
    V v = hn::Mul(hn::Add(ar, low), sc);
    v = hn::IfThenElse(hn::IsFinite(ar), v, ar);  // x = inf: inf * 0
    v = hn::IfThenZeroElse(hn::Lt(x, hn::Set(d, kExpPartsMin)), v);
    return KeepNaN(x, v);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    const V two = hn::Set(d, 2.0f);
    const V four = hn::Set(d, 4.0f);
    V s1, s2;
    const V p = ExpParts(d, hn::Neg(hn::Abs(x)), hn::Zero(d), &s1, &s2);
    const V e = ExpFromParts(p, s1, s2);
    // Beyond +-200 the x terms only meet e = 0.
    const V xc = hn::Min(hn::Max(x, hn::Set(d, -200.0f)), hn::Set(d, 200.0f));
    // x <= 0: d = 2h, h = 1 + m, m = u + u^2/2; f' = u B / h^2 with
    // B = (1 + u/2) h + x (1 + u); h^2 from OnePlusSquared (m <= 1.5 has
    // the exponent of 1 at most, so Fast2Sum is exact).
    const V m = hn::MulAdd(hn::Mul(e, hn::Set(d, 0.5f)), e, e);
    const V h = hn::Add(one, m);
    const V b = hn::MulAdd(hn::MulAdd(hn::Set(d, 0.5f), e, one), h,
                           hn::MulAdd(xc, e, xc));
    V neg = hn::Div(MulExpParts(b, p, s1, s2), OnePlusSquared(d, m));
    neg = hn::IfThenZeroElse(hn::Lt(x, hn::Set(d, kExpPartsMin)), neg);
    // x > 0.
    const V nn = hn::MulAdd(two, e, one);
    const V dd = hn::MulAdd(hn::Add(e, e), e, nn);
    const V t2 =
        hn::Mul(hn::Mul(hn::Mul(four, xc), hn::Mul(e, e)), hn::Add(one, e));
    V pos = hn::Div(hn::MulAdd(nn, dd, t2), hn::Mul(dd, dd));
    // x >= 1: 1 + w^2 (4x (1 + w) / D - 2) / D, the correction added last
    // (f' sits just above 1 there).
    const V c =
        hn::Sub(hn::Div(hn::Mul(hn::Mul(four, xc), hn::Add(one, e)), dd), two);
    const V pos_far = hn::Add(one, hn::Div(hn::Mul(hn::Mul(e, e), c), dd));
    pos = hn::IfThenElse(hn::Ge(x, one), pos_far, pos);
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), pos, neg));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// x - tanh x. |x| < 1: x^3 P(x^2), P of degree 8 fitted to
// (x - tanh x) / x^3 on [0, 1] (Chebyshev, mpmath; 6e-10 relative before
// rounding the coefficients), so there is no cancellation near 0.
// |x| >= 1: (|x| - 1) + 2e / (1 + e), e = e^-2|x| (|x| - 1 is exact and the
// quotient is at most the result), sign of x. f' = tanh^2 x; not written
// in y.
struct TanhshrinkOp {
  // P(x2); its constant term is 1/3 rounded up, by -kC0Lo.
  static constexpr float kC0Lo = -0x1.555556p-27f;  // 1/3 - 0x1.555556p-2
  template <class D, class V>
  HWY_INLINE V Poly(D d, V x2) const {
    V p = hn::Set(d, 0x1.969254p-15f);
    p = hn::MulAdd(p, x2, hn::Set(d, -0x1.6217ecp-12f));
    p = hn::MulAdd(p, x2, hn::Set(d, 0x1.459fc8p-10f));
    p = hn::MulAdd(p, x2, hn::Set(d, -0x1.c7eb48p-9f));
    p = hn::MulAdd(p, x2, hn::Set(d, 0x1.2137f4p-7f));
    p = hn::MulAdd(p, x2, hn::Set(d, -0x1.66324ap-6f));
    p = hn::MulAdd(p, x2, hn::Set(d, 0x1.ba1a40p-5f));
    p = hn::MulAdd(p, x2, hn::Set(d, -0x1.11110ep-3f));
    return hn::MulAdd(p, x2, hn::Set(d, 0x1.555556p-2f));
  }
  // x^3 P(x^2) for |x| < 1.
  template <class D, class V>
  HWY_INLINE V Small(D d, V x) const {
    const V x2 = hn::Mul(x, x);
    return hn::Mul(hn::Mul(x2, x), Poly(d, x2));
  }
  // The same with the constant 1/3's rounding added back and, with FMA,
  // x^3's roundings (x3 + x3l exact) folded into the last product, so it
  // is rounded about once (the forward was 3 ULP: x^3 and 1/3 rounded).
  template <class D, class V>
  HWY_INLINE V SmallAccurate(D d, V x) const {
    const V x2 = hn::Mul(x, x);
    const V x3 = hn::Mul(x2, x);
    const V p = Poly(d, x2);
    V lo = hn::Mul(x3, hn::Set(d, kC0Lo));
#if HWY_NATIVE_FMA
    const V x3l = hn::MulAdd(hn::MulSub(x, x, x2), x, hn::MulSub(x2, x, x3));
    lo = hn::MulAdd(x3l, p, lo);
#endif
    return hn::MulAdd(x3, p, lo);
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V ax = hn::Abs(x);
    const V small = SmallAccurate(d, x);
    const V one = hn::Set(d, 1.0f);
    const V e = Exp(d, hn::Mul(ax, hn::Set(d, -2.0f)));
    const V q = hn::Div(hn::Add(e, e), hn::Add(e, one));
    const V large = hn::CopySignToAbs(hn::Add(hn::Sub(ax, one), q), x);
    // NaN compares false and keeps NaN in `small`.
    return hn::IfThenElse(hn::Ge(ax, one), large, small);
  }
  // tanh^2 x: |x| < 1: t^2 with t = x - x^3 P(x^2) (<= 0.24 |x| is
  // subtracted, so t is within ~1 ULP); above: 1 - sech^2 x (sech^2 <= 0.42).
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V t = hn::Sub(x, Small(d, x));
    const V one = hn::Set(d, 1.0f);
    const V large = hn::Sub(one, TanhOp().Derivative(d, x));
    return hn::IfThenElse(hn::Ge(hn::Abs(x), one), large, hn::Mul(t, t));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// Calls f with the activation kOp and its parameters (nothing for an op
// that is not element-wise). Resolved at compile time, so each kernel
// instantiates only its own activation's loops.
template <int kOp, class F>
HWY_INLINE void VisitElementwiseOp(const internal::ElementwiseParams& p,
                                   const F& f) {
  if constexpr (kOp == internal::kRelu) {
    f(ReluOp());
  } else if constexpr (kOp == internal::kLeakyRelu) {
    f(LeakyReluOp{p.alpha});
  } else if constexpr (kOp == internal::kElu) {
    f(EluOp{p.alpha});
  } else if constexpr (kOp == internal::kSigmoid) {
    f(SigmoidOp());
  } else if constexpr (kOp == internal::kTanh) {
    f(TanhOp());
  } else if constexpr (kOp == internal::kSilu) {
    f(SiluOp{p.beta});
  } else if constexpr (kOp == internal::kGelu) {
    f(GeluOp());
  } else if constexpr (kOp == internal::kGeluTanh) {
    f(GeluTanhOp());
  } else if constexpr (kOp == internal::kMish) {
    f(MishOp());
  } else if constexpr (kOp == internal::kSoftplus) {
    f(SoftplusOp{p.beta, p.threshold});
  } else if constexpr (kOp == internal::kSoftsign) {
    f(SoftsignOp());
  } else if constexpr (kOp == internal::kSelu) {
    f(SeluOp());
  } else if constexpr (kOp == internal::kCelu) {
    f(CeluOp{p.alpha});
  } else if constexpr (kOp == internal::kHardSigmoid) {
    f(HardSigmoidOp());
  } else if constexpr (kOp == internal::kHardSwish) {
    f(HardSwishOp());
  } else if constexpr (kOp == internal::kRelu6) {
    f(HardtanhOp{0.0f, 6.0f});
  } else if constexpr (kOp == internal::kHardtanh) {
    f(HardtanhOp{p.alpha, p.beta});
  } else if constexpr (kOp == internal::kLogSigmoid) {
    f(LogSigmoidOp());
  } else if constexpr (kOp == internal::kTanhshrink) {
    f(TanhshrinkOp());
  } else if constexpr (kOp == internal::kSoftshrink) {
    f(SoftshrinkOp{p.alpha});
  } else if constexpr (kOp == internal::kHardshrink) {
    f(HardshrinkOp{p.alpha});
  } else if constexpr (kOp == internal::kExponential) {
    f(ExponentialOp());
  } else if constexpr (kOp == internal::kLinear) {
    f(LinearOp());
  } else if constexpr (kOp == internal::kReluGeneral) {
    f(ReluGeneralOp{p.alpha, p.beta, p.threshold});
  } else if constexpr (kOp == internal::kHardSigmoidGeneral) {
    f(HardSigmoidGeneralOp{p.alpha, p.beta});
  } else if constexpr (kOp == internal::kThreshold) {
    f(ThresholdOp{p.threshold, p.alpha});
  } else if constexpr (kOp == internal::kSquareplus) {
    f(SquareplusOp{p.alpha});
  } else if constexpr (kOp == internal::kSparsePlus) {
    f(SparsePlusOp());
  } else if constexpr (kOp == internal::kSparseSigmoid) {
    f(SparseSigmoidOp());
  } else if constexpr (kOp == internal::kRrelu) {
    f(LeakyReluOp{RreluSlope(p.alpha, p.beta)});
  } else {
    (void)p;
    (void)f;
  }
}

// The kernel of one activation and kind (the entries of KernelSet's
// element-wise table).
template <int kOp, int kKind>
struct ElementwiseOfKind {
  static int Run(internal::ElementwiseParams p, const float* in,
                 const float* dy, float* out, size_t n) {
    VisitElementwiseOp<kOp>(p, [&](const auto& act) HWY_ATTR {
      RunElementwiseInline(act, kKind, in, dy, out, n);
    });
    return 0;
  }
};

// The per-target table of every element-wise activation and kind
// (KernelSet::elementwise).
const internal::ElementwiseKernelRow* ElementwiseKernels() {
  return internal::MakeElementwiseKernels<ElementwiseOfKind>();
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_MORE_ACTIVATIONS_INL_H_
