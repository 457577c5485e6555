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
// dx may alias dy). Error <= 6 ULP of y_i (|dy_i| + |s|): the subtraction
// dy_i - s may cancel, which no float algorithm avoids.

#if defined(SIMDACT_KERNELS_ROWS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_ROWS_INL_H_
#undef SIMDACT_KERNELS_ROWS_INL_H_
#else
#define SIMDACT_KERNELS_ROWS_INL_H_
#endif

#include <math.h>
#include <stddef.h>
#include <string.h>

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
  HWY_ALIGN float buf[kMaxLanes];
  for (size_t k = 0; k < hn::Lanes(d); ++k) buf[k] = pad;
  memcpy(buf, p, count * sizeof(float));
  return hn::Load(d, buf);
}

// Stores the first count <= Lanes(d) lanes of v to p.
template <class D>
HWY_INLINE void StorePartial(D d, hn::Vec<D> v, float* p, size_t count) {
  if (count == hn::Lanes(d)) return hn::StoreU(v, d, p);
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

// Three passes (max; exp to y; scale). Fusing the sum into the exp pass was
// measured 15% slower on AVX2 (Zen 4): the loop-carried compensated sum
// stalls the long exp chains that the plain exp pass overlaps.
template <class D>
HWY_INLINE void SoftmaxForwardRow(D d, const float* x, float* y, size_t n) {
  const float max = RowMax(d, x, n);
  const auto m = hn::Set(d, max);
  auto sum = hn::Zero(d);
  auto sum_err = hn::Zero(d);
  // x may alias y: each vector is read before it is written.
  Map1(d, x, y, n,
       [&](hn::Vec<D> v) HWY_ATTR { return ExpOfDifference(d, v, m); });
  ForEachVector(d, y, n, 0.0f, [&](size_t, auto e, size_t) HWY_ATTR {
    AddCompensated(sum, sum_err, e);
  });
  const auto inv =
      hn::Set(d, static_cast<float>(1.0 / CompensatedTotal(d, sum, sum_err)));
  Map1(d, y, y, n, [&](hn::Vec<D> e) HWY_ATTR { return hn::Mul(e, inv); });
}

// dx_i = y_i (dy_i - s), s = sum(dy_i y_i); y from the output.
template <class D>
HWY_INLINE void SoftmaxBackwardFromOutputRow(D d, const float* y,
                                             const float* dy, float* dx,
                                             size_t n) {
  auto dot = hn::Zero(d);
  auto dot_err = hn::Zero(d);
  ForEachVector(d, y, n, 0.0f, [&](size_t i, auto yv, size_t count) HWY_ATTR {
    AddProductCompensated(d, dot, dot_err, yv, LoadPadded(d, dy + i, count));
  });
  const auto s =
      hn::Set(d, static_cast<float>(CompensatedTotal(d, dot, dot_err)));
  Map2(d, y, dy, dx, n, [&](hn::Vec<D> yv, hn::Vec<D> g) HWY_ATTR {
    return hn::Mul(yv, hn::Sub(g, s));
  });
}

// Same from x: y_i = exp(x_i - m) / S is recomputed in the last pass.
template <class D>
HWY_INLINE void SoftmaxBackwardRow(D d, const float* x, const float* dy,
                                   float* dx, size_t n) {
  const float max = RowMax(d, x, n);
  const auto m = hn::Set(d, max);
  auto sum = hn::Zero(d);
  auto sum_err = hn::Zero(d);
  auto dot = hn::Zero(d);
  auto dot_err = hn::Zero(d);
  ForEachVector(
      d, x, n, -INFINITY, [&](size_t i, auto xv, size_t count) HWY_ATTR {
        const auto e =
            hn::IfThenElseZero(hn::FirstN(d, count), ExpOfDifference(d, xv, m));
        AddCompensated(sum, sum_err, e);
        AddProductCompensated(d, dot, dot_err, e, LoadPadded(d, dy + i, count));
      });
  const double total = CompensatedTotal(d, sum, sum_err);
  const auto inv = hn::Set(d, static_cast<float>(1.0 / total));
  const auto s =
      hn::Set(d, static_cast<float>(CompensatedTotal(d, dot, dot_err) / total));
  Map2(d, x, dy, dx, n, [&](hn::Vec<D> xv, hn::Vec<D> g) HWY_ATTR {
    const auto yv = hn::Mul(ExpOfDifference(d, xv, m), inv);
    return hn::Mul(yv, hn::Sub(g, s));
  });
}

// The per-target entry point (see KernelSet::softmax).
void SoftmaxRows(int kind, const float* in, const float* dy, float* out,
                 size_t rows, size_t cols) {
  const hn::ScalableTag<float> d;
  for (size_t r = 0; r < rows; ++r) {
    const size_t offset = r * cols;
    switch (kind) {
      case internal::kForward:
        SoftmaxForwardRow(d, in + offset, out + offset, cols);
        break;
      case internal::kBackward:
        SoftmaxBackwardRow(d, in + offset, dy + offset, out + offset, cols);
        break;
      case internal::kBackwardFromOutput:
        SoftmaxBackwardFromOutputRow(d, in + offset, dy + offset, out + offset,
                                     cols);
        break;
    }
  }
}

// Log-softmax, per row: y_i = (x_i - m) - log S, S = sum exp(x_j - m).
// log S is log1p of the sum without one maximal element (that element's
// term is exactly 1), so a row dominated by one element keeps full relative
// accuracy in its y near 0; x_i - m is carried in two floats (2Sum) and
// y_i = (hi - L_hi) + (lo - L_lo) with L = log S split in two floats. The
// two terms have the same sign, so nothing cancels: <= 2 ULP.
// Backward: dx_i = dy_i - softmax_i * sum(dy), fused (one rounding), with a
// compensated sum(dy); softmax_i = exp(y_i) from y, or exp(x_i - m) / S.

// log S for the row, in double, as described above.
template <class D>
HWY_INLINE double LogSumExp(D d, const float* x, size_t n, float max,
                            double* sum_out) {
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
        hn::IfThenElseZero(hn::AndNot(is_max, valid), ExpOfDifference(d, v, m));
    AddCompensated(sum, sum_err, e);
  });
  // Every element equal to m contributes exactly 1; keep one of them out.
  const double rest = CompensatedTotal(d, sum, sum_err) +
                      static_cast<double>(at_max > 0 ? at_max - 1 : 0);
  *sum_out = 1.0 + rest;
  return log1p(rest);
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

template <class D>
HWY_INLINE void LogSoftmaxForwardRow(D d, const float* x, float* y, size_t n) {
  const float max = RowMax(d, x, n);
  const auto m = hn::Set(d, max);
  double s;
  const double log_s = LogSumExp(d, x, n, max, &s);
  const float l_hi = static_cast<float>(log_s);
  const auto vl_hi = hn::Set(d, l_hi);
  const auto vl_lo = hn::Set(d, static_cast<float>(log_s - l_hi));
  Map1(d, x, y, n, [&](hn::Vec<D> v) HWY_ATTR {
    return LogSoftmaxValue(d, v, m, vl_hi, vl_lo);
  });
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

template <class D>
HWY_INLINE void LogSoftmaxBackwardFromOutputRow(D d, const float* y,
                                                const float* dy, float* dx,
                                                size_t n) {
  const auto g = hn::Set(d, RowSum(d, dy, n));
  Map2(d, y, dy, dx, n, [&](hn::Vec<D> yv, hn::Vec<D> dyv) HWY_ATTR {
    return hn::NegMulAdd(Exp(d, yv), g, dyv);
  });
}

template <class D>
HWY_INLINE void LogSoftmaxBackwardRow(D d, const float* x, const float* dy,
                                      float* dx, size_t n) {
  const float max = RowMax(d, x, n);
  const auto m = hn::Set(d, max);
  double s;
  LogSumExp(d, x, n, max, &s);
  const auto inv = hn::Set(d, static_cast<float>(1.0 / s));
  const auto g = hn::Set(d, RowSum(d, dy, n));
  Map2(d, x, dy, dx, n, [&](hn::Vec<D> xv, hn::Vec<D> dyv) HWY_ATTR {
    const auto p = hn::Mul(ExpOfDifference(d, xv, m), inv);
    return hn::NegMulAdd(p, g, dyv);
  });
}

// The per-target entry point (see KernelSet::log_softmax).
void LogSoftmaxRows(int kind, const float* in, const float* dy, float* out,
                    size_t rows, size_t cols) {
  const hn::ScalableTag<float> d;
  for (size_t r = 0; r < rows; ++r) {
    const size_t offset = r * cols;
    switch (kind) {
      case internal::kForward:
        LogSoftmaxForwardRow(d, in + offset, out + offset, cols);
        break;
      case internal::kBackward:
        LogSoftmaxBackwardRow(d, in + offset, dy + offset, out + offset, cols);
        break;
      case internal::kBackwardFromOutput:
        LogSoftmaxBackwardFromOutputRow(d, in + offset, dy + offset,
                                        out + offset, cols);
        break;
    }
  }
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
  const auto pos = hn::Gt(x, hn::Zero(d));
  if (kKind == internal::kForward) return hn::IfThenElse(pos, x, hn::Mul(x, a));
  const V deriv = KeepNaN(x, hn::IfThenElse(pos, hn::Set(d, 1.0f), a));
  if (kKind == internal::kDerivative) return deriv;
  return hn::Mul(g, deriv);  // both backward kinds: y > 0 iff x > 0
}

// Channels-last (inner == 1): rows of `channels` elements, the slope vector
// loaded along the row.
template <int kKind, class D>
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
    StorePartial(d, PReluValue<kKind>(d, x, a, g), args.out + offset + i,
                 count);
  };
  for (size_t o = 0; o < args.outer; ++o) {
    const size_t offset = o * channels;
    size_t i = 0;
    for (; i + N <= channels; i += N) one_vector(offset, i, N);
    if (i < channels) one_vector(offset, i, channels - i);
  }
}

// Channels-last backward with dalpha: rows go in tiles of kTileRows (which
// stay in cache while the loop walks the channels), and for each vector of
// channels the tile's sum of dy * x over x <= 0 is kept in two double
// vectors in registers, added to dalpha once per tile. Products of two
// floats are exact in double, and cannot overflow there; the sum of n
// products loses < n * 2^-53 of sum |dy x|. (This replaced compensated float
// sums kept in a scratch buffer: 2.3x faster at 256 KiB.)
constexpr size_t kTileRows = 64;

template <bool kFull, class D>
HWY_INLINE void PReluBackwardTile(D d, const internal::PReluArgs& args,
                                  size_t row0, size_t rows, size_t i,
                                  size_t count) {
  using V = hn::Vec<D>;
  const size_t channels = args.channels;
  auto load = [&](const float* p) HWY_ATTR {
    return kFull ? hn::LoadU(d, p) : LoadPadded(d, p, count);
  };
  const V a = load(args.alpha + i);
#if HWY_TARGET == HWY_SCALAR
  double sum = 0.0;
#else
  const hn::Repartition<double, D> dd;
  const hn::Half<D> dh;
  auto sum_lo = hn::Zero(dd);
  auto sum_hi = hn::Zero(dd);
#endif
  for (size_t r = row0; r < row0 + rows; ++r) {
    const size_t offset = r * channels + i;
    const V x = load(args.in + offset);
    const V g = load(args.dy + offset);
    const V dx = PReluValue<internal::kBackward>(d, x, a, g);
    if (kFull) {
      hn::StoreU(dx, d, args.out + offset);
    } else {
      StorePartial(d, dx, args.out + offset, count);
    }
    // Both factors zeroed where x > 0, so that dy = inf there adds nothing.
    const auto pos = hn::Gt(x, hn::Zero(d));
    const V neg_x = hn::IfThenZeroElse(pos, x);
    const V neg_g = hn::IfThenZeroElse(pos, g);
#if HWY_TARGET == HWY_SCALAR
    sum += static_cast<double>(hn::GetLane(neg_x)) * hn::GetLane(neg_g);
#else
    sum_lo = hn::MulAdd(hn::PromoteTo(dd, hn::LowerHalf(dh, neg_x)),
                        hn::PromoteTo(dd, hn::LowerHalf(dh, neg_g)), sum_lo);
    sum_hi = hn::MulAdd(hn::PromoteTo(dd, hn::UpperHalf(dh, neg_x)),
                        hn::PromoteTo(dd, hn::UpperHalf(dh, neg_g)), sum_hi);
#endif
  }
#if HWY_TARGET == HWY_SCALAR
  args.dalpha[i] += sum;
#else
  HWY_ALIGN double lanes[kMaxLanes];
  hn::Store(sum_lo, dd, lanes);
  hn::Store(sum_hi, dd, lanes + hn::Lanes(dd));
  for (size_t k = 0; k < count; ++k) args.dalpha[i + k] += lanes[k];
#endif
}

template <class D>
HWY_INLINE void PReluChannelsLastWithDalpha(D d,
                                            const internal::PReluArgs& args) {
  const size_t N = hn::Lanes(d);
  for (size_t row0 = 0; row0 < args.outer; row0 += kTileRows) {
    const size_t rows = HWY_MIN(kTileRows, args.outer - row0);
    size_t i = 0;
    for (; i + N <= args.channels; i += N) {
      PReluBackwardTile<true>(d, args, row0, rows, i, N);
    }
    if (i < args.channels) {
      PReluBackwardTile<false>(d, args, row0, rows, i, args.channels - i);
    }
  }
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

// The per-target entry point (see KernelSet::prelu).
void PRelu(const internal::PReluArgs& a) {
  const hn::ScalableTag<float> d;
  const bool want_dalpha = a.kind == internal::kBackward && a.dalpha != nullptr;
  if (a.inner == 1 && a.channels > 1) {
    switch (a.kind) {
      case internal::kForward:
        PReluChannelsLast<internal::kForward>(d, a);
        break;
      case internal::kDerivative:
        PReluChannelsLast<internal::kDerivative>(d, a);
        break;
      case internal::kBackward:
        if (want_dalpha) {
          PReluChannelsLastWithDalpha(d, a);
        } else {
          PReluChannelsLast<internal::kBackward>(d, a);
        }
        break;
      default:
        PReluChannelsLast<internal::kBackwardFromOutput>(d, a);
        break;
    }
    return;
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
