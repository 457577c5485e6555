// The Gaussian tail for the exact GELU: Highway 1.0.3 has no erf/erfc.
//
// With Q(a) = erfc(a / sqrt 2) / 2 = 1 - Phi(a) (so erfc(t) = 2 Q(t sqrt 2))
// and the Mills ratio U(a) = Q(a) e^(a^2/2), for a >= 0:
//   Q(a) = U(a) e^(-a^2/2),   a Q(a) = V(a) e^(-a^2/2),  V = a U,
// where U and V are smooth and bounded (U from 1/2 to 0, V from 0 to
// 1/sqrt(2 pi)), so the whole dynamic range of Q, down to the subnormals,
// comes from e^(-a^2/2), computed from a^2 carried exactly in two floats
// (ExpParts in more_activations-inl.h). No cancellation anywhere: 1 - Q and
// Phi(-a) = Q(a) are never formed by subtracting from 1/2.
//
// MillsPoly gives, on three pieces (selected per lane, one Horner chain):
//   a in [0, 1.25):   U(a), polynomial of degree 9 in a - 0.625;
//   a in [1.25, 2.5): U(a), degree 9 in a - 1.875;
//   a in [2.5, 15]:   V(a), degree 9 in w = 1 / a^2.
// Coefficients: tools/gelu_fit.cc (long double least squares on Chebyshev
// nodes with Lawson's reweighting towards minimax relative error, then
// rounded to float one at a time from the linear term up, refitting the rest;
// the constant term kept exact as hi + lo). Relative error of the float
// polynomials: 2^-28.5, 2^-32.7, 2^-27.8; with float Horner (FMA) down to the
// linear term and the last step c0 + t p' carried in two floats (as here):
// at most 2^-25.2, 2^-26.3, 2^-26.1 (about 0.4 ULP). The rounding of the
// variable (a - 0.625 below 0.3125, 1 / a^2) is recovered exactly or to
// first order and added as tl * p'.
// Beyond a = 15, Q(a) < 2^-164: callers clamp a to 15, where the result is
// 0 (or the rounding of x - 0, x, 1) anyway.

#if defined(SIMDACT_KERNELS_ERF_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_ERF_INL_H_
#undef SIMDACT_KERNELS_ERF_INL_H_
#else
#define SIMDACT_KERNELS_ERF_INL_H_
#endif

#include <stddef.h>

#include "hwy/highway.h"
#include "kernels/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The clamp of a = |x| for MillsPoly.
constexpr float kMillsMax = 15.0f;
// 1/sqrt(2 pi) as hi + lo.
constexpr float kInvSqrt2PiHi = 0x1.988454p-2f;
constexpr float kInvSqrt2PiLo = -0x1.857936p-27f;

struct MillsCoefficients {
  float c[10];  // c[9] t^9 + ... + c[1] t + (c[0] + lo)
  float lo;
};
// U(a), t = a - 0.625, a in [0, 1.25].
constexpr MillsCoefficients kMills0 = {
    {0x1.4b1de2p-2f, -0x1.93234cp-3f, 0x1.9a45a6p-4f, -0x1.6e926ep-5f,
     0x1.27bbf6p-6f, -0x1.b69022p-8f, 0x1.2e0938p-9f, -0x1.8adceep-11f,
     0x1.0597eap-12f, -0x1.192db2p-14f},
    -0x1.a7e682p-27f};
// U(a), t = a - 1.875, a in [1.25, 2.5].
constexpr MillsCoefficients kMills1 = {
    {0x1.690b32p-3f, -0x1.18274ep-4f, 0x1.899966p-6f, -0x1.fe279p-8f,
     0x1.34ee8ep-9f, -0x1.60d3cep-11f, 0x1.7e59eap-13f, -0x1.8d8776p-15f,
     0x1.9e23fap-17f, -0x1.71bf9cp-19f},
    0x1.d01aacp-28f};
// V(a) = a U(a), t = 1 / a^2, a in [2.5, 15].
constexpr MillsCoefficients kMills2 = {
    {0x1.988452p-2f, -0x1.988166p-2f, 0x1.31fb06p+0f, -0x1.77b4ap+2f,
     0x1.288988p+5f, -0x1.e251e2p+7f, 0x1.4b4644p+10f, -0x1.47abbap+12f,
     0x1.8cb592p+13f, -0x1.b171dep+13f},
    -0x1.4d521p-27f};

template <class DF, class M, class V = hn::Vec<DF>>
HWY_INLINE V PickPiece(DF df, M piece0, M piece2, float c0, float c1,
                       float c2) {
  return hn::IfThenElse(
      piece0, hn::Set(df, c0),
      hn::IfThenElse(piece2, hn::Set(df, c2), hn::Set(df, c1)));
}

// For a in [0, 15] with a^2 = x2h + x2l exactly: U(a) (a < 2.5) or V(a)
// (a >= 2.5, *tail set) as *hi + *lo, relative error <= 2^-25 (see above).
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE void MillsPoly(DF df, V a, V x2h, V x2l, V* hi, V* lo,
                          hn::Mask<DF>* tail) {
  const auto p0 = hn::Lt(a, hn::Set(df, 1.25f));
  const auto p2 = hn::Ge(a, hn::Set(df, 2.5f));
  *tail = p2;
  // Pieces 0, 1: t + tl = a - m exactly (Fast2Sum, m >= a below 0.3125,
  // exact by Sterbenz elsewhere).
  const V m = hn::IfThenElse(p0, hn::Set(df, 0.625f), hn::Set(df, 1.875f));
  const V ta = hn::Sub(a, m);
  const V tla = hn::Sub(a, hn::Add(ta, m));
  // Piece 2: w = 1 / a^2 and its first-order correction -w (w a^2 - 1).
  const V one = hn::Set(df, 1.0f);
  const V x2c = hn::Max(x2h, one);  // no 1/0 in the lanes not used
  const V w = hn::Div(one, x2c);
  const V wl = hn::Mul(w, hn::NegMulAdd(w, x2l, hn::NegMulAdd(w, x2c, one)));
  const V t = hn::IfThenElse(p2, w, ta);
  const V tl = hn::IfThenElse(p2, wl, tla);
  const MillsCoefficients& k0 = kMills0;
  const MillsCoefficients& k1 = kMills1;
  const MillsCoefficients& k2 = kMills2;
  V p = PickPiece(df, p0, p2, k0.c[9], k1.c[9], k2.c[9]);
  for (int i = 8; i >= 1; --i) {
    p = hn::MulAdd(p, t, PickPiece(df, p0, p2, k0.c[i], k1.c[i], k2.c[i]));
  }
  // c0 + t p: |t p| <= |c0| on every piece, so Fast2Sum is exact.
  const V c0 = PickPiece(df, p0, p2, k0.c[0], k1.c[0], k2.c[0]);
  const V c0l = PickPiece(df, p0, p2, k0.lo, k1.lo, k2.lo);
  const V tp = hn::Mul(t, p);
  const V tpl = TwoProductError(df, t, p, tp);
  const V h = hn::Add(c0, tp);
  const V err = hn::Sub(tp, hn::Sub(h, c0));
  *hi = h;
  *lo = hn::MulAdd(tl, p, hn::Add(hn::Add(err, tpl), c0l));
}

// a Q(a) e^(a^2/2) = V(a) as *vh + *vl, relative error <= 2^-25 + 2^-46,
// for a in [0, 15].
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE void MillsV(DF df, V a, V x2h, V x2l, V* vh, V* vl) {
  V hi, lo;
  hn::Mask<DF> tail;
  MillsPoly(df, a, x2h, x2l, &hi, &lo, &tail);
  const V ah = hn::Mul(a, hi);
  const V al = hn::MulAdd(a, lo, TwoProductError(df, a, hi, ah));
  *vh = hn::IfThenElse(tail, hi, ah);
  *vl = hn::IfThenElse(tail, lo, al);
}

// Q(a) e^(a^2/2) - a / sqrt(2 pi) = U(a) - a c, for a in [0, 15]: the
// factor of e^(-a^2/2) in Phi(-a) - a phi(a). It crosses zero at
// a = 0.7518; error about 2^-24 relative to U + a c (one rounding of U's
// size, one of the result's; for a >= 2.5, U = V / a is below 0.16 a c).
template <class DF, class V = hn::Vec<DF>>
HWY_INLINE V MillsUMinusAc(DF df, V a, V x2h, V x2l) {
  V hi, lo;
  hn::Mask<DF> tail;
  MillsPoly(df, a, x2h, x2l, &hi, &lo, &tail);
  const V ac = hn::Max(a, hn::Set(df, 1.0f));  // no 0/0 in unused lanes
  const V uh = hn::IfThenElse(tail, hn::Div(hi, ac), hi);
  const V ul = hn::IfThenElse(tail, hn::Div(lo, ac), lo);
  const V u = hn::Add(uh, hn::NegMulAdd(a, hn::Set(df, kInvSqrt2PiLo), ul));
  return hn::NegMulAdd(a, hn::Set(df, kInvSqrt2PiHi), u);
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_ERF_INL_H_
