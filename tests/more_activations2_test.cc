// Targeted tests of the piecewise activations (kernels/piecewise-inl.h):
// every kink against hand-derived values, Keras' relu quirks, the
// cancellation-prone regions (a (x - threshold), a x + b near 0, squareplus
// for x << 0), special values, invalid parameters, names, defaults and the
// C++ wrappers. The sweep over the whole float range is in
// elementwise_test.cc.
#include <float.h>
#include <math.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "simdact/simdact.h"
#include "simdact/simdact.hpp"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

constexpr float kSentinel = -777.0f;

simdact_params Params(simdact_activation act, float alpha, float beta,
                      float threshold = 0.0f) {
  simdact_params p = simdact_default_params(act);
  p.alpha = alpha;
  p.beta = beta;
  p.threshold = threshold;
  return p;
}

std::vector<float> Forward(simdact_activation act, const simdact_params& p,
                           const std::vector<float>& x) {
  std::vector<float> y(x.size(), kSentinel);
  EXPECT_EQ(simdact_forward(act, &p, x.data(), y.data(), x.size()), SIMDACT_OK);
  return y;
}

std::vector<float> Derivative(simdact_activation act, const simdact_params& p,
                              const std::vector<float>& x) {
  std::vector<float> d(x.size(), kSentinel);
  EXPECT_EQ(simdact_derivative(act, &p, x.data(), d.data(), x.size()),
            SIMDACT_OK);
  return d;
}

// f'(y) * 1 from backward_from_output.
std::vector<float> FromOutput(simdact_activation act, const simdact_params& p,
                              const std::vector<float>& y) {
  const std::vector<float> ones(y.size(), 1.0f);
  std::vector<float> d(y.size(), kSentinel);
  EXPECT_EQ(simdact_backward_from_output(act, &p, y.data(), ones.data(),
                                         d.data(), y.size()),
            SIMDACT_OK);
  return d;
}

// Expects out == want element-wise, NaN matching NaN, +0 matching -0.
void ExpectValues(const std::vector<float>& x, const std::vector<float>& out,
                  const std::vector<float>& want, const char* what) {
  ASSERT_EQ(out.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (isnan(want[i])) {
      EXPECT_TRUE(isnan(out[i])) << what << " x=" << x[i] << " got " << out[i];
    } else {
      EXPECT_EQ(out[i], want[i]) << what << " x=" << x[i];
    }
  }
}

// Within `ulps` of the double `want`.
void ExpectNear(float out, double want, uint64_t ulps,
                const std::string& what) {
  EXPECT_LE(UlpDistance(out, static_cast<float>(want)), ulps)
      << what << " got " << out << " want " << want;
}

using PiecewiseTest = TargetTest;

// Keras relu with its defaults is relu: relu'(0) = 0.
TEST_P(PiecewiseTest, ReluGeneralDefaultsAreRelu) {
  const simdact_params p = simdact_default_params(SIMDACT_RELU_GENERAL);
  const std::vector<float> x = {-2.0f,     -0.0f,    0.0f, 0.5f,
                                -INFINITY, INFINITY, NAN,  FLT_MAX};
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, p, x),
               {0.0f, 0.0f, 0.0f, 0.5f, 0.0f, INFINITY, NAN, FLT_MAX},
               "forward");
  ExpectValues(x, Derivative(SIMDACT_RELU_GENERAL, p, x),
               {0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 1.0f, NAN, 1.0f}, "derivative");
}

// negative_slope 0.25, max_value 6, threshold 0: leaky with a clip.
// f' = 0.25 at x <= 0 (leaky_relu'(0) = slope), 1 on (0, 6), 0 at 6 and
// above; the same from y.
TEST_P(PiecewiseTest, ReluGeneralLeakyClipped) {
  const simdact_params p = Params(SIMDACT_RELU_GENERAL, 0.25f, 6.0f);
  const std::vector<float> x = {-4.0f, -0.0f, 0.0f,     1.5f,     5.5f,
                                6.0f,  7.0f,  INFINITY, -INFINITY};
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, p, x),
               {-1.0f, 0.0f, 0.0f, 1.5f, 5.5f, 6.0f, 6.0f, 6.0f, -INFINITY},
               "forward");
  const std::vector<float> d = {0.25f, 0.25f, 0.25f, 1.0f, 1.0f,
                                0.0f,  0.0f,  0.0f,  0.25f};
  ExpectValues(x, Derivative(SIMDACT_RELU_GENERAL, p, x), d, "derivative");
  // From y = f(x) (threshold 0, slope >= 0): the same f'.
  ExpectValues(
      x,
      FromOutput(SIMDACT_RELU_GENERAL, p, Forward(SIMDACT_RELU_GENERAL, p, x)),
      d, "from y");
}

// Keras' quirk: threshold -1 with max_value 2 clips x in (-1, 0] to 0;
// without max_value, x passes through there (f' = 1). At x = threshold:
// f = 0, f' = slope.
TEST_P(PiecewiseTest, ReluGeneralNegativeThresholdQuirk) {
  const std::vector<float> x = {-3.0f, -1.0f, -0.5f, 0.0f, 1.0f, 2.0f, 3.0f};
  const simdact_params clip = Params(SIMDACT_RELU_GENERAL, 0.25f, 2.0f, -1.0f);
  // x <= -1: 0.25 (x + 1).
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, clip, x),
               {-0.5f, 0.0f, 0.0f, 0.0f, 1.0f, 2.0f, 2.0f}, "clip forward");
  ExpectValues(x, Derivative(SIMDACT_RELU_GENERAL, clip, x),
               {0.25f, 0.25f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f}, "clip derivative");
  const simdact_params none =
      Params(SIMDACT_RELU_GENERAL, 0.25f, INFINITY, -1.0f);
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, none, x),
               {-0.5f, 0.0f, -0.5f, 0.0f, 1.0f, 2.0f, 3.0f}, "none forward");
  ExpectValues(x, Derivative(SIMDACT_RELU_GENERAL, none, x),
               {0.25f, 0.25f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f}, "none derivative");
}

// A positive threshold: x in (0, threshold] gives slope (x - threshold) < 0.
TEST_P(PiecewiseTest, ReluGeneralPositiveThreshold) {
  const simdact_params p = Params(SIMDACT_RELU_GENERAL, 0.5f, INFINITY, 0.5f);
  const std::vector<float> x = {0.25f, 0.5f, 0.75f, -1.5f, -INFINITY, NAN};
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, p, x),
               {-0.125f, 0.0f, 0.75f, -1.0f, -INFINITY, NAN}, "forward");
  ExpectValues(x, Derivative(SIMDACT_RELU_GENERAL, p, x),
               {0.5f, 0.5f, 1.0f, 0.5f, 0.5f, NAN}, "derivative");
  // Slope 0 with a threshold: 0 below it, also at -inf (not 0 * inf).
  const simdact_params zero =
      Params(SIMDACT_RELU_GENERAL, 0.0f, INFINITY, 0.5f);
  ExpectValues(x, Forward(SIMDACT_RELU_GENERAL, zero, x),
               {0.0f, 0.0f, 0.75f, 0.0f, 0.0f, NAN}, "slope 0");
}

// slope (x - threshold) is rounded once: x - threshold is exact in double,
// and where x is next to the threshold a naive slope x - slope threshold
// would be off by many ULPs.
TEST_P(PiecewiseTest, ReluGeneralNearThresholdAccurate) {
  const float t = 0.1f, a = 3.3f;
  const simdact_params p = Params(SIMDACT_RELU_GENERAL, a, INFINITY, t);
  std::vector<float> x = {nextafterf(t, 0.0f),
                          nextafterf(t, -1.0f) - 1e-7f,
                          -1e-3f,
                          0.0999f,
                          -1e30f,
                          -FLT_MAX};
  const std::vector<float> y = Forward(SIMDACT_RELU_GENERAL, p, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = double{a} * (double{x[i]} - double{t});
    ExpectNear(y[i], want, 1, "x=" + std::to_string(x[i]));
  }
  // A threshold so large that x - threshold overflows float: still finite
  // where slope (x - threshold) is.
  const simdact_params big =
      Params(SIMDACT_RELU_GENERAL, 0.5f, INFINITY, 1e38f);
  const std::vector<float> xb = {-FLT_MAX, -1e38f, 1e38f};
  const std::vector<float> yb = Forward(SIMDACT_RELU_GENERAL, big, xb);
  for (size_t i = 0; i < xb.size(); ++i) {
    ExpectNear(yb[i], 0.5 * (double{xb[i]} - 1e38f), 1, "big threshold");
  }
  EXPECT_EQ(Forward(SIMDACT_RELU_GENERAL,
                    Params(SIMDACT_RELU_GENERAL, 1.0f, INFINITY, 1e38f),
                    {-FLT_MAX})[0],
            -INFINITY);
}

// clamp(a x + b, 0, 1) with kinks at exact floats: a = 0.25, b = 0.5 has
// them at -2 and 2; f' = 0 at both (PyTorch's hardsigmoid convention).
TEST_P(PiecewiseTest, HardSigmoidGeneralKinks) {
  const simdact_params p = Params(SIMDACT_HARD_SIGMOID_GENERAL, 0.25f, 0.5f);
  const std::vector<float> x = {-3.0f, -2.0f, -1.0f,     0.0f,     1.0f,
                                2.0f,  3.0f,  -INFINITY, INFINITY, NAN};
  ExpectValues(x, Forward(SIMDACT_HARD_SIGMOID_GENERAL, p, x),
               {0.0f, 0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.0f, 0.0f, 1.0f, NAN},
               "forward");
  const std::vector<float> d = {0.0f, 0.0f, 0.25f, 0.25f, 0.25f,
                                0.0f, 0.0f, 0.0f,  0.0f,  NAN};
  ExpectValues(x, Derivative(SIMDACT_HARD_SIGMOID_GENERAL, p, x), d,
               "derivative");
  ExpectValues(x,
               FromOutput(SIMDACT_HARD_SIGMOID_GENERAL, p,
                          Forward(SIMDACT_HARD_SIGMOID_GENERAL, p, x)),
               d, "from y");
  // A negative slope flips the kinks: clamp(0.5 - 0.25 x).
  const simdact_params n = Params(SIMDACT_HARD_SIGMOID_GENERAL, -0.25f, 0.5f);
  ExpectValues(x, Forward(SIMDACT_HARD_SIGMOID_GENERAL, n, x),
               {1.0f, 1.0f, 0.75f, 0.5f, 0.25f, 0.0f, 0.0f, 1.0f, 0.0f, NAN},
               "negative slope");
  // a = 0: the constant clamp(b), also at +-inf.
  const simdact_params c = Params(SIMDACT_HARD_SIGMOID_GENERAL, 0.0f, 1.5f);
  ExpectValues(x, Forward(SIMDACT_HARD_SIGMOID_GENERAL, c, x),
               {1, 1, 1, 1, 1, 1, 1, 1, 1, NAN}, "a = 0");
}

// Keras 2 / ONNX defaults 0.2 x + 0.5 near its zero at x = -2.5 (0.2f is
// not 0.2, so a x + b cancels there): within 1 ULP of the exact value.
TEST_P(PiecewiseTest, HardSigmoidGeneralNearZeroAccurate) {
  const simdact_params p = simdact_default_params(SIMDACT_HARD_SIGMOID_GENERAL);
  std::vector<float> x;
  float v = -2.5f;
  for (int i = 0; i < 64; ++i) x.push_back(v = nextafterf(v, 0.0f));
  const std::vector<float> y = Forward(SIMDACT_HARD_SIGMOID_GENERAL, p, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = fmax(0.0, double{0.2f} * x[i] + 0.5);
    ASSERT_GT(want, 0.0);
    ExpectNear(y[i], want, 1, "x=" + std::to_string(x[i]));
  }
}

// nn.Threshold(0.5, -3): x > 0.5 ? x : -3; f' = 0 at the threshold.
TEST_P(PiecewiseTest, ThresholdKinks) {
  const simdact_params p = Params(SIMDACT_THRESHOLD, -3.0f, 0.0f, 0.5f);
  const float above = nextafterf(0.5f, 1.0f);
  const std::vector<float> x = {0.5f, above, -1.0f, -INFINITY, INFINITY, NAN};
  ExpectValues(x, Forward(SIMDACT_THRESHOLD, p, x),
               {-3.0f, above, -3.0f, -3.0f, INFINITY, NAN}, "forward");
  ExpectValues(x, Derivative(SIMDACT_THRESHOLD, p, x),
               {0.0f, 1.0f, 0.0f, 0.0f, 1.0f, NAN}, "derivative");
  const std::vector<float> dy = {2.0f, 2.0f, INFINITY, 2.0f, 2.0f, 2.0f};
  std::vector<float> dx(x.size(), kSentinel);
  ASSERT_EQ(simdact_backward(SIMDACT_THRESHOLD, &p, x.data(), dy.data(),
                             dx.data(), x.size()),
            SIMDACT_OK);
  // inf * 0 = NaN: an overflowed gradient is not zeroed.
  ExpectValues(x, dx, {0.0f, 2.0f, NAN, 0.0f, 2.0f, NAN}, "backward");
}

// squareplus(x, 4) at points where sqrt(x^2 + 4) is exact:
// x = +-1.5: s = 2.5, f = 2 and 0.5, f' = 0.8 and 0.2; x = 0: f = 1,
// f' = 0.5. From y: 4y^2 / (4y^2 + 4) gives the same 0.8, 0.2, 0.5.
TEST_P(PiecewiseTest, SquareplusExactPoints) {
  const simdact_params p = simdact_default_params(SIMDACT_SQUAREPLUS);
  const std::vector<float> x = {1.5f,      -1.5f,    0.0f, -0.0f,
                                -INFINITY, INFINITY, NAN};
  const std::vector<float> y = {2.0f, 0.5f, 1.0f, 1.0f, 0.0f, INFINITY, NAN};
  ExpectValues(x, Forward(SIMDACT_SQUAREPLUS, p, x), y, "forward");
  const std::vector<float> d = {0.8f, 0.2f, 0.5f, 0.5f, 0.0f, 1.0f, NAN};
  ExpectValues(x, Derivative(SIMDACT_SQUAREPLUS, p, x), d, "derivative");
  ExpectValues(y, FromOutput(SIMDACT_SQUAREPLUS, p, y), d, "from y");
}

// No overflow of x^2 (above 1.8e19) and no cancellation for x << 0:
// f ~ b / (4 |x|), f' ~ b / (4 x^2).
TEST_P(PiecewiseTest, SquareplusHugeArguments) {
  const simdact_params p = simdact_default_params(SIMDACT_SQUAREPLUS);
  const std::vector<float> x = {1e20f, -1e20f, FLT_MAX, -FLT_MAX, -1e4f, -3e9f};
  const std::vector<float> y = Forward(SIMDACT_SQUAREPLUS, p, x);
  const std::vector<float> d = Derivative(SIMDACT_SQUAREPLUS, p, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    const double s = sqrt(xi * xi + 4.0);
    const double f = xi < 0 ? 4.0 / (2.0 * (s - xi)) : (xi + s) / 2.0;
    const double df = xi < 0 ? 4.0 / (2.0 * s * (s - xi)) : (1 + xi / s) / 2;
    ExpectNear(y[i], f, 2, "f x=" + std::to_string(xi));
    ExpectNear(d[i], df, 2, "f' x=" + std::to_string(xi));
  }
  EXPECT_EQ(y[2], FLT_MAX);
  EXPECT_GT(y[3], 0.0f);  // 1/FLT_MAX, subnormal
}

// b = 0 is ReLU: relu'(0) = 0, and x^2 underflowing does not matter.
TEST_P(PiecewiseTest, SquareplusZeroBIsRelu) {
  const simdact_params p = Params(SIMDACT_SQUAREPLUS, 0.0f, 0.0f);
  const std::vector<float> x = {-1.0f, 0.0f, 1e-30f, 2.0f, -1e-30f};
  ExpectValues(x, Forward(SIMDACT_SQUAREPLUS, p, x),
               {0.0f, 0.0f, 1e-30f, 2.0f, 0.0f}, "forward");
  ExpectValues(x, Derivative(SIMDACT_SQUAREPLUS, p, x),
               {0.0f, 0.0f, 1.0f, 1.0f, 0.0f}, "derivative");
}

// sparse_plus: 0 up to -1, (x + 1)^2 / 4, x from 1; f' = 0, (x + 1)/2, 1
// (continuous at both kinks); from y: 0, sqrt(y), 1.
TEST_P(PiecewiseTest, SparsePlusKinks) {
  const simdact_params p = simdact_default_params(SIMDACT_SPARSE_PLUS);
  const std::vector<float> x = {-2.0f, -1.0f, -0.5f, 0.0f,      0.5f,
                                1.0f,  3.0f,  NAN,   -INFINITY, INFINITY};
  const std::vector<float> y = {0.0f, 0.0f, 0.0625f, 0.25f, 0.5625f,
                                1.0f, 3.0f, NAN,     0.0f,  INFINITY};
  ExpectValues(x, Forward(SIMDACT_SPARSE_PLUS, p, x), y, "forward");
  const std::vector<float> d = {0.0f, 0.0f, 0.25f, 0.5f, 0.75f,
                                1.0f, 1.0f, NAN,   0.0f, 1.0f};
  ExpectValues(x, Derivative(SIMDACT_SPARSE_PLUS, p, x), d, "derivative");
  ExpectValues(y, FromOutput(SIMDACT_SPARSE_PLUS, p, y), d, "from y");
  // Next to -1, (x + 1)^2 / 4 is tiny but exact: (2^-24)^2 / 4 = 2^-50.
  EXPECT_EQ(Forward(SIMDACT_SPARSE_PLUS, p, {nextafterf(-1.0f, 0.0f)})[0],
            0x1.0p-50f);
}

// sparse_sigmoid: (x + 1)/2 inside, f' = 1/2 strictly inside, 0 at +-1.
TEST_P(PiecewiseTest, SparseSigmoidKinks) {
  const simdact_params p = simdact_default_params(SIMDACT_SPARSE_SIGMOID);
  const std::vector<float> x = {-2.0f, -1.0f, -0.5f,     0.0f,     0.5f,
                                1.0f,  2.0f,  -INFINITY, INFINITY, NAN};
  const std::vector<float> y = {0.0f, 0.0f, 0.25f, 0.5f, 0.75f,
                                1.0f, 1.0f, 0.0f,  1.0f, NAN};
  ExpectValues(x, Forward(SIMDACT_SPARSE_SIGMOID, p, x), y, "forward");
  const std::vector<float> d = {0.0f, 0.0f, 0.5f, 0.5f, 0.5f,
                                0.0f, 0.0f, 0.0f, 0.0f, NAN};
  ExpectValues(x, Derivative(SIMDACT_SPARSE_SIGMOID, p, x), d, "derivative");
  ExpectValues(y, FromOutput(SIMDACT_SPARSE_SIGMOID, p, y), d, "from y");
}

// RReLU (evaluation): leaky_relu with slope float((lower + upper) / 2);
// f'(0) = slope as leaky_relu.
TEST_P(PiecewiseTest, RreluIsLeakyWithMeanSlope) {
  const simdact_params p = simdact_default_params(SIMDACT_RRELU);
  // (0.125 + float(1/3)) / 2 in double, then rounded to float.
  const float slope =
      static_cast<float>((0.125 + static_cast<double>(1.0f / 3.0f)) / 2.0);
  const std::vector<float> x = {-2.0f, -0.0f, 0.0f, 3.0f, -INFINITY, NAN};
  ExpectValues(x, Forward(SIMDACT_RRELU, p, x),
               {-2.0f * slope, 0.0f, 0.0f, 3.0f, -INFINITY, NAN}, "forward");
  ExpectValues(x, Derivative(SIMDACT_RRELU, p, x),
               {slope, slope, slope, 1.0f, slope, NAN}, "derivative");
  EXPECT_EQ(slope, 0x1.d55556p-3f);  // 0.2291666...
}

// The derivative from y equals the derivative from x at y = f(x), over
// the sweep's inputs (whole float range, special values): ReluGeneral with
// threshold 0 and slope >= 0 (y <= 0 exactly where x <= 0, y < max_value
// exactly where x < max_value), and HardSigmoidGeneral, whose f' is taken
// where the rounded a x + b is inside (0, 1), of either sign of a.
TEST_P(PiecewiseTest, FromOutputMatchesFromInput) {
  const std::vector<float> x = SweepInputs(1 << 14, 7);
  const struct {
    simdact_activation act;
    simdact_params p;
  } cases[] = {
      {SIMDACT_RELU_GENERAL, Params(SIMDACT_RELU_GENERAL, 0.0f, INFINITY)},
      {SIMDACT_RELU_GENERAL, Params(SIMDACT_RELU_GENERAL, 0.3f, INFINITY)},
      {SIMDACT_RELU_GENERAL, Params(SIMDACT_RELU_GENERAL, 0.01f, 6.0f)},
      {SIMDACT_RELU_GENERAL, Params(SIMDACT_RELU_GENERAL, 2.0f, 1e-3f)},
      {SIMDACT_HARD_SIGMOID_GENERAL,
       Params(SIMDACT_HARD_SIGMOID_GENERAL, 0.2f, 0.5f)},
      {SIMDACT_HARD_SIGMOID_GENERAL,
       Params(SIMDACT_HARD_SIGMOID_GENERAL, -3.7f, 0.01f)},
  };
  for (const auto& c : cases) {
    const std::vector<float> from_x = Derivative(c.act, c.p, x);
    const std::vector<float> from_y =
        FromOutput(c.act, c.p, Forward(c.act, c.p, x));
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(UlpDistance(from_x[i], from_y[i]), 0u)
          << simdact_activation_name(c.act) << " alpha=" << c.p.alpha
          << " x=" << x[i];
    }
  }
}

SIMDACT_INSTANTIATE_FOR_TARGETS(PiecewiseTest);

TEST(Piecewise, FromOutputDefinedOnlyWhereMonotonic) {
  const std::vector<float> y(4, 0.5f);
  std::vector<float> dx(4, kSentinel);
  auto status = [&](simdact_activation act, const simdact_params& p) {
    return simdact_backward_from_output(act, &p, y.data(), y.data(), dx.data(),
                                        4);
  };
  EXPECT_EQ(
      status(SIMDACT_THRESHOLD, simdact_default_params(SIMDACT_THRESHOLD)),
      SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(status(SIMDACT_RELU_GENERAL,
                   Params(SIMDACT_RELU_GENERAL, 0.1f, INFINITY, 0.5f)),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(status(SIMDACT_RELU_GENERAL,
                   Params(SIMDACT_RELU_GENERAL, -0.1f, INFINITY, 0.0f)),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(status(SIMDACT_RRELU, Params(SIMDACT_RRELU, -0.5f, 0.1f)),
            SIMDACT_ERROR_UNDEFINED);
  for (float v : dx) EXPECT_EQ(v, kSentinel);
  EXPECT_EQ(status(SIMDACT_RRELU, Params(SIMDACT_RRELU, -0.1f, 0.3f)),
            SIMDACT_OK);
  EXPECT_EQ(dx[0], 0.5f);
  EXPECT_EQ(status(SIMDACT_RELU_GENERAL,
                   Params(SIMDACT_RELU_GENERAL, 0.0f, 3.0f, 0.0f)),
            SIMDACT_OK);
}

TEST(Piecewise, InvalidParameters) {
  const std::vector<float> x(4, 0.5f);
  std::vector<float> y(4, kSentinel);
  auto check = [&](simdact_activation act, simdact_params p) {
    EXPECT_EQ(simdact_forward(act, &p, x.data(), y.data(), 4),
              SIMDACT_ERROR_INVALID_PARAMETER)
        << simdact_activation_name(act) << " " << p.alpha << " " << p.beta
        << " " << p.threshold;
    EXPECT_EQ(simdact_backward(act, &p, x.data(), x.data(), y.data(), 4),
              SIMDACT_ERROR_INVALID_PARAMETER);
  };
  const auto R = SIMDACT_RELU_GENERAL;
  check(R, Params(R, INFINITY, INFINITY));
  check(R, Params(R, NAN, INFINITY));
  check(R, Params(R, 0.1f, 0.0f));  // max_value must be > 0
  check(R, Params(R, 0.1f, -1.0f));
  check(R, Params(R, 0.1f, NAN));
  check(R, Params(R, 0.1f, INFINITY, NAN));
  check(R, Params(R, 0.1f, INFINITY, -INFINITY));
  const auto H = SIMDACT_HARD_SIGMOID_GENERAL;
  check(H, Params(H, INFINITY, 0.5f));
  check(H, Params(H, 0.2f, NAN));
  const auto T = SIMDACT_THRESHOLD;
  check(T, Params(T, NAN, 0.0f, 0.0f));
  check(T, Params(T, 0.0f, 0.0f, INFINITY));
  const auto S = SIMDACT_SQUAREPLUS;
  check(S, Params(S, -1.0f, 0.0f));
  check(S, Params(S, INFINITY, 0.0f));
  check(S, Params(S, NAN, 0.0f));
  const auto RR = SIMDACT_RRELU;
  check(RR, Params(RR, 0.4f, 0.3f));  // lower > upper
  check(RR, Params(RR, 0.1f, INFINITY));
  check(RR, Params(RR, -INFINITY, 0.3f));
  for (float v : y) EXPECT_EQ(v, kSentinel);
  // Boundary values that are valid.
  for (const auto& [act, p] : {std::pair{R, Params(R, -2.0f, 1e-30f, -5.0f)},
                               std::pair{S, Params(S, 0.0f, 0.0f)},
                               std::pair{RR, Params(RR, 0.3f, 0.3f)},
                               std::pair{H, Params(H, 0.0f, -7.0f)}}) {
    EXPECT_EQ(simdact_forward(act, &p, x.data(), y.data(), 4), SIMDACT_OK)
        << simdact_activation_name(act);
  }
}

TEST(Piecewise, NamesAndDefaults) {
  ASSERT_NO_FATAL_FAILURE(ExpectNamesMapTo({
      {"relu_general", SIMDACT_RELU_GENERAL},
      {"keras_relu", SIMDACT_RELU_GENERAL},
      {"hard_sigmoid_general", SIMDACT_HARD_SIGMOID_GENERAL},
      {"threshold", SIMDACT_THRESHOLD},
      {"squareplus", SIMDACT_SQUAREPLUS},
      {"sparse_plus", SIMDACT_SPARSE_PLUS},
      {"Sparse_Sigmoid", SIMDACT_SPARSE_SIGMOID},
      {"rrelu", SIMDACT_RRELU},
  }));
  ASSERT_NO_FATAL_FAILURE(
      ExpectNamesRoundTrip(SIMDACT_RELU_GENERAL, SIMDACT_RRELU));
  EXPECT_STREQ(simdact_activation_name(SIMDACT_RELU_GENERAL), "relu_general");
  // Keras' defaults: relu(negative_slope=0, max_value=None, threshold=0),
  // squareplus b = 4; ONNX HardSigmoid 0.2, 0.5; PyTorch RReLU 1/8, 1/3;
  // nn.Threshold has no defaults (0, 0 here).
  simdact_params p = simdact_default_params(SIMDACT_RELU_GENERAL);
  EXPECT_EQ(p.alpha, 0.0f);
  EXPECT_EQ(p.beta, INFINITY);
  EXPECT_EQ(p.threshold, 0.0f);
  p = simdact_default_params(SIMDACT_HARD_SIGMOID_GENERAL);
  EXPECT_EQ(p.alpha, 0.2f);
  EXPECT_EQ(p.beta, 0.5f);
  EXPECT_EQ(simdact_default_params(SIMDACT_SQUAREPLUS).alpha, 4.0f);
  p = simdact_default_params(SIMDACT_RRELU);
  EXPECT_EQ(p.alpha, 0.125f);
  EXPECT_EQ(p.beta, 1.0f / 3.0f);
  p = simdact_default_params(SIMDACT_THRESHOLD);
  EXPECT_EQ(p.alpha, 0.0f);
  EXPECT_EQ(p.threshold, 0.0f);
}

TEST(Piecewise, CppWrappers) {
  const std::vector<float> x = {-2.0f, 0.5f, 4.0f, 8.0f};
  std::vector<float> y(4), d(4);
  ASSERT_EQ(ReluGeneral(x.data(), y.data(), 4, 0.5f, 6.0f), Status::kOk);
  EXPECT_EQ(y[0], -1.0f);
  EXPECT_EQ(y[3], 6.0f);
  ASSERT_EQ(ReluGeneral(x.data(), y.data(), 4, 0.0f, INFINITY, 1.0f),
            Status::kOk);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[3], 8.0f);
  ASSERT_EQ(HardSigmoidGeneral(x.data(), y.data(), 4), Status::kOk);
  EXPECT_EQ(y[1], 0.6f);  // 0.2f * 0.5f + 0.5f, exact as float
  ASSERT_EQ(Threshold(x.data(), y.data(), 4, 1.0f, -5.0f), Status::kOk);
  EXPECT_EQ(y[1], -5.0f);
  EXPECT_EQ(y[2], 4.0f);
  EXPECT_EQ(ThresholdBackwardFromOutput(x.data(), x.data(), d.data(), 4),
            Status::kUndefined);
  ASSERT_EQ(Squareplus(x.data(), y.data(), 4, 0.0f), Status::kOk);
  EXPECT_EQ(y[0], 0.0f);
  ASSERT_EQ(SparsePlusDerivative(x.data(), d.data(), 4), Status::kOk);
  EXPECT_EQ(d[1], 0.75f);
  ASSERT_EQ(SparseSigmoid(x.data(), y.data(), 4), Status::kOk);
  EXPECT_EQ(y[1], 0.75f);
  ASSERT_EQ(RreluBackward(x.data(), x.data(), d.data(), 4, 0.5f, 0.5f),
            Status::kOk);
  EXPECT_EQ(d[0], -1.0f);  // dy * slope = -2 * 0.5
  EXPECT_EQ(Rrelu(x.data(), y.data(), 4, 0.5f, 0.1f),
            Status::kInvalidParameter);
#if __cplusplus >= 202002L
  EXPECT_EQ(Squareplus(std::span<const float>(x), std::span<float>(y)),
            Status::kOk);
  ExpectNear(y[1], 0.5 * (0.5 + sqrt(4.25)), 1, "span");
#endif
}

}  // namespace
}  // namespace test
}  // namespace simdact
