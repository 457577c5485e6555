// Kernels over shaped tensors: Softmax over rows, PReLU over
// [outer, channels, inner].
//
// Softmax forward, per row: m = max(x); e_i = exp(x_i - m) with the rounding
// error of x_i - m carried into exp's reduced argument (2Sum), so large
// negative differences cost no accuracy; S = sum(e_i) in a compensated sum;
// y_i = e_i * fl(1/S). Error <= 1 (exp) + 0.5 (1/S) + 0.5 (product) ULP,
// measured <= 2 ULP for rows of 1 to 100k.
// IEEE for special rows: a NaN or +inf anywhere, or a row that is all -inf,
// gives a row of NaN (inf - inf); -inf elements among finite ones give 0.
//
// Softmax backward: s = sum(dy_i y_i) as a compensated dot product, then
// dx_i = y_i (dy_i - s). From x, y_i is recomputed from exp (no scratch, so
// dx may alias dy). Error <= 6 ULP of y_i (|dy_i| + sum_j |dy_j y_j|): the
// subtraction dy_i - s may cancel, which no float algorithm avoids, and s
// itself is only as exact as the y_j (|s| in place of the sum was the bound
// stated before; it fails, on every target alike, where s cancels).
//
// Both also run along any axis ([outer, cols, inner], SIMD across inner),
// with a temperature and a "safe" option for rows of all -inf: see the
// sections below.

#if defined(SIMDACT_KERNELS_ROWS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_ROWS_INL_H_
#undef SIMDACT_KERNELS_ROWS_INL_H_
#else
#define SIMDACT_KERNELS_ROWS_INL_H_
#endif

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include "hwy/highway.h"
#include "kernels/elementwise-inl.h"
#include "kernels/kernel_set.h"
#include "kernels/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Loads count <= Lanes(d) floats from p, the other lanes set to `pad`,
// without reading past p + count.
template <class D>
HWY_INLINE hn::Vec<D> LoadPadded(D d, const float* p, size_t count,
                                 float pad = 0.0f) {
  if (count == hn::Lanes(d)) return hn::LoadU(d, p);
  if (kMaskedMemoryIsSafe) {
    const auto m = hn::FirstN(d, count);
    return hn::IfThenElse(m, hn::MaskedLoad(m, d, p), hn::Set(d, pad));
  }
  HWY_ALIGN float buf[kMaxLanes];
  for (size_t k = 0; k < hn::Lanes(d); ++k) buf[k] = pad;
  memcpy(buf, p, count * sizeof(float));
  return hn::Load(d, buf);
}

// Stores the first count <= Lanes(d) lanes of v to p.
template <class D>
HWY_INLINE void StorePartial(D d, hn::Vec<D> v, float* p, size_t count) {
  if (count == hn::Lanes(d)) return hn::StoreU(v, d, p);
  if (kMaskedMemoryIsSafe)
    return hn::BlendedStore(v, hn::FirstN(d, count), d, p);
  HWY_ALIGN float buf[kMaxLanes];
  hn::Store(v, d, buf);
  memcpy(p, buf, count * sizeof(float));
}

// Calls f(i, v, count) for each vector v = p[i, i + count) of a row of n
// floats; count < Lanes(d) only for the last, whose other lanes are `pad`.
template <class D, class F>
HWY_INLINE void ForEachVector(D d, const float* p, size_t n, float pad,
                              const F& f) {
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) f(i, hn::LoadU(d, p + i), N);
  if (i < n) f(i, LoadPadded(d, p + i, n - i, pad), n - i);
}

// ---- Row sums in double ----------------------------------------------------
// Sums over a row are taken in double lanes. Converting float lanes to
// double is slow on Zen 4's 512-bit vectors (and a shuffle everywhere), so
// the floats are first combined in groups of four vectors:
// - a plain sum adds them in pairs (one rounding each: the sum is within
//   2^-24 sum |a_i|, plus n 2^-53 for the double sum; 0.5 ULP for a sum of
//   positive terms);
// - a dot product, with FMA, rounds a0 b0 to p, keeps its error fma(a0, b0,
//   -p) in a float sum (each <= 2^-24 |p|, so < n 2^-48 sum |a_i b_i| in
//   all), and adds a1 b1 .. a3 b3 to p by a chain of FMAs: three roundings,
//   so the dot is within 3 * 2^-24 sum |a_i b_i| (1.5 ULP of that sum).
//   Without FMA each product is formed exactly in double.
// This took the 4 KiB softmax backward from y from 0.45x to 0.7x of Eigen's
// speed, and the backward from x from 0.8x to 1.0x, on Zen 4 (avx3). The
// accumulators are separate variables: SVE's vectors cannot be array
// elements.

// The vector at i of a row of n floats: full, zero-padded past n, or zeros.
template <class D>
HWY_INLINE hn::Vec<D> LoadRowVector(D d, const float* p, size_t i, size_t n) {
  if (i + hn::Lanes(d) <= n) return hn::LoadU(d, p + i);
  return i < n ? LoadPadded(d, p + i, n - i) : hn::Zero(d);
}

template <bool kFull, class D>
HWY_INLINE hn::Vec<D> LoadGroupVector(D d, const float* p, size_t i, size_t n) {
  return kFull ? hn::LoadU(d, p + i) : LoadRowVector(d, p, i, n);
}

template <class D, class V, class VD>
HWY_INLINE void AddGroupToDouble(D d, V a0, V a1, V a2, V a3, VD& lo, VD& hi) {
  AddToDouble(d, hn::Add(a0, a1), lo, hi);
  AddToDouble(d, hn::Add(a2, a3), lo, hi);
}

template <class D, class V, class VD>
HWY_INLINE void AddGroupDotToDouble(D d, V a0, V a1, V a2, V a3, V b0, V b1,
                                    V b2, V b3, VD& lo, VD& hi, V& err) {
#if HWY_NATIVE_FMA && HWY_TARGET != HWY_SCALAR
  V q = hn::Mul(a0, b0);
  err = hn::Add(err, hn::MulSub(a0, b0, q));
  q = hn::MulAdd(a1, b1, q);
  q = hn::MulAdd(a2, b2, q);
  q = hn::MulAdd(a3, b3, q);
  AddToDouble(d, q, lo, hi);
#else
  (void)err;
  AddProductToDouble(d, a0, b0, lo, hi);
  AddProductToDouble(d, a1, b1, lo, hi);
  AddProductToDouble(d, a2, b2, lo, hi);
  AddProductToDouble(d, a3, b3, lo, hi);
#endif
}

// One group of four vectors at i into the sum and dot accumulators. A
// function, always inlined: GCC left a lambda here out of line, with the
// accumulators in memory.
// (On SVE targets GCC 12 crashes, segmentation fault, inlining it.)
#undef SIMDACT_ROW_GROUP_INLINE
#if HWY_TARGET & (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128)
#define SIMDACT_ROW_GROUP_INLINE HWY_NOINLINE
#else
#define SIMDACT_ROW_GROUP_INLINE HWY_INLINE
#endif
template <bool kSum, bool kFull, class D, class LoadA, class V, class VD>
SIMDACT_ROW_GROUP_INLINE void AddRowGroup(D d, size_t i, size_t n,
                                          const LoadA& load_a, const float* b,
                                          VD& s_lo, VD& s_hi, VD& d_lo,
                                          VD& d_hi, V& err) {
  const size_t N = hn::Lanes(d);
  const V a0 = load_a(i, kFull);
  const V a1 = load_a(i + N, kFull);
  const V a2 = load_a(i + 2 * N, kFull);
  const V a3 = load_a(i + 3 * N, kFull);
  if (kSum) AddGroupToDouble(d, a0, a1, a2, a3, s_lo, s_hi);
  if (b == nullptr) return;
  AddGroupDotToDouble(d, a0, a1, a2, a3, LoadGroupVector<kFull>(d, b, i, n),
                      LoadGroupVector<kFull>(d, b, i + N, n),
                      LoadGroupVector<kFull>(d, b, i + 2 * N, n),
                      LoadGroupVector<kFull>(d, b, i + 3 * N, n), d_lo, d_hi,
                      err);
}

// *sum = sum a_i (if kSum) and *dot = sum a_i b_i (if b), a given by
// load_a(i, full): the vector at i, full when i + Lanes <= n, else padded
// with zeros. A dot that is not finite (an infinite float q whose double
// sum may be finite, or NaN) is taken again with exact double products.
template <bool kSum, class D, class LoadA>
HWY_INLINE void RowSumsInDouble(D d, size_t n, const LoadA& load_a,
                                const float* b, double* sum, double* dot) {
  const DoubleSumTag<D> dd;
  const size_t N = hn::Lanes(d);
  auto s_lo = hn::Zero(dd);
  auto s_hi = hn::Zero(dd);
  auto d_lo = hn::Zero(dd);
  auto d_hi = hn::Zero(dd);
  auto err = hn::Zero(d);
  size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    AddRowGroup<kSum, true>(d, i, n, load_a, b, s_lo, s_hi, d_lo, d_hi, err);
  }
  if (i < n) {
    AddRowGroup<kSum, false>(d, i, n, load_a, b, s_lo, s_hi, d_lo, d_hi, err);
  }
  if (kSum) *sum = DoubleTotal(dd, s_lo, s_hi);
  if (b == nullptr) return;
  AddToDouble(d, err, d_lo, d_hi);
  *dot = DoubleTotal(dd, d_lo, d_hi);
  if (std::isfinite(*dot)) return;
  d_lo = hn::Zero(dd);
  d_hi = hn::Zero(dd);
  for (i = 0; i < n; i += N) {
    const bool full = i + N <= n;
    AddProductToDouble(d, load_a(i, full), LoadRowVector(d, b, i, n), d_lo,
                       d_hi);
  }
  *dot = DoubleTotal(dd, d_lo, d_hi);
}

// A loader of the floats of p for RowSumsInDouble.
template <class D>
HWY_INLINE auto RowLoader(D d, const float* p, size_t n) {
  return [d, p, n](size_t i, bool full) HWY_ATTR {
    return full ? hn::LoadU(d, p + i) : LoadRowVector(d, p, i, n);
  };
}

template <class D>
HWY_INLINE double SumInDouble(D d, const float* p, size_t n) {
  double sum = 0.0;
  RowSumsInDouble<true>(d, n, RowLoader(d, p, n), nullptr, &sum, nullptr);
  return sum;
}

template <class D>
HWY_INLINE double DotInDouble(D d, const float* a, const float* b, size_t n) {
  double dot = 0.0;
  RowSumsInDouble<false>(d, n, RowLoader(d, a, n), b, nullptr, &dot);
  return dot;
}

template <class D>
HWY_INLINE float RowMax(D d, const float* x, size_t n) {
  auto m = hn::Set(d, -INFINITY);
  auto any_nan = hn::FirstN(d, 0);
  ForEachVector(d, x, n, -INFINITY, [&](size_t, auto v, size_t) HWY_ATTR {
    m = hn::Max(m, v);
    any_nan = hn::Or(any_nan, hn::IsNaN(v));
  });
  // Max's NaN behaviour differs between targets; make it NaN everywhere.
  if (!hn::AllFalse(d, any_nan)) return NAN;
  return hn::GetLane(hn::MaxOfLanes(d, m));
}

// (x - m) - L with x - m and L each in two floats; L_hi + L_lo = log S.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V LogSoftmaxValue(D /*d*/, V x, V m, V l_hi, V l_lo) {
  const V diff = hn::Sub(x, m);
  const V bm = hn::Sub(diff, x);
  V lo = hn::Add(hn::Sub(x, hn::Sub(diff, bm)), hn::Sub(hn::Neg(m), bm));
  lo = hn::IfThenElseZero(hn::IsFinite(diff), lo);
  return hn::Add(hn::Sub(diff, l_hi), hn::Sub(lo, l_lo));
}

// ---- Temperature ----------------------------------------------------------
// Softmax and log-softmax compute f(x / T). The kernels below take a `Scale`
// policy: NoTemperature (T == 1) makes every call reduce to the plain kernel,
// bit for bit; WithTemperature divides x - m, carried in two floats, by T.

// (x - m) / t as hi + lo. x - m = diff + err exactly (2Sum); hi = fl(diff /
// t), and diff - hi t is recovered exactly: diff - fl(hi t) is exact
// (Sterbenz, fl(hi t) is within a factor 2 of diff) and TwoProductError
// gives hi t - fl(hi t). lo = (that + err) / t, so |hi + lo - (x - m) / t|
// is about 2^-46 |(x - m) / t|: dividing x by T first would instead lose
// 0.5 ULP of x / T, i.e. up to 87 * 2^-24 relative in e^(x / T).
// lo is 0 where it is not finite (hi infinite, or the product overflowed).
template <class D, class V = hn::Vec<D>>
HWY_INLINE void ScaledDifference(D d, V x, V m, V t, V* hi, V* lo) {
  const V diff = hn::Sub(x, m);
  const V bm = hn::Sub(diff, x);
  const V err = hn::Add(hn::Sub(x, hn::Sub(diff, bm)), hn::Sub(hn::Neg(m), bm));
  const V q = hn::Div(diff, t);  // Div: 1/t may overflow for subnormal t
  const V p = hn::Mul(q, t);
  const V r = hn::Sub(hn::Sub(diff, p), TwoProductError(d, q, t, p));
  const V l = hn::Div(hn::Add(r, err), t);
  *hi = q;
  *lo = hn::IfThenElseZero(hn::IsFinite(l), l);
}

struct NoTemperature {
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V ExpOfDiff(D d, V x, V m) const {
    return ExpOfDifference(d, x, m);
  }
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V LogValue(D d, V x, V m, V l_hi, V l_lo) const {
    return LogSoftmaxValue(d, x, m, l_hi, l_lo);
  }
  // v / T for a value in double, and for a gradient vector.
  HWY_INLINE double Grad(double v) const { return v; }
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V DivideGrad(D /*d*/, V v) const {
    return v;
  }
  // y * (v / T).
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V MulDivideGrad(D /*d*/, V y, V v) const {
    return hn::Mul(y, v);
  }
};

struct WithTemperature {
  float t;
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V ExpOfDiff(D d, V x, V m) const {
    V hi, lo;
    ScaledDifference(d, x, m, hn::Set(d, t), &hi, &lo);
    return ExpTwoFloat(d, hi, lo);
  }
  // ((x - m) / T - L) with both in two floats, as LogSoftmaxValue.
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V LogValue(D d, V x, V m, V l_hi, V l_lo) const {
    V hi, lo;
    ScaledDifference(d, x, m, hn::Set(d, t), &hi, &lo);
    return hn::Add(hn::Sub(hi, l_hi), hn::Sub(lo, l_lo));
  }
  HWY_INLINE double Grad(double v) const { return v / t; }
  // One rounding (Div), not two (a product with a rounded 1/T).
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V DivideGrad(D d, V v) const {
    return hn::Div(v, hn::Set(d, t));
  }
  // Dividing v (dy - s, normal) before the product with y (<= 1, maybe
  // tiny) keeps y (v / T) from underflowing before the division, which
  // would cost up to 1/T half-ULPs of the smallest subnormal. (v / T can
  // overflow where y (v / T) would not only when |dy - s| / T > FLT_MAX.)
  template <class D, class V = hn::Vec<D>>
  HWY_INLINE V MulDivideGrad(D d, V y, V v) const {
    return hn::Mul(y, hn::Div(v, hn::Set(d, t)));
  }
};

// ---- Softmax over rows (the last axis) -------------------------------------

// Three passes (max; exp to y; scale). Fusing the sum into the exp pass was
// measured 15% slower on AVX2 (Zen 4): the loop-carried compensated sum
// stalls the long exp chains that the plain exp pass overlaps. The sum is
// taken in double (SumInDouble).
template <class D, class Scale>
HWY_INLINE void SoftmaxForwardRowMax(D d, const float* x, float* y, size_t n,
                                     float max, const Scale& sc) {
  const auto m = hn::Set(d, max);
  // x may alias y: each vector is read before it is written.
  Map1(d, x, y, n,
       [&](hn::Vec<D> v) HWY_ATTR { return sc.ExpOfDiff(d, v, m); });
  const auto inv = hn::Set(d, static_cast<float>(1.0 / SumInDouble(d, y, n)));
  Map1<4>(d, y, y, n, [&](hn::Vec<D> e) HWY_ATTR { return hn::Mul(e, inv); });
}

template <class D>
HWY_INLINE void SoftmaxForwardRow(D d, const float* x, float* y, size_t n) {
  SoftmaxForwardRowMax(d, x, y, n, RowMax(d, x, n), NoTemperature());
}

// dx_i = y_i (dy_i - s) / T, s = sum(dy_i y_i); y from the output. kStream:
// dx written with streaming stores (Map1), for tensors larger than the
// last-level cache.
template <bool kStream = false, class D, class Scale>
HWY_INLINE void SoftmaxBackwardFromOutputRowT(D d, const float* y,
                                              const float* dy, float* dx,
                                              size_t n, const Scale& sc) {
  const auto s = hn::Set(d, static_cast<float>(DotInDouble(d, y, dy, n)));
  Map2<4, kStream>(d, y, dy, dx, n, [&](hn::Vec<D> yv, hn::Vec<D> g) HWY_ATTR {
    return sc.MulDivideGrad(d, yv, hn::Sub(g, s));
  });
}

template <class D>
HWY_INLINE void SoftmaxBackwardFromOutputRow(D d, const float* y,
                                             const float* dy, float* dx,
                                             size_t n) {
  SoftmaxBackwardFromOutputRowT(d, y, dy, dx, n, NoTemperature());
}

// Same from x: e_i = exp(x_i - m); y_i = e_i / S, with S and sum(e_i dy_i)
// from RowSumsInDouble. When dx is not dy, e is kept in dx by a first pass,
// as in the forward (separate passes over a row in cache were faster than a
// fused one); in place (dx == dy, whose values the last pass still needs)
// e is computed where it is needed, twice. Both give the same bits. With a
// temperature, 1/T is folded into 1/S (in double: no extra rounding).
template <class D, class Scale>
HWY_INLINE void SoftmaxBackwardRowMax(D d, const float* x, const float* dy,
                                      float* dx, size_t n, float max,
                                      const Scale& sc) {
  const auto m = hn::Set(d, max);
  const bool keep_e = dx != dy;
  double total = 0.0, dot = 0.0;
  if (keep_e) {
    Map1(d, x, dx, n,
         [&](hn::Vec<D> v) HWY_ATTR { return sc.ExpOfDiff(d, v, m); });
    RowSumsInDouble<true>(d, n, RowLoader(d, dx, n), dy, &total, &dot);
  } else {
    auto exp_at = [&](size_t i, bool full) HWY_ATTR {
      if (full) return sc.ExpOfDiff(d, hn::LoadU(d, x + i), m);
      if (i >= n) return hn::Zero(d);
      const size_t count = HWY_MIN(n - i, hn::Lanes(d));
      return hn::IfThenElseZero(
          hn::FirstN(d, count),
          sc.ExpOfDiff(d, LoadPadded(d, x + i, count, -INFINITY), m));
    };
    RowSumsInDouble<true>(d, n, exp_at, dy, &total, &dot);
  }
  const auto inv = hn::Set(d, static_cast<float>(sc.Grad(1.0 / total)));
  const auto s = hn::Set(d, static_cast<float>(dot / total));
  if (keep_e) {
    Map2<4>(d, dx, dy, dx, n, [&](hn::Vec<D> e, hn::Vec<D> g) HWY_ATTR {
      return hn::Mul(hn::Mul(e, inv), hn::Sub(g, s));
    });
  } else {
    Map2(d, x, dy, dx, n, [&](hn::Vec<D> xv, hn::Vec<D> g) HWY_ATTR {
      return hn::Mul(hn::Mul(sc.ExpOfDiff(d, xv, m), inv), hn::Sub(g, s));
    });
  }
}

template <class D>
HWY_INLINE void SoftmaxBackwardRow(D d, const float* x, const float* dy,
                                   float* dx, size_t n) {
  SoftmaxBackwardRowMax(d, x, dy, dx, n, RowMax(d, x, n), NoTemperature());
}

// The gradient of a safe row of all -inf (y = 0, or log y = -inf): the
// softmax formula with y = 0, dx_i = 0 (dy_i - s) with s = sum(0 dy_j):
// zeros, or NaN for the whole row where dy has a NaN or inf (IEEE 0 * inf,
// as the formula gives for a -inf element of a normal row).
template <class D>
HWY_INLINE void ZeroGradientRow(D d, const float* dy, float* dx, size_t n) {
  const auto zero = hn::Zero(d);
  auto s = zero;
  ForEachVector(d, dy, n, 0.0f, [&](size_t, auto g, size_t) HWY_ATTR {
    s = hn::Add(s, hn::Mul(zero, g));
  });
  s = hn::SumOfLanes(d, s);
  Map1(d, dy, dx, n,
       [&](hn::Vec<D> g) HWY_ATTR { return hn::Mul(zero, hn::Sub(g, s)); });
}

// ---- Log-softmax over rows -------------------------------------------------
// Log-softmax, per row: y_i = (x_i - m) - log S, S = sum exp(x_j - m).
// log S is log1p of the sum without one maximal element (that element's
// term is exactly 1), so a row dominated by one element keeps full relative
// accuracy in its y near 0; x_i - m is carried in two floats (2Sum) and
// y_i = (hi - L_hi) + (lo - L_lo) with L = log S split in two floats. The
// two terms have the same sign, so nothing cancels: <= 2 ULP.
// Backward: dx_i = dy_i - softmax_i * sum(dy), fused (one rounding), with a
// compensated sum(dy); softmax_i = exp(y_i) from y, or exp(x_i - m) / S.
// With a temperature, (x - m) / T in two floats (ScaledDifference) takes the
// place of x - m, and dx is divided by T (one more rounding).

// log S for the row, in double, as described above.
template <class D, class Scale>
HWY_INLINE double LogSumExpT(D d, const float* x, size_t n, float max,
                             double* sum_out, const Scale& sc) {
  // NaN or +inf anywhere, or a row of -inf: NaN for the whole row (as
  // softmax: inf - inf).
  if (!isfinite(max)) {
    *sum_out = NAN;
    return NAN;
  }
  const auto m = hn::Set(d, max);
  auto sum = hn::Zero(d);
  auto sum_err = hn::Zero(d);
  size_t at_max = 0;
  ForEachVector(d, x, n, -INFINITY, [&](size_t, auto v, size_t count) HWY_ATTR {
    const auto valid = hn::FirstN(d, count);
    const auto is_max = hn::And(valid, hn::Eq(v, m));
    at_max += hn::CountTrue(d, is_max);
    const auto e =
        hn::IfThenElseZero(hn::AndNot(is_max, valid), sc.ExpOfDiff(d, v, m));
    AddCompensated(sum, sum_err, e);
  });
  // Every element equal to m contributes exactly 1; keep one of them out.
  const double rest = CompensatedTotal(d, sum, sum_err) +
                      static_cast<double>(at_max > 0 ? at_max - 1 : 0);
  *sum_out = 1.0 + rest;
  return log1p(rest);
}

template <class D>
HWY_INLINE double LogSumExp(D d, const float* x, size_t n, float max,
                            double* sum_out) {
  return LogSumExpT(d, x, n, max, sum_out, NoTemperature());
}

template <class D, class Scale>
HWY_INLINE void LogSoftmaxForwardRowMax(D d, const float* x, float* y, size_t n,
                                        float max, const Scale& sc) {
  const auto m = hn::Set(d, max);
  double s;
  const double log_s = LogSumExpT(d, x, n, max, &s, sc);
  const float l_hi = static_cast<float>(log_s);
  const auto vl_hi = hn::Set(d, l_hi);
  const auto vl_lo = hn::Set(d, static_cast<float>(log_s - l_hi));
  Map1(d, x, y, n, [&](hn::Vec<D> v) HWY_ATTR {
    return sc.LogValue(d, v, m, vl_hi, vl_lo);
  });
}

template <class D>
HWY_INLINE void LogSoftmaxForwardRow(D d, const float* x, float* y, size_t n) {
  LogSoftmaxForwardRowMax(d, x, y, n, RowMax(d, x, n), NoTemperature());
}

// sum(dy) of a row, compensated, as a float.
template <class D>
HWY_INLINE float RowSum(D d, const float* p, size_t n) {
  auto sum = hn::Zero(d);
  auto err = hn::Zero(d);
  ForEachVector(d, p, n, 0.0f, [&](size_t, auto v, size_t) HWY_ATTR {
    AddCompensated(sum, err, v);
  });
  return static_cast<float>(CompensatedTotal(d, sum, err));
}

template <class D, class Scale>
HWY_INLINE void LogSoftmaxBackwardFromOutputRowT(D d, const float* y,
                                                 const float* dy, float* dx,
                                                 size_t n, const Scale& sc) {
  const auto g = hn::Set(d, RowSum(d, dy, n));
  Map2(d, y, dy, dx, n, [&](hn::Vec<D> yv, hn::Vec<D> dyv) HWY_ATTR {
    return sc.DivideGrad(d, hn::NegMulAdd(Exp(d, yv), g, dyv));
  });
}

template <class D>
HWY_INLINE void LogSoftmaxBackwardFromOutputRow(D d, const float* y,
                                                const float* dy, float* dx,
                                                size_t n) {
  LogSoftmaxBackwardFromOutputRowT(d, y, dy, dx, n, NoTemperature());
}

template <class D, class Scale>
HWY_INLINE void LogSoftmaxBackwardRowMax(D d, const float* x, const float* dy,
                                         float* dx, size_t n, float max,
                                         const Scale& sc) {
  const auto m = hn::Set(d, max);
  double s;
  LogSumExpT(d, x, n, max, &s, sc);
  const auto inv = hn::Set(d, static_cast<float>(1.0 / s));
  const auto g = hn::Set(d, RowSum(d, dy, n));
  Map2(d, x, dy, dx, n, [&](hn::Vec<D> xv, hn::Vec<D> dyv) HWY_ATTR {
    const auto p = hn::Mul(sc.ExpOfDiff(d, xv, m), inv);
    return sc.DivideGrad(d, hn::NegMulAdd(p, g, dyv));
  });
}

template <class D>
HWY_INLINE void LogSoftmaxBackwardRow(D d, const float* x, const float* dy,
                                      float* dx, size_t n) {
  LogSoftmaxBackwardRowMax(d, x, dy, dx, n, RowMax(d, x, n), NoTemperature());
}

// ---- Along any axis: [outer, cols, inner], inner > 1
// ------------------------- The lanes of a vector hold `count` <= Lanes(d)
// neighbouring columns of the inner axis (one softmax row each, `stride` =
// inner floats apart); the loops run over the n = cols elements of those rows
// with per-lane max, sums and dot products, so every lane does what the row
// kernels do for one row, with the same error bounds (a lane's compensated sum
// is one row's). Lanes past `count` are padded with 0 and never stored.

template <class D>
HWY_INLINE hn::Vec<D> ColumnsMax(D d, const float* x, size_t n, size_t stride,
                                 size_t count) {
  auto m = hn::Set(d, -INFINITY);
  auto any_nan = hn::FirstN(d, 0);
  for (size_t i = 0; i < n; ++i) {
    const auto v = LoadPadded(d, x + i * stride, count);
    m = hn::Max(m, v);
    any_nan = hn::Or(any_nan, hn::IsNaN(v));
  }
  // Max's NaN behaviour differs between targets; make it NaN everywhere.
  return hn::IfThenElse(any_nan, hn::Set(d, NAN), m);
}

// Lanes whose row is all -inf, where the safe option applies.
template <class D>
HWY_INLINE hn::Mask<D> DeadLanes(D d, hn::Vec<D> max, bool safe) {
  return safe ? hn::Eq(max, hn::Set(d, -INFINITY)) : hn::FirstN(d, 0);
}

// Per-lane totals sum + err in double (as CompensatedTotal for one row).
template <class D>
HWY_INLINE void LaneTotals(D d, hn::Vec<D> sum, hn::Vec<D> err, double* total) {
  HWY_ALIGN float s[kMaxLanes];
  HWY_ALIGN float e[kMaxLanes];
  hn::Store(sum, d, s);
  hn::Store(err, d, e);
  for (size_t k = 0; k < hn::Lanes(d); ++k) {
    total[k] = static_cast<double>(s[k]) + static_cast<double>(e[k]);
  }
}

template <class D>
HWY_INLINE hn::Vec<D> LoadLanes(D d, const float* lanes) {
  return hn::Load(d, lanes);
}

struct SoftmaxFamily {
  template <class D, class Scale>
  static HWY_INLINE void ForwardRow(D d, const float* x, float* y, size_t n,
                                    const Scale& sc, bool safe) {
    const float max = RowMax(d, x, n);
    if (safe && max == -INFINITY) {
      for (size_t i = 0; i < n; ++i) y[i] = 0.0f;
      return;
    }
    SoftmaxForwardRowMax(d, x, y, n, max, sc);
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardRow(D d, const float* x, const float* dy,
                                     float* dx, size_t n, const Scale& sc,
                                     bool safe) {
    const float max = RowMax(d, x, n);
    if (safe && max == -INFINITY) return ZeroGradientRow(d, dy, dx, n);
    SoftmaxBackwardRowMax(d, x, dy, dx, n, max, sc);
  }
  // y = 0 in a safe row: the formula itself gives ZeroGradientRow's result.
  template <class D, class Scale>
  static HWY_INLINE void BackwardFromOutputRow(D d, const float* y,
                                               const float* dy, float* dx,
                                               size_t n, const Scale& sc,
                                               bool /*safe*/) {
    SoftmaxBackwardFromOutputRowT(d, y, dy, dx, n, sc);
  }
  // FamilyRowsOfKind may run BackwardFromOutputRow with streaming stores.
  static constexpr bool kStreamsBackwardFromOutput = true;

  template <class D, class Scale>
  static HWY_INLINE void ForwardColumns(D d, const float* x, float* y, size_t n,
                                        size_t stride, size_t count,
                                        const Scale& sc, bool safe) {
    const auto m = ColumnsMax(d, x, n, stride, count);
    auto sum = hn::Zero(d);
    auto err = hn::Zero(d);
    for (size_t i = 0; i < n; ++i) {  // x may alias y
      const auto e = sc.ExpOfDiff(d, LoadPadded(d, x + i * stride, count), m);
      StorePartial(d, e, y + i * stride, count);
      AddCompensated(sum, err, e);
    }
    double total[kMaxLanes];
    HWY_ALIGN float inv[kMaxLanes];
    LaneTotals(d, sum, err, total);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      inv[k] = static_cast<float>(1.0 / total[k]);
    }
    const auto vinv = LoadLanes(d, inv);
    const auto dead = DeadLanes(d, m, safe);
    for (size_t i = 0; i < n; ++i) {
      const auto e = LoadPadded(d, y + i * stride, count);
      StorePartial(d, hn::IfThenZeroElse(dead, hn::Mul(e, vinv)),
                   y + i * stride, count);
    }
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardColumns(D d, const float* x, const float* dy,
                                         float* dx, size_t n, size_t stride,
                                         size_t count, const Scale& sc,
                                         bool safe) {
    const auto m = ColumnsMax(d, x, n, stride, count);
    const auto dead = DeadLanes(d, m, safe);
    // Dead lanes: y = 0, so dot = sum(0 dy) and dx = 0 (dy - dot).
    auto y_of = [&](size_t i) HWY_ATTR {
      return hn::IfThenZeroElse(
          dead, sc.ExpOfDiff(d, LoadPadded(d, x + i * stride, count), m));
    };
    auto sum = hn::Zero(d);
    auto sum_err = hn::Zero(d);
    auto dot = hn::Zero(d);
    auto dot_err = hn::Zero(d);
    for (size_t i = 0; i < n; ++i) {
      const auto e = y_of(i);
      AddCompensated(sum, sum_err, e);
      AddProductCompensated(d, dot, dot_err, e,
                            LoadPadded(d, dy + i * stride, count));
    }
    double total[kMaxLanes], dot_total[kMaxLanes];
    HWY_ALIGN float inv[kMaxLanes];
    HWY_ALIGN float s[kMaxLanes];
    LaneTotals(d, sum, sum_err, total);
    LaneTotals(d, dot, dot_err, dot_total);
    HWY_ALIGN float dead_lanes[kMaxLanes];
    hn::Store(hn::IfThenElseZero(dead, hn::Set(d, 1.0f)), d, dead_lanes);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      const bool is_dead = dead_lanes[k] != 0.0f;
      inv[k] = is_dead ? 0.0f : static_cast<float>(sc.Grad(1.0 / total[k]));
      s[k] =
          static_cast<float>(is_dead ? dot_total[k] : dot_total[k] / total[k]);
    }
    const auto vinv = LoadLanes(d, inv);
    const auto vs = LoadLanes(d, s);
    for (size_t i = 0; i < n; ++i) {
      const auto g = LoadPadded(d, dy + i * stride, count);
      const auto yv = hn::Mul(y_of(i), vinv);
      StorePartial(d, hn::Mul(yv, hn::Sub(g, vs)), dx + i * stride, count);
    }
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardFromOutputColumns(
      D d, const float* y, const float* dy, float* dx, size_t n, size_t stride,
      size_t count, const Scale& sc, bool /*safe*/) {
    auto dot = hn::Zero(d);
    auto dot_err = hn::Zero(d);
    for (size_t i = 0; i < n; ++i) {
      AddProductCompensated(d, dot, dot_err,
                            LoadPadded(d, y + i * stride, count),
                            LoadPadded(d, dy + i * stride, count));
    }
    double total[kMaxLanes];
    HWY_ALIGN float s[kMaxLanes];
    LaneTotals(d, dot, dot_err, total);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      s[k] = static_cast<float>(total[k]);
    }
    const auto vs = LoadLanes(d, s);
    for (size_t i = 0; i < n; ++i) {
      const auto yv = LoadPadded(d, y + i * stride, count);
      const auto g = LoadPadded(d, dy + i * stride, count);
      StorePartial(d, sc.MulDivideGrad(d, yv, hn::Sub(g, vs)), dx + i * stride,
                   count);
    }
  }
};

struct LogSoftmaxFamily {
  static constexpr bool kStreamsBackwardFromOutput = false;
  template <class D, class Scale>
  static HWY_INLINE void ForwardRow(D d, const float* x, float* y, size_t n,
                                    const Scale& sc, bool safe) {
    const float max = RowMax(d, x, n);
    if (safe && max == -INFINITY) {
      for (size_t i = 0; i < n; ++i) y[i] = -INFINITY;
      return;
    }
    LogSoftmaxForwardRowMax(d, x, y, n, max, sc);
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardRow(D d, const float* x, const float* dy,
                                     float* dx, size_t n, const Scale& sc,
                                     bool safe) {
    const float max = RowMax(d, x, n);
    if (safe && max == -INFINITY) return ZeroGradientRow(d, dy, dx, n);
    LogSoftmaxBackwardRowMax(d, x, dy, dx, n, max, sc);
  }
  // A safe row's y is all -inf (a normal row has a y >= -log n).
  template <class D, class Scale>
  static HWY_INLINE void BackwardFromOutputRow(D d, const float* y,
                                               const float* dy, float* dx,
                                               size_t n, const Scale& sc,
                                               bool safe) {
    if (safe && RowMax(d, y, n) == -INFINITY) {
      return ZeroGradientRow(d, dy, dx, n);
    }
    LogSoftmaxBackwardFromOutputRowT(d, y, dy, dx, n, sc);
  }

  template <class D, class Scale>
  static HWY_INLINE void ForwardColumns(D d, const float* x, float* y, size_t n,
                                        size_t stride, size_t count,
                                        const Scale& sc, bool safe) {
    const hn::RebindToSigned<D> di;
    const auto m = ColumnsMax(d, x, n, stride, count);
    auto sum = hn::Zero(d);
    auto err = hn::Zero(d);
    auto at_max = hn::Zero(di);  // counts down: a true mask is -1
    for (size_t i = 0; i < n; ++i) {
      const auto v = LoadPadded(d, x + i * stride, count);
      const auto is_max = hn::Eq(v, m);
      at_max = hn::Add(at_max, hn::BitCast(di, hn::VecFromMask(d, is_max)));
      AddCompensated(sum, err,
                     hn::IfThenZeroElse(is_max, sc.ExpOfDiff(d, v, m)));
    }
    double total[kMaxLanes];
    HWY_ALIGN float max_lanes[kMaxLanes];
    HWY_ALIGN int32_t count_lanes[kMaxLanes];
    HWY_ALIGN float l_hi[kMaxLanes];
    HWY_ALIGN float l_lo[kMaxLanes];
    LaneTotals(d, sum, err, total);
    hn::Store(m, d, max_lanes);
    hn::Store(at_max, di, count_lanes);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      // As LogSumExp: log1p of the sum without one maximal element.
      const int32_t c = -count_lanes[k];
      const double log_s =
          isfinite(max_lanes[k])
              ? log1p(total[k] + static_cast<double>(c > 0 ? c - 1 : 0))
              : NAN;
      l_hi[k] = static_cast<float>(log_s);
      l_lo[k] = static_cast<float>(log_s - l_hi[k]);
    }
    const auto vl_hi = LoadLanes(d, l_hi);
    const auto vl_lo = LoadLanes(d, l_lo);
    const auto dead = DeadLanes(d, m, safe);
    const auto neg_inf = hn::Set(d, -INFINITY);
    for (size_t i = 0; i < n; ++i) {
      const auto v = LoadPadded(d, x + i * stride, count);
      const auto out = sc.LogValue(d, v, m, vl_hi, vl_lo);
      StorePartial(d, hn::IfThenElse(dead, neg_inf, out), y + i * stride,
                   count);
    }
  }
  // Shared by both backward kinds: dx = (dy - p g) / T with p from
  // p_of(i), g = sum(dy); dead lanes get 0 (dy - sum(0 dy)).
  template <class D, class Scale, class P>
  static HWY_INLINE void BackwardColumnsWith(D d, const float* dy, float* dx,
                                             size_t n, size_t stride,
                                             size_t count, const Scale& sc,
                                             hn::Mask<D> dead, const P& p_of) {
    const auto zero = hn::Zero(d);
    auto g = zero;
    auto g_err = zero;
    auto zero_dot = zero;
    for (size_t i = 0; i < n; ++i) {
      const auto v = LoadPadded(d, dy + i * stride, count);
      AddCompensated(g, g_err, v);
      zero_dot = hn::Add(zero_dot, hn::Mul(zero, v));
    }
    double total[kMaxLanes];
    HWY_ALIGN float gs[kMaxLanes];
    LaneTotals(d, g, g_err, total);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      gs[k] = static_cast<float>(total[k]);
    }
    const auto vg = LoadLanes(d, gs);
    for (size_t i = 0; i < n; ++i) {
      const auto dyv = LoadPadded(d, dy + i * stride, count);
      const auto out = sc.DivideGrad(d, hn::NegMulAdd(p_of(i), vg, dyv));
      StorePartial(
          d, hn::IfThenElse(dead, hn::Mul(zero, hn::Sub(dyv, zero_dot)), out),
          dx + i * stride, count);
    }
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardColumns(D d, const float* x, const float* dy,
                                         float* dx, size_t n, size_t stride,
                                         size_t count, const Scale& sc,
                                         bool safe) {
    const auto m = ColumnsMax(d, x, n, stride, count);
    // S = sum exp((x - m) / T), compensated (the max terms are exactly 1).
    auto sum = hn::Zero(d);
    auto err = hn::Zero(d);
    for (size_t i = 0; i < n; ++i) {
      AddCompensated(sum, err,
                     sc.ExpOfDiff(d, LoadPadded(d, x + i * stride, count), m));
    }
    double total[kMaxLanes];
    HWY_ALIGN float inv[kMaxLanes];
    LaneTotals(d, sum, err, total);
    for (size_t k = 0; k < hn::Lanes(d); ++k) {
      inv[k] = static_cast<float>(1.0 / total[k]);
    }
    const auto vinv = LoadLanes(d, inv);
    BackwardColumnsWith(d, dy, dx, n, stride, count, sc, DeadLanes(d, m, safe),
                        [&](size_t i) HWY_ATTR {
                          const auto v = LoadPadded(d, x + i * stride, count);
                          return hn::Mul(sc.ExpOfDiff(d, v, m), vinv);
                        });
  }
  template <class D, class Scale>
  static HWY_INLINE void BackwardFromOutputColumns(D d, const float* y,
                                                   const float* dy, float* dx,
                                                   size_t n, size_t stride,
                                                   size_t count,
                                                   const Scale& sc, bool safe) {
    const auto dead =
        safe ? DeadLanes(d, ColumnsMax(d, y, n, stride, count), true)
             : hn::FirstN(d, 0);
    BackwardColumnsWith(d, dy, dx, n, stride, count, sc, dead,
                        [&](size_t i) HWY_ATTR {
                          return Exp(d, LoadPadded(d, y + i * stride, count));
                        });
  }
};

// One kind of a family on `rows` contiguous rows of n. A function of its own
// for each family, kind and scale: inlined into one entry point with every
// other case, the row loops had a 2 KiB stack frame and spilled their
// accumulators (softmax backward from y over 16 columns: 27 -> 16 ns a
// call; over 1000: 112 -> 105 ns, on Zen 4).
template <class Family, int kKind, class D, class Scale>
HWY_NOINLINE void FamilyRowsOfKind(D d, const float* in, const float* dy,
                                   float* out, size_t rows, size_t n,
                                   const Scale& sc, bool safe) {
#if SIMDACT_STREAMING_STORES
  // Softmax backward from y is one pass of loads and stores after the dot
  // product: for a tensor larger than the last-level cache, not in place,
  // its rows are written with streaming stores (as RunElementwise).
  if constexpr (kKind == internal::kBackwardFromOutput &&
                Family::kStreamsBackwardFromOutput) {
    if (StreamsOutput(rows * n, in, dy, out)) {
      for (size_t r = 0; r < rows; ++r) {
        const size_t offset = r * n;
        SoftmaxBackwardFromOutputRowT<true>(d, in + offset, dy + offset,
                                            out + offset, n, sc);
      }
      return;
    }
  }
#endif
  for (size_t r = 0; r < rows; ++r) {
    const size_t offset = r * n;
    if (kKind == internal::kForward) {
      Family::ForwardRow(d, in + offset, out + offset, n, sc, safe);
    } else if (kKind == internal::kBackward) {
      Family::BackwardRow(d, in + offset, dy + offset, out + offset, n, sc,
                          safe);
    } else {
      Family::BackwardFromOutputRow(d, in + offset, dy + offset, out + offset,
                                    n, sc, safe);
    }
  }
}

template <class Family, class D, class Scale>
HWY_INLINE void RunFamilyRows(D d, int kind, const float* in, const float* dy,
                              float* out, size_t rows, size_t n,
                              const Scale& sc, bool safe) {
  switch (kind) {
    case internal::kForward:
      return FamilyRowsOfKind<Family, internal::kForward>(d, in, dy, out, rows,
                                                          n, sc, safe);
    case internal::kBackward:
      return FamilyRowsOfKind<Family, internal::kBackward>(d, in, dy, out, rows,
                                                           n, sc, safe);
    case internal::kBackwardFromOutput:
      return FamilyRowsOfKind<Family, internal::kBackwardFromOutput>(
          d, in, dy, out, rows, n, sc, safe);
  }
}

// [rows, cols] -> [cols, rows].
HWY_INLINE void Transpose(const float* from, float* to, size_t rows,
                          size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) to[c * rows + r] = from[r * cols + c];
  }
}

// One kind of a family over the whole tensor: rows for inner == 1; for
// 1 < inner < Lanes(d), where a vector across inner would be mostly padding
// (measured 20x slower than rows for inner = 3 on AVX-512), each [cols,
// inner] slab is transposed into scratch, run as rows and transposed back;
// else blocks of Lanes(d) inner columns.
template <class Family, class Scale>
HWY_INLINE void RunSoftmaxFamily(const internal::SoftmaxArgs& a,
                                 const Scale& sc) {
  const hn::ScalableTag<float> d;
  const size_t n = a.cols;
  if (a.inner <= 1) {
    return RunFamilyRows<Family>(d, a.kind, a.in, a.dy, a.out, a.outer, n, sc,
                                 a.safe);
  }
  const size_t N = hn::Lanes(d);
  if (a.inner < N) {
    const size_t slab = n * a.inner;
    const bool backward = a.kind != internal::kForward;
    std::vector<float> in(slab), dy(backward ? slab : 0);
    for (size_t o = 0; o < a.outer; ++o) {
      Transpose(a.in + o * slab, in.data(), n, a.inner);
      if (backward) Transpose(a.dy + o * slab, dy.data(), n, a.inner);
      // The row kernels may write over their x (forward) or dy (backward).
      float* out = backward ? dy.data() : in.data();
      RunFamilyRows<Family>(d, a.kind, in.data(), dy.data(), out, a.inner, n,
                            sc, a.safe);
      Transpose(out, a.out + o * slab, a.inner, n);
    }
    return;
  }
  for (size_t o = 0; o < a.outer; ++o) {
    for (size_t j = 0; j < a.inner; j += N) {
      const size_t offset = o * n * a.inner + j;
      const size_t count = a.inner - j < N ? a.inner - j : N;
      switch (a.kind) {
        case internal::kForward:
          Family::ForwardColumns(d, a.in + offset, a.out + offset, n, a.inner,
                                 count, sc, a.safe);
          break;
        case internal::kBackward:
          Family::BackwardColumns(d, a.in + offset, a.dy + offset,
                                  a.out + offset, n, a.inner, count, sc,
                                  a.safe);
          break;
        case internal::kBackwardFromOutput:
          Family::BackwardFromOutputColumns(d, a.in + offset, a.dy + offset,
                                            a.out + offset, n, a.inner, count,
                                            sc, a.safe);
          break;
      }
    }
  }
}

// T == 1 runs the kernels without a temperature (bit for bit as before).
template <class Family>
HWY_INLINE void RunSoftmaxFamily(const internal::SoftmaxArgs& a) {
  if (a.temperature == 1.0f) {
    RunSoftmaxFamily<Family>(a, NoTemperature());
  } else {
    RunSoftmaxFamily<Family>(a, WithTemperature{a.temperature});
  }
}

// The per-target entry points (see KernelSet::softmax, ::log_softmax).
void SoftmaxRows(const internal::SoftmaxArgs& args) {
  RunSoftmaxFamily<SoftmaxFamily>(args);
}
void LogSoftmaxRows(const internal::SoftmaxArgs& args) {
  RunSoftmaxFamily<LogSoftmaxFamily>(args);
}

// PReLU on one contiguous block of n elements sharing the slope `alpha`.
// Returns sum(dy * x where !(x > 0)) when `want_dalpha`.
template <class D>
HWY_INLINE double PReluBlock(D d, int kind, const float* in, const float* dy,
                             float* out, float alpha, size_t n,
                             bool want_dalpha) {
  RunElementwise(LeakyReluOp{alpha}, kind, in, dy, out, n);
  if (!want_dalpha) return 0.0;
  auto sum = hn::Zero(d);
  auto sum_err = hn::Zero(d);
  ForEachVector(d, in, n, 1.0f, [&](size_t i, auto x, size_t count) HWY_ATTR {
    const auto g = LoadPadded(d, dy + i, count);
    const auto neg_x = hn::IfThenZeroElse(hn::Gt(x, hn::Zero(d)), x);
    AddProductCompensated(d, sum, sum_err, neg_x, g);
  });
  return CompensatedTotal(d, sum, sum_err);
}

// One PReLU kind on a vector: x, per-lane slopes a, upstream gradient g.
template <int kKind, class D, class V = hn::Vec<D>>
HWY_INLINE V PReluValue(D d, V x, V a, V g) {
  if (kKind == internal::kForward) return LeakyValue(d, x, a);
  const V deriv = StepOrSlope(d, x, a);
  if (kKind == internal::kDerivative) return deriv;
  return hn::Mul(g, deriv);  // both backward kinds: y > 0 iff x > 0
}

// Channels-last (inner == 1): rows of `channels` elements, the slope vector
// loaded along the row. kStream: the whole vectors are written with
// streaming stores (see Map1), which needs every one of them aligned
// (PReluCanStream).
template <int kKind, bool kStream = false, class D>
HWY_INLINE void PReluChannelsLast(D d, const internal::PReluArgs& args) {
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  const size_t channels = args.channels;
  auto one_vector = [&](size_t offset, size_t i, size_t count) HWY_ATTR {
    const V x = LoadPadded(d, args.in + offset + i, count);
    const V a = LoadPadded(d, args.alpha + i, count);
    const V g = kKind >= internal::kBackward
                    ? LoadPadded(d, args.dy + offset + i, count)
                    : hn::Zero(d);
    const V y = PReluValue<kKind>(d, x, a, g);
    if constexpr (kStream) {
      Put<true>(d, y, args.out + offset + i);
    } else {
      StorePartial(d, y, args.out + offset + i, count);
    }
  };
  for (size_t o = 0; o < args.outer; ++o) {
    const size_t offset = o * channels;
    size_t i = 0;
    for (; i + N <= channels; i += N) one_vector(offset, i, N);
    if (!kStream && i < channels) one_vector(offset, i, channels - i);
  }
  if (kStream) hwy::FlushStream();
}

// Whether PReLU's channels-last loops may write with streaming stores: an
// output larger than the last-level cache, not in place (as RunElementwise),
// all of whose vectors are whole and aligned.
template <class D>
HWY_INLINE bool PReluCanStream(D d, const internal::PReluArgs& a) {
  const size_t N = hn::Lanes(d);
  return StreamsOutput(a.outer * a.channels, a.in, a.dy, a.out) &&
         a.channels % N == 0 &&
         reinterpret_cast<uintptr_t>(a.out) % (N * sizeof(float)) == 0;
}

template <bool kStream = false, class D>
HWY_INLINE void PReluChannelsLastOfKind(D d, const internal::PReluArgs& a) {
#if SIMDACT_STREAMING_STORES
  if (!kStream && PReluCanStream(d, a)) {
    return PReluChannelsLastOfKind<true>(d, a);
  }
#endif
  switch (a.kind) {
    case internal::kForward:
      return PReluChannelsLast<internal::kForward, kStream>(d, a);
    case internal::kDerivative:
      return PReluChannelsLast<internal::kDerivative, kStream>(d, a);
    case internal::kBackward:
      return PReluChannelsLast<internal::kBackward, kStream>(d, a);
    default:
      return PReluChannelsLast<internal::kBackwardFromOutput, kStream>(d, a);
  }
}

// Channels-last backward with dalpha, row by row in memory order (so the
// hardware prefetchers see three plain streams: x, dy, dx): for each vector
// of channels, dx is stored and the products dy * x over x <= 0 are added
// to the caller's double accumulators args.dalpha[c], which stay in L1.
// Products of two floats are exact in double and cannot overflow there; the
// sum of n products loses < n * 2^-53 of sum |dy x|. (Walking tiles of rows
// column by column, with the sums in registers, ran at half of oneDNN's
// speed at DRAM sizes: the strided order defeated the prefetchers.)
template <bool kFull, bool kStream = false, class D>
HWY_INLINE void PReluBackwardStep(D d, const internal::PReluArgs& args,
                                  size_t offset, size_t i, size_t count) {
  using V = hn::Vec<D>;
  auto load = [&](const float* p) HWY_ATTR {
    return kFull ? hn::LoadU(d, p) : LoadPadded(d, p, count);
  };
  const V a = load(args.alpha + i);
  const V x = load(args.in + offset + i);
  const V g = load(args.dy + offset + i);
  const V dx = PReluValue<internal::kBackward>(d, x, a, g);
  if (kFull) {
    Put<kStream>(d, dx, args.out + offset + i);
  } else {
    StorePartial(d, dx, args.out + offset + i, count);
  }
  // Both factors zeroed where x > 0, so that dy = inf there adds nothing.
  const auto pos = hn::Gt(x, hn::Zero(d));
  const V neg_x = hn::IfThenZeroElse(pos, x);
  const V neg_g = hn::IfThenZeroElse(pos, g);
  double* dalpha = args.dalpha + i;
#if HWY_TARGET == HWY_SCALAR
  dalpha[0] += static_cast<double>(hn::GetLane(neg_x)) * hn::GetLane(neg_g);
#else
  const hn::Repartition<double, D> dd;
  const hn::Half<D> dh;
  const auto lo = hn::Mul(hn::PromoteTo(dd, hn::LowerHalf(dh, neg_x)),
                          hn::PromoteTo(dd, hn::LowerHalf(dh, neg_g)));
  const auto hi = hn::Mul(hn::PromoteTo(dd, hn::UpperHalf(dh, neg_x)),
                          hn::PromoteTo(dd, hn::UpperHalf(dh, neg_g)));
  const size_t half = hn::Lanes(dd);
  if (kFull) {
    hn::StoreU(hn::Add(hn::LoadU(dd, dalpha), lo), dd, dalpha);
    hn::StoreU(hn::Add(hn::LoadU(dd, dalpha + half), hi), dd, dalpha + half);
  } else {
    // (Zeroed: GCC cannot see that count <= 2 * half.)
    HWY_ALIGN double lanes[kMaxLanes] = {};
    hn::Store(lo, dd, lanes);
    hn::Store(hi, dd, lanes + half);
    for (size_t k = 0; k < count; ++k) dalpha[k] += lanes[k];
  }
#endif
}

template <bool kStream = false, class D>
HWY_INLINE void PReluChannelsLastWithDalpha(D d,
                                            const internal::PReluArgs& args) {
#if SIMDACT_STREAMING_STORES
  if (!kStream && PReluCanStream(d, args)) {
    return PReluChannelsLastWithDalpha<true>(d, args);
  }
#endif
  const size_t N = hn::Lanes(d);
  for (size_t r = 0; r < args.outer; ++r) {
    const size_t offset = r * args.channels;
    size_t i = 0;
    for (; i + N <= args.channels; i += N) {
      PReluBackwardStep<true, kStream>(d, args, offset, i, N);
    }
    if (i < args.channels) {
      PReluBackwardStep<false>(d, args, offset, i, args.channels - i);
    }
  }
  if (kStream) hwy::FlushStream();
}

// sum(dy * x where !(x > 0)) over n elements `stride` apart, in double (the
// products of two floats are exact there). The fallback when a float
// product overflowed in the vector sum, which double does not.
HWY_INLINE double NegativePartDotDouble(const float* x, const float* dy,
                                        size_t n, size_t stride) {
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i * stride];
    if (!(v > 0.0f)) sum += static_cast<double>(v) * dy[i * stride];
  }
  return sum;
}

// Whether all n floats are finite: x - x is 0 for a finite x and NaN
// otherwise, and a sum of such terms stays NaN. (The C API checks PReLU's
// slopes on every call; its plain loop took 40% of a 4 KiB PReLU.)
bool AllFinite(const float* p, size_t n) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  auto acc0 = hn::Zero(d);
  auto acc1 = hn::Zero(d);
  size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto v0 = hn::LoadU(d, p + i);
    const auto v1 = hn::LoadU(d, p + i + N);
    acc0 = hn::Add(acc0, hn::Sub(v0, v0));
    acc1 = hn::Add(acc1, hn::Sub(v1, v1));
  }
  for (; i < n; i += N) {
    const auto v = LoadPadded(d, p + i, HWY_MIN(n - i, N));
    acc0 = hn::Add(acc0, hn::Sub(v, v));
  }
  return hn::AllTrue(d, hn::Eq(hn::Add(acc0, acc1), hn::Zero(d)));
}

// Channels-first with short blocks (inner <= kPReluShortBlock, as a 4x4 or
// 7x7 feature map): each block's vectors inline, its slope broadcast. A
// call of RunElementwise per block cost more than the block itself: with
// blocks of 16 floats, a 4 KiB forward took 243-248 ns that way and 83-87
// this way (avx3; avx2 301-303 -> 94-100; bench: prelu.*/4KiB).
constexpr size_t kPReluShortBlock = 64;

template <int kKind, class D>
HWY_INLINE void PReluShortBlocks(D d, const internal::PReluArgs& args) {
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  const size_t inner = args.inner;
  for (size_t o = 0; o < args.outer; ++o) {
    for (size_t c = 0; c < args.channels; ++c) {
      const size_t offset = (o * args.channels + c) * inner;
      const V a = hn::Set(d, args.alpha[c]);
      for (size_t i = 0; i < inner; i += N) {
        const size_t count = HWY_MIN(N, inner - i);
        const V x = LoadPadded(d, args.in + offset + i, count);
        const V g = kKind >= internal::kBackward
                        ? LoadPadded(d, args.dy + offset + i, count)
                        : hn::Zero(d);
        StorePartial(d, PReluValue<kKind>(d, x, a, g), args.out + offset + i,
                     count);
      }
    }
  }
}

template <class D>
HWY_INLINE void PReluShortBlocksOfKind(D d, const internal::PReluArgs& a) {
  switch (a.kind) {
    case internal::kForward:
      return PReluShortBlocks<internal::kForward>(d, a);
    case internal::kDerivative:
      return PReluShortBlocks<internal::kDerivative>(d, a);
    case internal::kBackward:
      return PReluShortBlocks<internal::kBackward>(d, a);
    default:
      return PReluShortBlocks<internal::kBackwardFromOutput>(d, a);
  }
}

// The per-target entry point (see KernelSet::prelu).
void PRelu(const internal::PReluArgs& caller_args) {
  // A local copy: the stores through a.out could alias the caller's struct,
  // so the compiler reloaded every pointer from it after every vector (PReLU
  // forward at 4 KiB ran at 0.6x of Eigen's speed).
  const internal::PReluArgs a = caller_args;
  const hn::ScalableTag<float> d;
  const bool want_dalpha = a.kind == internal::kBackward && a.dalpha != nullptr;
  if (a.inner == 1 && a.channels > 1) {
#if SIMDACT_AVX512
    // Memory-bound: on 256-bit vectors for long buffers on Zen 4, as the
    // element-wise loops (kernel_set.h); the same bits.
    if (a.outer * a.channels >= internal::g_narrow_loops_from) {
      const hn::CappedTag<float, 8> d8;
      if (want_dalpha) return PReluChannelsLastWithDalpha(d8, a);
      return PReluChannelsLastOfKind(d8, a);
    }
#endif
    if (want_dalpha) return PReluChannelsLastWithDalpha(d, a);
    return PReluChannelsLastOfKind(d, a);
  }
  if (!want_dalpha && a.inner <= kPReluShortBlock) {
    return PReluShortBlocksOfKind(d, a);
  }
  for (size_t o = 0; o < a.outer; ++o) {
    for (size_t c = 0; c < a.channels; ++c) {
      const size_t offset = (o * a.channels + c) * a.inner;
      double s =
          PReluBlock(d, a.kind, a.in + offset, a.dy ? a.dy + offset : nullptr,
                     a.out + offset, a.alpha[c], a.inner, want_dalpha);
      if (want_dalpha && !isfinite(s)) {
        s = NegativePartDotDouble(a.in + offset, a.dy + offset, a.inner, 1);
      }
      if (want_dalpha) a.dalpha[c] += s;
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_ROWS_INL_H_
