// GLU and Sparsemax on every supported target against the double
// reference: bounds over the whole float range (GLU) and over rows of 1 to
// 4097 (Sparsemax), [outer, cols, inner] layouts, special values, in place,
// misaligned, and the error paths (nothing written).
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/reference.h"
#include "simdact/simdact.hpp"
#include "tests/accuracy_report.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

constexpr float kCanary = -777.0f;

// GLU: sigmoid <= 2 ULP and one product; backward dx_b: sigmoid' <= 3 ULP
// and two products.
constexpr double kGluForwardUlps = 3;
constexpr double kGluBackwardUlps = 4;
// Sparsemax: |y - ref| <= 1 unit of ULP(ref) + 2^-20 ULP(max(max|x|, 1))
// (the kernels' analysis: 0.5 ULP(y) + 2^-46 max(|tau|, 1), |tau| <=
// max|x| + 1). Backward: the same with ULP(dx) + 2^-20 ULP(|v|), v the
// mean of dy over the support.
constexpr double kSparsemaxUnits = 1;

// 2^16 GLU pairs natively (each also at every special-value pairing);
// SIMDACT_TEST_SWEEP=k makes it 2^min(k, 16).
const size_t kGluSweep = [] {
  const char* env = getenv("SIMDACT_TEST_SWEEP");
  return size_t{1} << std::min(env != nullptr ? atoi(env) : 16, 16);
}();

// Error of got in float ULPs of want; 0 when within `floor` (where a
// subnormal intermediate cannot be more precise than 2^-149).
double UlpError(float got, double want, double floor) {
  const uint64_t ulps = UlpDistance(got, static_cast<float>(want));
  if (ulps == 0) return 0.0;
  if (isfinite(got) && isfinite(want) && fabs(got - want) <= floor) return 0.0;
  return ulps == UINT64_MAX ? INFINITY : static_cast<double>(ulps);
}

std::vector<float> RandomVector(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& f : v) f = u(rng);
  return v;
}

// ------------------------------------------------------------------ GLU

// a and b: every pair of special values, then sweep inputs.
void GluPairs(std::vector<float>* a, std::vector<float>* b) {
  const std::vector<float> special = SpecialValues();
  for (float u : special) {
    for (float v : special) {
      a->push_back(u);
      b->push_back(v);
    }
  }
  const std::vector<float> sa = SweepInputs(kGluSweep, 51);
  std::vector<float> sb = SweepInputs(kGluSweep, 52);
  std::mt19937 rng(53);
  std::shuffle(sb.begin(), sb.end(), rng);
  a->insert(a->end(), sa.begin(), sa.end());
  b->insert(b->end(), sb.begin(), sb.end());
}

// Floors where sigmoid(b) or sigmoid'(b) (or a s') is below FLT_MIN.
double GluForwardFloor(float a, float b) {
  if (reference::Sigmoid(b) >= FLT_MIN) return 0.0;
  return fabs(a) * std::ldexp(1.0, -147) + std::ldexp(1.0, -149);
}
double GluBackwardAFloor(float b, float dy) {
  if (reference::Sigmoid(b) >= FLT_MIN) return 0.0;
  return fabs(dy) * std::ldexp(1.0, -147) + std::ldexp(1.0, -149);
}
double GluBackwardBFloor(float a, float b, float dy) {
  const double ds = reference::SigmoidDerivative(b);
  if (ds >= FLT_MIN && fabs(a * ds) >= FLT_MIN) return 0.0;
  return (fabs(a) + 1.0) * fabs(dy) * std::ldexp(1.0, -147) +
         std::ldexp(1.0, -149);
}

// Checks GLU forward and backward on x = [outer, cols, inner] against the
// reference, element by element from the layout; records the max errors.
void CheckGlu(const std::vector<float>& x, const std::vector<float>& dy,
              size_t outer, size_t cols, size_t inner,
              const std::string& target) {
  const size_t half = cols / 2, n = outer * cols * inner;
  std::vector<float> y(n / 2, kCanary), dx(n, kCanary);
  ASSERT_EQ(simdact_glu(x.data(), y.data(), outer, cols, inner), SIMDACT_OK);
  ASSERT_EQ(
      simdact_glu_backward(x.data(), dy.data(), dx.data(), outer, cols, inner),
      SIMDACT_OK);
  double max_fwd = 0.0, max_bwd = 0.0;
  int reported = 0;
  auto check = [&](const char* what, float got, double want, double floor,
                   double bound, double* max_err, float a, float b, float g) {
    const double err = UlpError(got, want, floor);
    if (err > *max_err) *max_err = err;
    if (!(err <= bound) && reported++ < 8) {
      ADD_FAILURE() << what << " a=" << a << " b=" << b << " dy=" << g
                    << " got " << got << " want " << want << " (" << err
                    << " ULP)";
    }
  };
  for (size_t o = 0; o < outer; ++o) {
    for (size_t c = 0; c < half; ++c) {
      for (size_t j = 0; j < inner; ++j) {
        const size_t ia = (o * cols + c) * inner + j;
        const size_t ib = (o * cols + half + c) * inner + j;
        const size_t iy = (o * half + c) * inner + j;
        const float a = x[ia], b = x[ib], g = dy[iy];
        check("forward", y[iy], reference::Glu(a, b), GluForwardFloor(a, b),
              kGluForwardUlps, &max_fwd, a, b, g);
        check("backward a", dx[ia], reference::GluBackwardA(b, g),
              GluBackwardAFloor(b, g), kGluBackwardUlps, &max_bwd, a, b, g);
        check("backward b", dx[ib], reference::GluBackwardB(a, b, g),
              GluBackwardBFloor(a, b, g), kGluBackwardUlps, &max_bwd, a, b, g);
      }
    }
  }
  AccuracyReport::Get().Record("glu.forward", target, max_fwd);
  AccuracyReport::Get().Record("glu.backward", target, max_bwd);
}

using GluTest = TargetTest;

// Every special pairing and 2^16 sweep pairs, along the last axis and along
// a middle axis (the same pairs, other layout).
TEST_P(GluTest, SweepWithinBound) {
  std::vector<float> a, b;
  GluPairs(&a, &b);
  const size_t m = a.size();
  const std::vector<float> dy = GradientInputs(m, 54);
  // Last axis: one row [a, b].
  std::vector<float> x(a);
  x.insert(x.end(), b.begin(), b.end());
  CheckGlu(x, dy, 1, 2 * m, 1, GetParam());
  // [outer = m / 8, cols = 2, inner = 8]: a and b blocks of 8 alternate.
  const size_t inner = 8, outer = m / inner;
  std::vector<float> x2(2 * outer * inner);
  for (size_t o = 0; o < outer; ++o) {
    for (size_t j = 0; j < inner; ++j) {
      x2[(2 * o) * inner + j] = a[o * inner + j];
      x2[(2 * o + 1) * inner + j] = b[o * inner + j];
    }
  }
  CheckGlu(x2, dy, outer, 2, inner, GetParam());
}

// Shapes: outer x cols x inner, incl. rows of lanes +- 1.
TEST_P(GluTest, Shapes) {
  for (size_t outer : {1u, 2u, 3u}) {
    for (size_t cols : {2u, 4u, 6u, 14u, 16u, 18u, 30u, 32u, 34u, 200u}) {
      for (size_t inner : {1u, 2u, 3u, 17u}) {
        SCOPED_TRACE(std::to_string(outer) + "x" + std::to_string(cols) + "x" +
                     std::to_string(inner));
        const size_t n = outer * cols * inner;
        const std::vector<float> x = RandomVector(n, -12.0f, 12.0f, n);
        const std::vector<float> dy = RandomVector(n / 2, -3.0f, 3.0f, n + 1);
        CheckGlu(x, dy, outer, cols, inner, GetParam());
      }
    }
  }
}

// Misaligned buffers give the same bits; nothing around them is written.
TEST_P(GluTest, MisalignedAndGuarded) {
  const size_t outer = 3, cols = 22, n = outer * cols;
  const std::vector<float> x = RandomVector(n + 3, -6.0f, 6.0f, 7);
  const std::vector<float> dy = RandomVector(n / 2 + 3, -2.0f, 2.0f, 8);
  std::vector<float> y0(n / 2), dx0(n);
  ASSERT_EQ(simdact_glu(x.data(), y0.data(), outer, cols, 1), SIMDACT_OK);
  ASSERT_EQ(
      simdact_glu_backward(x.data(), dy.data(), dx0.data(), outer, cols, 1),
      SIMDACT_OK);
  for (size_t off = 1; off < 4; ++off) {
    std::vector<float> xm(n + off);
    std::copy(x.begin(), x.begin() + n, xm.begin() + off);
    std::vector<float> y(n / 2 + 2 * off, kCanary), dx(n + 2 * off, kCanary);
    ASSERT_EQ(simdact_glu(xm.data() + off, y.data() + off, outer, cols, 1),
              SIMDACT_OK);
    ASSERT_EQ(simdact_glu_backward(xm.data() + off, dy.data(), dx.data() + off,
                                   outer, cols, 1),
              SIMDACT_OK);
    for (size_t i = 0; i < off; ++i) {
      EXPECT_EQ(y[i], kCanary);
      EXPECT_EQ(y[n / 2 + off + i], kCanary);
      EXPECT_EQ(dx[i], kCanary);
      EXPECT_EQ(dx[n + off + i], kCanary);
    }
    for (size_t i = 0; i < n / 2; ++i) EXPECT_EQ(y[off + i], y0[i]);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(dx[off + i], dx0[i]);
  }
}

TEST_P(GluTest, NaNPropagates) {
  const float x[4] = {NAN, 1.0f, 2.0f, NAN};  // a = {NaN, 1}, b = {2, NaN}
  const float dy[2] = {1.0f, 1.0f};
  float y[2], dx[4];
  ASSERT_EQ(simdact_glu(x, y, 1, 4, 1), SIMDACT_OK);
  EXPECT_TRUE(isnan(y[0]));
  EXPECT_TRUE(isnan(y[1]));
  ASSERT_EQ(simdact_glu_backward(x, dy, dx, 1, 4, 1), SIMDACT_OK);
  EXPECT_FALSE(isnan(dx[0]));  // dy sigmoid(b) does not depend on a
  EXPECT_TRUE(isnan(dx[1]));   // b NaN
  EXPECT_TRUE(isnan(dx[2]));   // a NaN
  EXPECT_TRUE(isnan(dx[3]));
  // inf * sigmoid(-inf) = inf * 0: NaN, as PyTorch.
  const float x2[2] = {INFINITY, -INFINITY};
  ASSERT_EQ(simdact_glu(x2, y, 1, 2, 1), SIMDACT_OK);
  EXPECT_TRUE(isnan(y[0]));
}

TEST_P(GluTest, ErrorsWriteNothing) {
  std::vector<float> x(12, 1.0f), dy(6, 1.0f);
  std::vector<float> out(12, kCanary);
  auto untouched = [&] {
    return std::all_of(out.begin(), out.end(),
                       [](float f) { return f == kCanary; });
  };
  // Odd axis.
  EXPECT_EQ(simdact_glu(x.data(), out.data(), 4, 3, 1), SIMDACT_ERROR_SHAPE);
  EXPECT_EQ(simdact_glu_backward(x.data(), dy.data(), out.data(), 1, 3, 4),
            SIMDACT_ERROR_SHAPE);
  simdact_params p = simdact_default_params(SIMDACT_GLU);
  p.softmax_cols = 4;
  EXPECT_EQ(simdact_forward(SIMDACT_GLU, &p, x.data(), out.data(), 10),
            SIMDACT_ERROR_SHAPE);
  p.softmax_inner = 5;  // 4 * 5 does not divide 12
  EXPECT_EQ(simdact_forward(SIMDACT_GLU, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_SHAPE);
  p.softmax_inner = 3;
  EXPECT_EQ(simdact_derivative(SIMDACT_GLU, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(simdact_backward_from_output(SIMDACT_GLU, &p, x.data(), dy.data(),
                                         out.data(), 12),
            SIMDACT_ERROR_UNDEFINED);
  // y may not alias x (sizes differ), nor overlap it at its end.
  EXPECT_EQ(simdact_forward(SIMDACT_GLU, &p, out.data(), out.data(), 12),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(simdact_glu(x.data(), x.data() + 6, 1, 12, 1),
            SIMDACT_ERROR_OVERLAP);
  // dx may alias neither x nor dy; dy has n / 2 elements.
  EXPECT_EQ(simdact_glu_backward(out.data(), dy.data(), out.data(), 1, 12, 1),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(simdact_glu_backward(x.data(), out.data(), out.data(), 1, 12, 1),
            SIMDACT_ERROR_OVERLAP);
  std::vector<float> big(24, kCanary);
  EXPECT_EQ(
      simdact_glu_backward(x.data(), big.data() + 12 - 5, big.data(), 1, 12, 1),
      SIMDACT_ERROR_OVERLAP);  // dy's last element on dx's
  EXPECT_EQ(
      simdact_glu_backward(x.data(), big.data() + 12, big.data(), 1, 12, 1),
      SIMDACT_OK);  // adjacent
  EXPECT_EQ(simdact_glu(nullptr, out.data(), 1, 12, 1),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(simdact_glu(x.data(), out.data(), SIZE_MAX, 4, 2),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_TRUE(untouched());
  // The generic API with params equals the shaped one.
  std::vector<float> y(6), y2(6);
  const std::vector<float> xs = RandomVector(12, -3.0f, 3.0f, 9);
  ASSERT_EQ(simdact_forward(SIMDACT_GLU, &p, xs.data(), y.data(), 12),
            SIMDACT_OK);
  ASSERT_EQ(simdact_glu(xs.data(), y2.data(), 1, 4, 3), SIMDACT_OK);
  EXPECT_EQ(y, y2);
  ASSERT_EQ(Glu(xs.data(), y2.data(), 1, 4, 3), Status::kOk);  // C++
  EXPECT_EQ(y, y2);
}

SIMDACT_INSTANTIATE_FOR_TARGETS(GluTest);

// ------------------------------------------------------------ Sparsemax

double MaxAbs(const float* x, size_t n, size_t stride = 1) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i)
    m = std::max(m, fabs(static_cast<double>(x[i * stride])));
  return m;
}

// Error in units of ULP(want) + 2^-20 ULP(max(scale, 1)).
double SparsemaxError(float got, double want, double scale) {
  if (isnan(got) || isnan(want)) return isnan(got) && isnan(want) ? 0 : 1e30;
  const double unit =
      UlpOf(want) + std::ldexp(UlpOf(std::max(scale, 1.0)), -20);
  return fabs(got - want) / unit;
}

// Rows of these lengths (incl. lanes +- 1 for every target's float lanes).
const std::vector<size_t>& SparsemaxLengths() {
  static const std::vector<size_t> lengths = {1,  2,  3,  4,   5,    7,   8,
                                              9,  15, 16, 17,  31,   32,  33,
                                              63, 64, 65, 100, 1000, 4097};
  return lengths;
}

// One row of kind `kind` checked against the reference; returns max error.
double CheckSparsemaxRow(const std::vector<float>& x, const std::string& ctx) {
  const size_t n = x.size();
  std::vector<float> y(n, kCanary);
  EXPECT_EQ(simdact_sparsemax(x.data(), y.data(), 1, n, 1), SIMDACT_OK);
  const std::vector<double> want = reference::SparsemaxRow(x.data(), n);
  const double scale = MaxAbs(x.data(), n);
  double max_err = 0.0, sum = 0.0;
  int reported = 0;
  for (size_t i = 0; i < n; ++i) {
    const double err = SparsemaxError(y[i], want[i], scale);
    max_err = std::max(max_err, err);
    if (!(err <= kSparsemaxUnits) && reported++ < 5) {
      ADD_FAILURE() << ctx << " i=" << i << " x=" << x[i] << " got " << y[i]
                    << " want " << want[i] << " (" << err << ")";
    }
    EXPECT_GE(y[i], 0.0f);
    sum += y[i];
  }
  // Sum 1: n roundings of 1 ULP of y plus the absolute term.
  EXPECT_NEAR(sum, 1.0,
              std::ldexp(1.0, -22) + n * std::ldexp(std::max(scale, 1.0), -40))
      << ctx;
  return max_err;
}

using SparsemaxTest = TargetTest;

TEST_P(SparsemaxTest, ForwardWithinBound) {
  double max_err = 0.0;
  for (size_t n : SparsemaxLengths()) {
    for (float span : {1e-3f, 0.3f, 1.0f, 10.0f, 1000.0f, 1e30f}) {
      const std::string ctx =
          "n=" + std::to_string(n) + " span=" + std::to_string(span);
      std::vector<float> x = RandomVector(n, -span, span, n + 3);
      max_err = std::max(max_err, CheckSparsemaxRow(x, ctx));
      // Shifted far from 0, where x - tau needs tau in two floats.
      for (float& v : x) v += 1000.0f * span;
      max_err = std::max(max_err, CheckSparsemaxRow(x, ctx + " shifted"));
      // Ties: values on a coarse grid.
      for (float& v : x) v = std::round(v / span * 4.0f) * 0.125f;
      max_err = std::max(max_err, CheckSparsemaxRow(x, ctx + " ties"));
    }
  }
  AccuracyReport::Get().Record("sparsemax.forward", GetParam(), max_err);
}

// Values worked out by hand.
TEST_P(SparsemaxTest, KnownValuesAndSpecialRows) {
  auto run = [](std::vector<float> x) {
    std::vector<float> y(x.size(), kCanary);
    EXPECT_EQ(simdact_sparsemax(x.data(), y.data(), 1, x.size(), 1),
              SIMDACT_OK);
    return y;
  };
  using V = std::vector<float>;
  EXPECT_EQ(run({1.0f, 0.0f}), (V{1.0f, 0.0f}));  // 0 exactly at tau
  EXPECT_EQ(run({0.0f, 0.5f}), (V{0.25f, 0.75f}));
  EXPECT_EQ(run({1.0f, 1.0f, 0.0f}), (V{0.5f, 0.5f, 0.0f}));
  EXPECT_EQ(run({3.0f, 1.0f, 2.75f, -5.0f}), (V{0.625f, 0.0f, 0.375f, 0.0f}));
  EXPECT_EQ(run(V(8, 7.0f)), V(8, 0.125f));
  EXPECT_EQ(run({5.0f}), V{1.0f});
  EXPECT_EQ(run({FLT_MAX, FLT_MAX, 0.0f, -FLT_MAX}),
            (V{0.5f, 0.5f, 0.0f, 0.0f}));
  EXPECT_EQ(run({-FLT_MAX, -FLT_MAX}), (V{0.5f, 0.5f}));
  EXPECT_EQ(run({1e30f, 1e30f * (1 - 0x1p-23f), 0.0f}), (V{1.0f, 0, 0}));
  EXPECT_EQ(run({2.0f, -INFINITY, 2.0f}), (V{0.5f, 0.0f, 0.5f}));
  for (size_t n : {1u, 5u, 17u}) {
    V x(n, 1.0f);
    x[n / 2] = NAN;
    for (float v : run(x)) EXPECT_TRUE(isnan(v));
    x[n / 2] = INFINITY;
    for (float v : run(x)) EXPECT_TRUE(isnan(v));
    for (float v : run(V(n, -INFINITY))) EXPECT_TRUE(isnan(v));
  }
}

// Backward from x and from y against the reference.
void CheckSparsemaxBackward(const std::vector<float>& x,
                            const std::vector<float>& dy,
                            const std::string& ctx, const std::string& target) {
  const size_t n = x.size();
  const std::vector<double> y = reference::SparsemaxRow(x.data(), n);
  std::vector<float> yf(n);
  for (size_t i = 0; i < n; ++i) yf[i] = static_cast<float>(y[i]);
  for (bool from_output : {false, true}) {
    std::vector<float> dx(n, kCanary);
    std::vector<double> want;
    if (from_output) {
      ASSERT_EQ(simdact_sparsemax_backward_from_output(yf.data(), dy.data(),
                                                       dx.data(), 1, n, 1),
                SIMDACT_OK);
      want = reference::SparsemaxBackwardRow(yf.data(), dy.data(), n);
    } else {
      ASSERT_EQ(
          simdact_sparsemax_backward(x.data(), dy.data(), dx.data(), 1, n, 1),
          SIMDACT_OK);
      want = reference::SparsemaxBackwardRow(y.data(), dy.data(), n);
    }
    double v = 0.0;  // |mean of dy over the support|, the error scale
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      if (y[i] > 0) v += dy[i], ++k;
    }
    v = k > 0 ? fabs(v / k) : 0.0;
    double max_err = 0.0;
    int reported = 0;
    for (size_t i = 0; i < n; ++i) {
      const double err = SparsemaxError(dx[i], want[i], v);
      max_err = std::max(max_err, err);
      if (!(err <= kSparsemaxUnits) && reported++ < 5) {
        ADD_FAILURE() << ctx << (from_output ? " from y" : " from x")
                      << " i=" << i << " got " << dx[i] << " want " << want[i];
      }
    }
    AccuracyReport::Get().Record(
        from_output ? "sparsemax.backward_from_output" : "sparsemax.backward",
        target, max_err);
  }
}

TEST_P(SparsemaxTest, BackwardWithinBound) {
  for (size_t n : SparsemaxLengths()) {
    for (float span : {0.3f, 10.0f}) {
      const std::string ctx =
          "n=" + std::to_string(n) + " span=" + std::to_string(span);
      const std::vector<float> x = RandomVector(n, -span, span, n + 5);
      CheckSparsemaxBackward(x, GradientInputs(n, n), ctx, GetParam());
      CheckSparsemaxBackward(x, RandomVector(n, 0.9f, 1.1f, n), ctx + " near",
                             GetParam());  // dy_i - v cancels
    }
  }
}

TEST_P(SparsemaxTest, BackwardSpecial) {
  // x = {3, 1, 2.75, -5}: support {0, 2}, v = 2.
  const float x[4] = {3.0f, 1.0f, 2.75f, -5.0f};
  float dx[4];
  const float dy[4] = {1.0f, 5.0f, 3.0f, 7.0f};
  ASSERT_EQ(simdact_sparsemax_backward(x, dy, dx, 1, 4, 1), SIMDACT_OK);
  EXPECT_EQ(dx[0], -1.0f);
  EXPECT_EQ(dx[1], 0.0f);
  EXPECT_EQ(dx[2], 1.0f);
  EXPECT_EQ(dx[3], 0.0f);
  // NaN dy in the support: NaN there; off the support NaN dy gives NaN
  // (IEEE 0 * NaN), a finite one 0.
  const float dy2[4] = {NAN, NAN, 3.0f, 1.0f};
  ASSERT_EQ(simdact_sparsemax_backward(x, dy2, dx, 1, 4, 1), SIMDACT_OK);
  EXPECT_TRUE(isnan(dx[0]) && isnan(dx[1]) && isnan(dx[2]));
  EXPECT_TRUE(isnan(dx[3]));  // v is NaN
  const float dy3[4] = {1.0f, NAN, 3.0f, 1.0f};
  ASSERT_EQ(simdact_sparsemax_backward(x, dy3, dx, 1, 4, 1), SIMDACT_OK);
  EXPECT_EQ(dx[0], -1.0f);
  EXPECT_TRUE(isnan(dx[1]));
  EXPECT_EQ(dx[3], 0.0f);
  // NaN in x: a row of NaN; from y a NaN y gives NaN.
  const float xn[3] = {1.0f, NAN, 0.0f};
  ASSERT_EQ(simdact_sparsemax_backward(xn, dy, dx, 1, 3, 1), SIMDACT_OK);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(isnan(dx[i]));
  const float yn[3] = {0.5f, NAN, 0.5f};
  ASSERT_EQ(simdact_sparsemax_backward_from_output(yn, dy, dx, 1, 3, 1),
            SIMDACT_OK);
  EXPECT_EQ(dx[0], -1.0f);
  EXPECT_TRUE(isnan(dx[1]));
  EXPECT_EQ(dx[2], 1.0f);
  // y all 0 (no support): dx = 0.
  const float y0[2] = {0.0f, 0.0f};
  ASSERT_EQ(simdact_sparsemax_backward_from_output(y0, dy, dx, 1, 2, 1),
            SIMDACT_OK);
  EXPECT_EQ(dx[0], 0.0f);
  EXPECT_EQ(dx[1], 0.0f);
}

// [outer, cols, inner]: each column against the reference row.
TEST_P(SparsemaxTest, OuterInner) {
  for (size_t outer : {1u, 3u}) {
    for (size_t cols : {1u, 2u, 7u, 16u, 17u, 100u}) {
      for (size_t inner : {0u, 1u, 2u, 5u, 16u}) {
        const std::string ctx = std::to_string(outer) + "x" +
                                std::to_string(cols) + "x" +
                                std::to_string(inner);
        const size_t in = std::max<size_t>(inner, 1);
        const size_t n = outer * cols * in;
        const std::vector<float> x = RandomVector(n, -2.0f, 2.0f, n + 11);
        const std::vector<float> dy = RandomVector(n, -1.0f, 1.0f, n + 12);
        std::vector<float> y(n), dx(n), dxy(n);
        ASSERT_EQ(simdact_sparsemax(x.data(), y.data(), outer, cols, inner),
                  SIMDACT_OK);
        ASSERT_EQ(simdact_sparsemax_backward(x.data(), dy.data(), dx.data(),
                                             outer, cols, inner),
                  SIMDACT_OK);
        ASSERT_EQ(simdact_sparsemax_backward_from_output(
                      y.data(), dy.data(), dxy.data(), outer, cols, inner),
                  SIMDACT_OK);
        for (size_t o = 0; o < outer; ++o) {
          for (size_t j = 0; j < in; ++j) {
            std::vector<float> col(cols), g(cols);
            const size_t base = o * cols * in + j;
            for (size_t c = 0; c < cols; ++c) {
              col[c] = x[base + c * in];
              g[c] = dy[base + c * in];
            }
            const std::vector<double> want =
                reference::SparsemaxRow(col.data(), cols);
            const std::vector<double> want_dx =
                reference::SparsemaxBackwardRow(want.data(), g.data(), cols);
            for (size_t c = 0; c < cols; ++c) {
              EXPECT_LE(SparsemaxError(y[base + c * in], want[c], 2.0),
                        kSparsemaxUnits)
                  << ctx;
              EXPECT_LE(SparsemaxError(dx[base + c * in], want_dx[c], 1.0),
                        kSparsemaxUnits)
                  << ctx;
              EXPECT_LE(SparsemaxError(dxy[base + c * in], want_dx[c], 1.0),
                        kSparsemaxUnits)
                  << ctx;
            }
          }
        }
      }
    }
  }
}

TEST_P(SparsemaxTest, InPlaceAndMisaligned) {
  const size_t outer = 3, cols = 37;
  for (size_t inner : {1u, 4u}) {
    const size_t n = outer * cols * inner;
    const std::vector<float> x = RandomVector(n + 3, -1.0f, 1.0f, 21);
    const std::vector<float> dy = RandomVector(n, -1.0f, 1.0f, 22);
    std::vector<float> y(n + 5, kCanary);
    ASSERT_EQ(simdact_sparsemax(x.data() + 1, y.data() + 3, outer, cols, inner),
              SIMDACT_OK);
    EXPECT_EQ(y[2], kCanary);
    EXPECT_EQ(y[n + 3], kCanary);
    std::vector<float> inplace(x.begin() + 1, x.begin() + 1 + n);
    ASSERT_EQ(
        simdact_sparsemax(inplace.data(), inplace.data(), outer, cols, inner),
        SIMDACT_OK);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(inplace[i], y[i + 3]);
    // dx in place of dy, from x and from y.
    std::vector<float> dx(n), g = dy;
    ASSERT_EQ(simdact_sparsemax_backward(x.data() + 1, dy.data(), dx.data(),
                                         outer, cols, inner),
              SIMDACT_OK);
    ASSERT_EQ(simdact_sparsemax_backward(x.data() + 1, g.data(), g.data(),
                                         outer, cols, inner),
              SIMDACT_OK);
    EXPECT_EQ(g, dx);
    g = dy;
    ASSERT_EQ(simdact_sparsemax_backward_from_output(
                  inplace.data(), dy.data(), dx.data(), outer, cols, inner),
              SIMDACT_OK);
    ASSERT_EQ(simdact_sparsemax_backward_from_output(
                  inplace.data(), g.data(), g.data(), outer, cols, inner),
              SIMDACT_OK);
    EXPECT_EQ(g, dx);
  }
}

TEST_P(SparsemaxTest, ErrorsWriteNothing) {
  std::vector<float> x(12, 1.0f), dy(12, 1.0f);
  std::vector<float> out(12, kCanary);
  simdact_params p = simdact_default_params(SIMDACT_SPARSEMAX);
  EXPECT_EQ(simdact_forward(SIMDACT_SPARSEMAX, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_SHAPE);  // cols 0
  p.softmax_cols = 5;
  EXPECT_EQ(simdact_forward(SIMDACT_SPARSEMAX, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_SHAPE);
  p.softmax_cols = 3;
  p.softmax_inner = 8;
  EXPECT_EQ(simdact_forward(SIMDACT_SPARSEMAX, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_SHAPE);
  p.softmax_inner = 2;
  EXPECT_EQ(simdact_derivative(SIMDACT_SPARSEMAX, &p, x.data(), out.data(), 12),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(simdact_forward(SIMDACT_SPARSEMAX, &p, x.data(), x.data() + 1, 11),
            SIMDACT_ERROR_SHAPE);
  EXPECT_EQ(simdact_sparsemax(x.data(), x.data() + 1, 1, 11, 1),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(
      simdact_sparsemax_backward(out.data(), dy.data(), out.data(), 1, 12, 1),
      SIMDACT_ERROR_OVERLAP);  // dx on x
  EXPECT_EQ(simdact_sparsemax_backward(x.data(), nullptr, out.data(), 1, 12, 1),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(),
                          [](float f) { return f == kCanary; }));
  // Names and the generic API.
  simdact_activation act;
  ASSERT_EQ(simdact_activation_from_name("SparseMax", &act), SIMDACT_OK);
  EXPECT_EQ(act, SIMDACT_SPARSEMAX);
  ASSERT_EQ(simdact_activation_from_name("glu", &act), SIMDACT_OK);
  EXPECT_EQ(act, SIMDACT_GLU);
  EXPECT_STREQ(simdact_activation_name(SIMDACT_SPARSEMAX), "sparsemax");
  EXPECT_STREQ(simdact_activation_name(SIMDACT_GLU), "glu");
  const std::vector<float> xs = RandomVector(12, -1.0f, 1.0f, 31);
  std::vector<float> y1(12), y2(12);
  ASSERT_EQ(simdact_forward(SIMDACT_SPARSEMAX, &p, xs.data(), y1.data(), 12),
            SIMDACT_OK);
  ASSERT_EQ(Sparsemax(xs.data(), y2.data(), 2, 3, 2), Status::kOk);
  EXPECT_EQ(y1, y2);
}

SIMDACT_INSTANTIATE_FOR_TARGETS(SparsemaxTest);

}  // namespace
}  // namespace test
}  // namespace simdact
