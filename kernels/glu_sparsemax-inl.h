// GLU and Sparsemax over a tensor viewed as [outer, cols, inner], along the
// middle axis (inner == 1: the last axis).
//
// GLU: x splits along the axis into a (first half) and b (second half);
// y = a * sigmoid(b), of shape [outer, cols/2, inner]. For each outer index
// a and b are two contiguous runs of cols/2 * inner floats (whatever inner
// is), so GLU is an element-wise op on two runs. sigmoid <= 2 ULP and one
// product: forward <= 3 ULP. Backward: dx_a = dy s (<= 3 ULP), dx_b =
// dy (a s') with s' = s(1 - s) = e/(1 + e)^2, e = exp(-|b|), from
// SigmoidOp::Derivative (<= 3 ULP, no cancellation), and two products:
// <= 4 ULP. a s' is formed first: |s'| <= 1/4, so it never overflows.
//
// Sparsemax, per row: y = max(x - tau, 0) with sum y = 1. With m = max(x)
// and z = x - m, tau' = tau - m lies in [-1, 0). Michelot's iteration
// tau' <- (sum_{z_i > tau'} z_i - 1) / |S|, from tau' = -1, never overshoots
// and shrinks the support each pass until it is fixed: at most n passes, in
// practice few (measured <= 11 for rows of 10^4 from uniform, normal,
// exponential and power-law distributions; about log n), each a vector
// compare plus a scalar sum over the support. Faster than a sort.
// The support {x > m + tau'} is tested exactly in float (against the
// largest float <= m + tau'), the sum of z_i = x_i - m over it is in double
// with 2Sum compensation: |error of tau'| <= 2^-51 (the sum's terms
// are in [-1, 0]). y = (x - m) - tau' in 2Sums with tau' in two floats:
// |y - exact| <= 0.5 ULP(y) + 2^-46, whatever m is (the test allows 1 ULP
// of y plus 2^-20 ULP of max(max|x|, 1)).
// The sum is a scalar loop over the support's lanes only: vectors with no
// lane in the support cost one compare.
// Special rows: NaN or +inf anywhere, or all -inf: a row of NaN (as
// softmax); -inf elements among finite ones give 0.
// Backward: dx_i = [i in S] (dy_i - v), v = mean of dy over S, summed in
// double; [i in S] multiplies (IEEE, as TF Addons), so a non-finite
// dy_i - v gives NaN off the support too. From x the support is recomputed
// as in the forward pass; from y it is {y > 0} (NaN y gives NaN).
// dy - v in two floats and 2Sum: |dx - exact| <= 0.5 ULP(dx) + 2^-46 |v|.
//
// inner > 1: each column is gathered into a contiguous scratch row, run
// through the row kernel and scattered back.

#if defined(SIMDACT_KERNELS_GLU_SPARSEMAX_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_GLU_SPARSEMAX_INL_H_
#undef SIMDACT_KERNELS_GLU_SPARSEMAX_INL_H_
#else
#define SIMDACT_KERNELS_GLU_SPARSEMAX_INL_H_
#endif

#include <math.h>
#include <stddef.h>

#include <vector>

#include "hwy/highway.h"
#include "kernels/elementwise-inl.h"
#include "kernels/kernel_set.h"
#include "kernels/rows-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ---------------------------------------------------------------- GLU

// dx_a = dy s, dx_b = dy (a s') over runs of n floats.
template <class D>
HWY_INLINE void GluBackwardRun(D d, const float* a, const float* b,
                               const float* dy, float* dx_a, float* dx_b,
                               size_t n) {
  const SigmoidOp sigmoid;
  const size_t N = hn::Lanes(d);
  for (size_t i = 0; i < n; i += N) {
    const size_t count = HWY_MIN(N, n - i);
    const auto va = LoadPadded(d, a + i, count);
    const auto vb = LoadPadded(d, b + i, count);
    const auto g = LoadPadded(d, dy + i, count);
    StorePartial(d, hn::Mul(g, sigmoid.Forward(d, vb)), dx_a + i, count);
    const auto a_ds = hn::Mul(va, sigmoid.Derivative(d, vb));
    StorePartial(d, hn::Mul(g, a_ds), dx_b + i, count);
  }
}

// The per-target entry point (see KernelSet::glu).
void Glu(int kind, const float* in, const float* dy, float* out, size_t outer,
         size_t cols, size_t inner) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const SigmoidOp sigmoid;
  const size_t half = cols / 2 * inner;
  for (size_t o = 0; o < outer; ++o) {
    const float* a = in + 2 * o * half;
    const float* b = a + half;
    if (kind == internal::kForward) {
      Map2(d, a, b, out + o * half, half, [&](V va, V vb) HWY_ATTR {
        return hn::Mul(va, sigmoid.Forward(d, vb));
      });
    } else {
      float* dx = out + 2 * o * half;
      GluBackwardRun(d, a, b, dy + o * half, dx, dx + half, half);
    }
  }
}

// ---------------------------------------------------------- Sparsemax

// A compensated sum in double (2Sum, branch-free, so it costs no
// mispredictions): error <= 2^-53 |sum| + n 2^-106 sum|terms|. A non-finite
// sum stays as IEEE has it (inf, or NaN).
struct CompensatedDouble {
  double sum = 0.0;
  double err = 0.0;
  void Add(double v) {
    const double t = sum + v;
    const double bv = t - sum;
    err += (sum - (t - bv)) + (v - bv);
    sum = t;
  }
  double Total() const { return isfinite(sum) ? sum + err : sum; }
};

// The largest float <= t: for every float v, v > t iff v > FloatAtOrBelow(t).
HWY_INLINE float FloatAtOrBelow(double t) {
  float f = static_cast<float>(t);
  if (static_cast<double>(f) > t) f = nextafterf(f, -INFINITY);
  return f;
}

// Over the elements with key[i] > t: adds p[i] - shift to *sum and returns
// how many there are. Vectors with no such lane cost one compare.
template <class D>
HWY_INLINE size_t SumWhereGreater(D d, const float* key, const float* p,
                                  float t, double shift, size_t n,
                                  CompensatedDouble* sum) {
  const auto vt = hn::Set(d, t);
  size_t count = 0;
  ForEachVector(
      d, key, n, -INFINITY, [&](size_t i, auto v, size_t lanes) HWY_ATTR {
        const auto m = hn::Gt(v, vt);
        if (hn::AllFalse(d, m)) return;
        count += hn::CountTrue(d, m);
        // Adding 0 for the other lanes is exact, and cheaper
        // than a branch.
        for (size_t j = i; j < i + lanes; ++j) {
          sum->Add(key[j] > t ? static_cast<double>(p[j]) - shift : 0.0);
        }
      });
  return count;
}

// max(x), or NaN when the row has a NaN.
template <class D>
HWY_INLINE float SparsemaxRowMax(D d, const float* x, size_t n) {
  auto m = hn::Set(d, -INFINITY);
  auto any_nan = hn::FirstN(d, 0);
  ForEachVector(d, x, n, -INFINITY, [&](size_t, auto v, size_t) HWY_ATTR {
    m = hn::Max(m, v);
    any_nan = hn::Or(any_nan, hn::IsNaN(v));
  });
  if (!hn::AllFalse(d, any_nan)) return NAN;
  return hn::GetLane(hn::MaxOfLanes(d, m));
}

// The float threshold of the support {x > max + tau'}; the maxima are always
// in it (tau' < 0, also where max + tau' rounds to max).
HWY_INLINE float SupportThreshold(float max, double tau_rel) {
  return HWY_MIN(FloatAtOrBelow(static_cast<double>(max) + tau_rel),
                 nextafterf(max, -INFINITY));
}

// tau' = tau - max in [-1, 0) for a row whose max is finite.
template <class D>
HWY_INLINE double SparsemaxTau(D d, const float* x, size_t n, float max) {
  double tau = -1.0;
  size_t previous = n + 1;
  for (;;) {
    CompensatedDouble sum;
    const size_t k =
        SumWhereGreater(d, x, x, SupportThreshold(max, tau), max, n, &sum);
    tau = (sum.Total() - 1.0) / static_cast<double>(k);
    // The supports are nested, so the same size is the same support: tau is
    // its fixed point.
    if (k >= previous) return tau;
    previous = k;
  }
}

// a - b = s + e exactly (2Sum); e = 0 where s is not finite.
template <class V>
HWY_INLINE V TwoDifference(V a, V b, V* e) {
  const V s = hn::Sub(a, b);
  const V bv = hn::Sub(s, a);
  *e = hn::Add(hn::Sub(a, hn::Sub(s, bv)), hn::Sub(hn::Neg(b), bv));
  *e = hn::IfThenElseZero(hn::IsFinite(s), *e);
  return s;
}

// v - (hi + lo) for a double split in two floats: v - hi = s + e exactly,
// then s + (e - lo). <= 0.5 ULP of the result plus 2^-47 |hi| (the
// rounding of e - lo and the split). Non-finite v: v - hi.
template <class V>
HWY_INLINE V MinusTwoFloat(V v, V hi, V lo) {
  V e;
  const V s = TwoDifference(v, hi, &e);
  return hn::Add(s, hn::Sub(e, lo));
}

template <class D>
HWY_INLINE void FillNaN(D d, float* p, size_t n) {
  Map1(d, p, p, n, [&](hn::Vec<D>) HWY_ATTR { return hn::Set(d, NAN); });
}

template <class D>
HWY_INLINE void SparsemaxForwardRow(D d, const float* x, float* y, size_t n) {
  using V = hn::Vec<D>;
  const float max = SparsemaxRowMax(d, x, n);
  if (!isfinite(max)) return FillNaN(d, y, n);
  const double tau_rel = SparsemaxTau(d, x, n, max);
  const V t = hn::Set(d, SupportThreshold(max, tau_rel));
  // y = (x - max) - tau' with tau' = hi + lo in two floats: x - max =
  // s1 + e1 and s1 - hi = s2 + e2 exactly, so y = s2 + ((e1 + e2) - lo),
  // whose small terms (each <= 2^-24) round with an error <= 2^-47; in all
  // <= 0.5 ULP(y) + 2^-46, whatever max is.
  const float hi = static_cast<float>(tau_rel);
  const V vmax = hn::Set(d, max);
  const V vhi = hn::Set(d, hi);
  const V vlo = hn::Set(d, static_cast<float>(tau_rel - hi));
  // x may alias y: each vector is read before it is written.
  Map1(d, x, y, n, [&](V v) HWY_ATTR {
    V e1, e2;
    const V s1 = TwoDifference(v, vmax, &e1);
    const V s2 = TwoDifference(s1, vhi, &e2);
    const V r = hn::Add(s2, hn::Sub(hn::Add(e1, e2), vlo));
    return hn::IfThenElseZero(hn::Gt(v, t), hn::Max(r, hn::Zero(d)));
  });
}

// dx = [key > t] (dy - v), v = mean of dy where key > t (0 if nowhere); a
// NaN key gives NaN (from y).
template <class D>
HWY_INLINE void SparsemaxBackwardMasked(D d, const float* key, const float* dy,
                                        float* dx, float t, size_t n) {
  using V = hn::Vec<D>;
  CompensatedDouble sum;
  const size_t k = SumWhereGreater(d, key, dy, t, 0.0, n, &sum);
  const double v = k > 0 ? sum.Total() / static_cast<double>(k) : 0.0;
  const float v_hi = static_cast<float>(v);
  const V vhi = hn::Set(d, v_hi);
  const V vlo = hn::Set(d, static_cast<float>(v - v_hi));
  const V vt = hn::Set(d, t);
  const V one = hn::Set(d, 1.0f);
  // dx may alias dy: each vector is read before it is written.
  Map2(d, key, dy, dx, n, [&](V kv, V g) HWY_ATTR {
    const V in_support = KeepNaN(kv, hn::IfThenElseZero(hn::Gt(kv, vt), one));
    return hn::Mul(in_support, MinusTwoFloat(g, vhi, vlo));
  });
}

template <class D>
HWY_INLINE void SparsemaxBackwardRow(D d, const float* x, const float* dy,
                                     float* dx, size_t n) {
  const float max = SparsemaxRowMax(d, x, n);
  if (!isfinite(max)) return FillNaN(d, dx, n);
  const double tau_rel = SparsemaxTau(d, x, n, max);
  SparsemaxBackwardMasked(d, x, dy, dx, SupportThreshold(max, tau_rel), n);
}

// Not inlined: GCC 12 for aarch64 (SVE2) crashes in ivopts when the row
// code is inlined into Sparsemax's column loop (internal compiler error).
template <class D>
HWY_NOINLINE void SparsemaxRow(D d, int kind, const float* in, const float* dy,
                               float* out, size_t n) {
  switch (kind) {
    case internal::kForward:
      SparsemaxForwardRow(d, in, out, n);
      break;
    case internal::kBackward:
      SparsemaxBackwardRow(d, in, dy, out, n);
      break;
    case internal::kBackwardFromOutput:
      SparsemaxBackwardMasked(d, in, dy, out, 0.0f, n);
      break;
  }
}

// The per-target entry point (see KernelSet::sparsemax).
void Sparsemax(int kind, const float* in, const float* dy, float* out,
               size_t outer, size_t cols, size_t inner) {
  const hn::ScalableTag<float> d;
  if (inner == 1) {
    for (size_t o = 0; o < outer; ++o) {
      const size_t offset = o * cols;
      SparsemaxRow(d, kind, in + offset, dy ? dy + offset : nullptr,
                   out + offset, cols);
    }
    return;
  }
  // Columns through contiguous scratch rows (in, dy, out).
  std::vector<float> scratch(3 * cols);
  float* col_in = scratch.data();
  float* col_dy = col_in + cols;
  float* col_out = col_dy + cols;
  for (size_t o = 0; o < outer; ++o) {
    for (size_t j = 0; j < inner; ++j) {
      const size_t base = o * cols * inner + j;
      for (size_t c = 0; c < cols; ++c) {
        col_in[c] = in[base + c * inner];
        if (dy != nullptr) col_dy[c] = dy[base + c * inner];
      }
      SparsemaxRow(d, kind, col_in, col_dy, col_out, cols);
      for (size_t c = 0; c < cols; ++c) out[base + c * inner] = col_out[c];
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_GLU_SPARSEMAX_INL_H_
