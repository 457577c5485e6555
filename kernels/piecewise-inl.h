// Piecewise activations of issue 5 (Keras relu with its parameters,
// hard_sigmoid with slope and offset, PyTorch Threshold and RReLU in
// evaluation mode, Keras squareplus, sparse_plus and sparse_sigmoid): each a
// struct with Forward, Derivative and DerivativeFromOutput as in
// elementwise-inl.h. Included by more_activations-inl.h, whose Elementwise
// switch dispatches to them.
//
// Error bounds: see tests/elementwise_cases.h (enforced) and the README
// (measured). Where a kernel is a linear function of x that is not exact in
// float (a (x - t), a x + b), the argument is carried in two floats so that
// the result is rounded about once (<= 1 ULP) even where it nearly cancels.

#if defined(SIMDACT_KERNELS_PIECEWISE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_PIECEWISE_INL_H_
#undef SIMDACT_KERNELS_PIECEWISE_INL_H_
#else
#define SIMDACT_KERNELS_PIECEWISE_INL_H_
#endif

#include <math.h>
#include <stddef.h>

#include "hwy/highway.h"
#include "kernels/elementwise-inl.h"
#include "kernels/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// a + b as hi + *lo exactly (2Sum, Knuth); *lo = 0 where hi is not finite.
template <class V>
HWY_INLINE V TwoSumExact(V a, V b, V* lo) {
  const V s = hn::Add(a, b);
  const V bb = hn::Sub(s, a);
  const V e = hn::Add(hn::Sub(a, hn::Sub(s, bb)), hn::Sub(b, bb));
  *lo = hn::IfThenElseZero(hn::IsFinite(s), e);
  return s;
}

// Keras 3 relu(x, negative_slope, max_value, threshold):
//   x > threshold: x, clipped to [0, max_value] when max_value is finite
//     (+inf stands for None: no clip). Keras' quirk kept: with
//     threshold < 0 and a max_value, x in (threshold, 0] gives 0; without
//     a max_value it gives x itself.
//   x <= threshold: negative_slope (x - threshold) (0 when the slope is 0,
//     also at x = -inf).
// x - threshold is carried in two floats (2Sum) and a (hi + lo) is rounded
// once with FMA (<= 1 ULP either way). Where x - threshold would overflow
// (threshold > 2^100 only) it is computed on halves, then doubled.
// f' (PyTorch conventions): slope for x <= threshold (so leaky_relu'(0) =
// slope), 1 where x passes through (0 < x < max_value with a max), else 0.
// From y (threshold 0, slope >= 0 only; the C API checks): y <= 0 exactly
// where x <= 0, and 0 < y < max_value exactly where 0 < x < max_value, so
// f'(x) is the same function of y.
struct ReluGeneralOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float slope, max_value, threshold;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V t = hn::Set(d, threshold);
    V pos = x;
    if (isfinite(max_value)) {
      pos = hn::Min(hn::Max(x, hn::Zero(d)), hn::Set(d, max_value));
    }
    V neg = hn::Zero(d);
    if (slope != 0.0f) {
      const V a = hn::Set(d, slope);
      if (threshold <= 0x1.0p100f) {
        V lo;
        const V hi = TwoSumExact(x, hn::Neg(t), &lo);
        neg = hn::MulAdd(a, hi, hn::Mul(a, lo));
      } else {
        const V half = hn::Set(d, 0.5f);
        V lo;
        const V hi =
            TwoSumExact(hn::Mul(x, half), hn::Neg(hn::Mul(t, half)), &lo);
        neg = hn::Mul(hn::MulAdd(a, hi, hn::Mul(a, lo)), hn::Set(d, 2.0f));
      }
    }
    return KeepNaN(x, hn::IfThenElse(hn::Gt(x, t), pos, neg));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    V pass = one;
    if (isfinite(max_value)) {
      const auto inside =
          hn::And(hn::Gt(x, hn::Zero(d)), hn::Lt(x, hn::Set(d, max_value)));
      pass = hn::IfThenElseZero(inside, one);
    }
    const auto below = hn::Le(x, hn::Set(d, threshold));
    return KeepNaN(x, hn::IfThenElse(below, hn::Set(d, slope), pass));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);
  }
};

// clamp(a x + b, 0, 1) (ONNX HardSigmoid, Keras 2 hard_sigmoid). a x + b is
// rounded once (FMA), or on targets without FMA computed from the exact
// product p + pe (TwoProductError) and the exact sum p + b = s + se (2Sum)
// as s + (se + pe): <= 1 ULP also where a x + b nearly cancels (near the
// lower kink). a = 0 is the constant clamp(b, 0, 1), also at x = +-inf.
// f' = a strictly inside (0 < a x + b < 1), 0 at and beyond the kinks
// (PyTorch's hardsigmoid convention); from y: a where 0 < y < 1.
struct HardSigmoidGeneralOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float a, b;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V av = hn::Set(d, a);
    const V bv = hn::Set(d, b);
    V v;
    if (a == 0.0f) {
      v = bv;
    } else {
#if HWY_NATIVE_FMA
      v = hn::MulAdd(av, x, bv);
#else
      const V p = hn::Mul(av, x);
      const V pe = TwoProductError(d, av, x, p);
      V se;
      const V s = TwoSumExact(p, bv, &se);
      v = hn::Add(s, hn::Add(se, pe));
#endif
    }
    const V r = hn::Min(hn::Max(v, hn::Zero(d)), hn::Set(d, 1.0f));
    return KeepNaN(x, r);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    // 0 < a x + b < 1 tested on the value as Forward rounds it, so that f'
    // and f agree about which side of a kink x is on.
    const V v = Forward(d, x);
    return DerivativeFromOutput(d, v);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const auto inside =
        hn::And(hn::Gt(y, hn::Zero(d)), hn::Lt(y, hn::Set(d, 1.0f)));
    return KeepNaN(y, hn::IfThenElseZero(inside, hn::Set(d, a)));
  }
};

// PyTorch nn.Threshold(threshold, value): x > threshold ? x : value; NaN
// stays NaN. f' = 1 above the threshold, 0 at and below (threshold_backward).
// Not invertible: no derivative from y.
struct ThresholdOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float threshold, value;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const auto above = hn::Gt(x, hn::Set(d, threshold));
    return KeepNaN(x, hn::IfThenElse(above, x, hn::Set(d, value)));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto above = hn::Gt(x, hn::Set(d, threshold));
    return KeepNaN(x, hn::IfThenElseZero(above, hn::Set(d, 1.0f)));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);  // never called: the C API refuses
  }
};

// Keras 3 squareplus(x, b) = (x + s) / 2, s = sqrt(x^2 + b), b >= 0.
//   x >= 0: (x + s) / 2 (no cancellation);
//   x < 0: b / (2 (s + |x|)), the same value without cancellation.
// f' = (1 + x/s) / 2: x >= 0 as written; x < 0: b / (2 s (s + |x|)).
// s is carried in two floats, sh + sl: the residual x^2 + b - sh^2 is
// formed exactly (TwoProductError, 2Sum; q - sh^2 is exact by Sterbenz)
// and sl = residual / (2 sh), so every formula above is rounded about once
// more than the final operation (<= 1.5 ULP before the last rounding).
// Scaling: where |x| >= 2^62 or b >= 2^124, x' = x k, b' = b k^2 with
// k = 2^-68, so that x'^2 + b' and 2 s' (s' + |x'|) cannot overflow (every
// operand is at most 2^62 in magnitude, and at least 2^-6 where scaled); b'
// may lose bits there, but only when it is below 2^-126 <= 2^-12 x'^2,
// where it does not matter. The numerators b k and b k^2 are formed from
// the unscaled b exactly when b is large enough for them to be normal, else
// the quotient is scaled after the division (one rounding, a second only
// in the subnormal range).
// b = 0 is ReLU exactly (f'(0) = 0 as PyTorch's relu; (1 + x/|x|)/2 would
// be 0/0 there). From y (> 0): s = y + b/(4y), f' = y/s = 4y^2/(4y^2 + b),
// with w = 2y: w^2 / (w^2 + b) compensated (see DerivativeFromOutput),
// 1/(1 + (b/w)/w) where w^2 + b overflows, w (w/b) / (1 + w (w/b)) where w^2
// is below 2^-100.
struct SquareplusOp {
  float b;
  static constexpr float kScale = 0x1.0p-68f;
  static constexpr float kInvScale = 0x1.0p68f;

  // Per lane: the scale k (1 or 2^-68) and 1/k, x' = x k, and
  // s' = sqrt(x'^2 + b k^2) = sh + sl.
  template <class D, class V>
  HWY_INLINE void Scaled(D d, V x, V* k, V* inv_k, V* xs, V* sh, V* sl) const {
    const V one = hn::Set(d, 1.0f);
    auto big = hn::Ge(hn::Abs(x), hn::Set(d, 0x1.0p62f));
    if (b >= 0x1.0p124f) big = hn::Eq(one, one);  // every lane
    *k = hn::IfThenElse(big, hn::Set(d, kScale), one);
    *inv_k = hn::IfThenElse(big, hn::Set(d, kInvScale), one);
    *xs = hn::Mul(x, *k);
    const V bs = hn::Mul(hn::Mul(hn::Set(d, b), *k), *k);
    // x'^2 + b' = q + qe exactly (qe rounded, but tiny).
    const V p = hn::Mul(*xs, *xs);
    V qe;
    const V q = TwoSumExact(p, bs, &qe);
    qe = hn::Add(qe, TwoProductError(d, *xs, *xs, p));
    *sh = hn::Sqrt(q);
    const V s2 = hn::Mul(*sh, *sh);
    const V res =
        hn::Add(hn::Sub(hn::Sub(q, s2), TwoProductError(d, *sh, *sh, s2)), qe);
    const V l = hn::Div(res, hn::Add(*sh, *sh));
    *sl = hn::IfThenElseZero(hn::IsFinite(l), l);  // sh = inf or 0
  }
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    if (b == 0.0f) return ReluOp().Forward(d, x);
    V k, inv_k, xs, sh, sl;
    Scaled(d, x, &k, &inv_k, &xs, &sh, &sl);
    const V half = hn::Set(d, 0.5f);
    // x >= 0: (x' + sh + sl) / 2 / k.
    V lo;
    const V hi = TwoSumExact(xs, sh, &lo);
    const V pos = hn::Mul(hn::Mul(hn::Add(hi, hn::Add(lo, sl)), half), inv_k);
    // x < 0: b k / (2 (dh + dl)), dh + dl = sh + sl + |x'|, as
    // q0 (1 - dl/dh), q0 = b k / (2 dh).
    V dl;
    const V dh = TwoSumExact(sh, hn::Abs(xs), &dl);
    dl = hn::Add(dl, sl);
    const V den = hn::Add(dh, dh);
    const V bv = hn::Set(d, b);
    // b k is normal (exact) for b >= 1.
    const V q0 =
        b >= 1.0f ? hn::Div(hn::Mul(bv, k), den) : hn::Mul(hn::Div(bv, den), k);
    const V neg = hn::NegMulAdd(q0, hn::Div(dl, dh), q0);
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), neg, pos);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    if (b == 0.0f) return ReluOp().Derivative(d, x);
    V k, inv_k, xs, sh, sl;
    Scaled(d, x, &k, &inv_k, &xs, &sh, &sl);
    const V half = hn::Set(d, 0.5f);
    // x >= 0: 1/2 + t/2, t = x' / (sh + sl) = t0 (1 - sl/sh).
    const V t0 = hn::Div(xs, sh);
    const V t = hn::NegMulAdd(t0, hn::Div(sl, sh), t0);
    V pos = hn::MulAdd(t, half, half);
    pos = hn::IfThenElse(hn::IsInf(x), hn::Set(d, 1.0f), pos);  // inf / inf
    // x < 0: b k^2 / (2 P), P + Pe = (sh + sl)(dh + dl) to first order.
    V dl;
    const V dh = TwoSumExact(sh, hn::Abs(xs), &dl);
    dl = hn::Add(dl, sl);
    const V prod = hn::Mul(sh, dh);
    const V pe = hn::MulAdd(
        sh, dl, hn::MulAdd(sl, dh, TwoProductError(d, sh, dh, prod)));
    const V den = hn::Add(prod, prod);
    const V bv = hn::Set(d, b);
    // b k^2 is normal (exact) for b >= 2^12.
    const V q0 = b >= 0x1.0p12f ? hn::Div(hn::Mul(hn::Mul(bv, k), k), den)
                                : hn::Mul(hn::Mul(hn::Div(bv, den), k), k);
    // x = -inf: prod = inf, pe = inf * 0.
    const V corr = hn::IfThenElseZero(hn::IsFinite(prod), hn::Div(pe, prod));
    const V neg = hn::NegMulAdd(q0, corr, q0);
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), neg, pos);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    if (b == 0.0f) return ReluOp().Derivative(d, y);
    const V one = hn::Set(d, 1.0f);
    const V bv = hn::Set(d, b);
    const V w = hn::Add(y, y);
    // Usual case, w^2 = p + pe a normal float: p / (p + b) with the exact
    // errors of p and of p + b = dh + dl folded in to first order:
    // q0 (1 + pe/p - (dl + pe)/dh), q0 = p / dh.
    const V p = hn::Mul(w, w);
    const V pe = TwoProductError(d, w, w, p);
    V dl;
    const V dh = TwoSumExact(p, bv, &dl);
    const V q0 = hn::Div(p, dh);
    const V corr = hn::Sub(hn::Div(pe, p), hn::Div(hn::Add(dl, pe), dh));
    const V mid = hn::MulAdd(q0, corr, q0);
    // w^2 + b overflows: 1 / (1 + u), u = (b/w)/w (w = inf: 1).
    const V u = hn::Div(hn::Div(bv, w), w);
    const V high = hn::Div(one, hn::Add(one, u));
    // w^2 below 2^-100 (where pe could underflow): r / (1 + r),
    // r = w (w/b) (w = 0: 0).
    const V r = hn::Mul(w, hn::Div(w, bv));
    const V low = hn::Div(r, hn::Add(one, r));
    V v = hn::IfThenElse(hn::IsFinite(dh), mid, high);
    v = hn::IfThenElse(hn::Lt(p, hn::Set(d, 0x1.0p-100f)), low, v);
    return KeepNaN(y, v);
  }
};

// Keras 3 sparse_plus: 0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for
// x >= 1. t = 1 + x is carried as t + te (Fast2Sum, |x| < 1), then
// (t^2 + 2 t te) / 4: <= 1 ULP. f' = 0, (x + 1)/2, 1 (continuous; 0.5 x +
// 0.5 is rounded once: exact). From y: 0, sqrt(y), 1.
struct SparsePlusOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    const V t = hn::Add(one, x);
    const V te = hn::Sub(x, hn::Sub(t, one));
    const V sq = hn::MulAdd(t, t, hn::Mul(hn::Add(t, t), te));
    const V mid = hn::Mul(sq, hn::Set(d, 0.25f));
    const V r = hn::IfThenElse(hn::Ge(x, one), x, mid);
    return hn::IfThenZeroElse(hn::Le(x, hn::Set(d, -1.0f)), r);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V one = hn::Set(d, 1.0f);
    const V half = hn::Set(d, 0.5f);
    const V mid = hn::MulAdd(x, half, half);
    const V r = hn::IfThenElse(hn::Ge(x, one), one, mid);
    return hn::IfThenZeroElse(hn::Le(x, hn::Set(d, -1.0f)), r);
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const V one = hn::Set(d, 1.0f);
    // y <= 0 (y = 0 exactly, or -0): sqrt(0) = 0 already.
    const V mid = hn::Sqrt(hn::Max(y, hn::Zero(d)));
    return KeepNaN(y, hn::IfThenElse(hn::Ge(y, one), one, mid));
  }
};

// Keras 3 sparse_sigmoid: 0 for x <= -1, (x + 1)/2 on (-1, 1), 1 for
// x >= 1; 0.5 x + 0.5 is rounded once (exact: correctly rounded). f' = 1/2
// strictly inside, 0 at and beyond the kinks (PyTorch's hardsigmoid
// convention); from y: 1/2 where 0 < y < 1.
struct SparseSigmoidOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return SparsePlusOp().Derivative(d, x);  // sparse_plus' = sparse_sigmoid
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const auto inside =
        hn::And(hn::Gt(x, hn::Set(d, -1.0f)), hn::Lt(x, hn::Set(d, 1.0f)));
    return KeepNaN(x, hn::IfThenElseZero(inside, hn::Set(d, 0.5f)));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const auto inside =
        hn::And(hn::Gt(y, hn::Zero(d)), hn::Lt(y, hn::Set(d, 1.0f)));
    return KeepNaN(y, hn::IfThenElseZero(inside, hn::Set(d, 0.5f)));
  }
};

// PyTorch RReLU in evaluation mode: leaky_relu with the slope
// (lower + upper) / 2, computed in double and rounded to float as PyTorch
// does (a Python float passed to leaky_relu).
HWY_INLINE float RreluSlope(float lower, float upper) {
  return static_cast<float>(
      (static_cast<double>(lower) + static_cast<double>(upper)) / 2.0);
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_PIECEWISE_INL_H_
