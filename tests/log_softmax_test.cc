// Log-softmax forward and backward on every supported target against the
// double reference: rows of 1 to 100k, rows dominated by one element (y near
// 0), special rows, in place, and the C API around it.
#include <float.h>
#include <math.h>

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/reference.h"
#include "tests/accuracy_report.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

constexpr uint64_t kForwardUlps = 2;
// Backward: dx_i = dy_i - p_i sum(dy) cancels; the bound is 4 ULP of
// |dy_i| + p_i |sum(dy)| (p_i from exp: 1-2 ULP, then one fused rounding).
constexpr double kBackwardUlps = 4.0;

using LogSoftmaxTest = TargetTest;

TEST_P(LogSoftmaxTest, ForwardWithinBound) {
  double max_err = 0.0;
  for (size_t cols : {1u, 2u, 3u, 7u, 8u, 9u, 16u, 17u, 33u, 100u, 1000u, 4097u,
                      32000u, 100000u}) {
    // Narrow rows, wide rows, and rows where one element dominates by 20 to
    // 90, so that its y is a tiny negative number.
    for (int shape = 0; shape < 3; ++shape) {
      SCOPED_TRACE("cols=" + std::to_string(cols) +
                   " shape=" + std::to_string(shape));
      std::vector<float> x = shape == 1
                                 ? RandomRow(cols, -200.0f, 50.0f, cols)
                                 : RandomRow(cols, -5.0f, 5.0f, cols + 1);
      if (shape == 2) {
        for (float& v : x) v -= 20.0f + static_cast<float>(cols % 70);
        x[cols / 2] = 3.0f;
      }
      std::vector<float> y(cols);
      ASSERT_EQ(simdact_log_softmax(x.data(), y.data(), 1, cols), SIMDACT_OK);
      const std::vector<double> want = reference::LogSoftmaxRow(x.data(), cols);
      int reported = 0;
      for (size_t i = 0; i < cols; ++i) {
        const uint64_t ulps = UlpDistance(y[i], static_cast<float>(want[i]));
        if (ulps > kForwardUlps && reported++ < 5) {
          ADD_FAILURE() << "i=" << i << " x=" << x[i] << " got " << y[i]
                        << " want " << want[i];
        }
        if (static_cast<double>(ulps) > max_err) max_err = ulps;
      }
    }
  }
  AccuracyReport::Get().Record("log_softmax.forward", GetParam(), max_err);
}

TEST_P(LogSoftmaxTest, BackwardWithinBound) {
  double max_x = 0.0, max_y = 0.0;
  for (size_t cols : {1u, 5u, 16u, 17u, 1000u, 32000u}) {
    SCOPED_TRACE("cols=" + std::to_string(cols));
    const std::vector<float> x = RandomRow(cols, -20.0f, 5.0f, cols + 3);
    const std::vector<float> dy = RandomRow(cols, -2.0f, 2.0f, cols + 4);
    const std::vector<double> y = reference::LogSoftmaxRow(x.data(), cols);
    std::vector<float> yf(cols), dx(cols);
    for (size_t i = 0; i < cols; ++i) yf[i] = static_cast<float>(y[i]);
    double sum = 0.0;
    for (float g : dy) sum += g;
    for (int from_y = 0; from_y < 2; ++from_y) {
      std::vector<double> want;
      if (from_y) {
        const std::vector<double> yd(yf.begin(), yf.end());
        want = reference::LogSoftmaxBackwardRow(yd.data(), dy.data(), cols);
        ASSERT_EQ(simdact_log_softmax_backward_from_output(yf.data(), dy.data(),
                                                           dx.data(), 1, cols),
                  SIMDACT_OK);
      } else {
        want = reference::LogSoftmaxBackwardRow(y.data(), dy.data(), cols);
        ASSERT_EQ(simdact_log_softmax_backward(x.data(), dy.data(), dx.data(),
                                               1, cols),
                  SIMDACT_OK);
      }
      double& max_err = from_y ? max_y : max_x;
      int reported = 0;
      for (size_t i = 0; i < cols; ++i) {
        const double p = exp(from_y ? static_cast<double>(yf[i]) : y[i]);
        const double scale = UlpOf(fabs(dy[i]) + p * fabs(sum));
        const double err = fabs(dx[i] - want[i]) / scale;
        if (!(err <= kBackwardUlps) && reported++ < 5) {
          ADD_FAILURE() << "from_y=" << from_y << " i=" << i << " got " << dx[i]
                        << " want " << want[i];
        }
        if (err > max_err) max_err = err;
      }
    }
  }
  AccuracyReport::Get().Record("log_softmax.backward", GetParam(), max_x);
  AccuracyReport::Get().Record("log_softmax.backward_from_output", GetParam(),
                               max_y);
}

TEST_P(LogSoftmaxTest, SpecialRowsAndInPlace) {
  const float inf = INFINITY;
  auto run = [](std::vector<float> x) {
    EXPECT_EQ(simdact_log_softmax(x.data(), x.data(), 1, x.size()),
              SIMDACT_OK);  // in place
    return x;
  };
  for (float v : run({1.0f, NAN, 2.0f})) EXPECT_TRUE(isnan(v));
  for (float v : run({1.0f, inf, 2.0f})) EXPECT_TRUE(isnan(v));
  for (float v : run({-inf, -inf})) EXPECT_TRUE(isnan(v));
  const std::vector<float> y = run({-inf, 0.0f, 0.0f});
  EXPECT_EQ(y[0], -inf);
  EXPECT_EQ(y[1], static_cast<float>(-log(2.0)));
  // One element alone: log_softmax = 0 exactly; FLT_MAX rows stay finite.
  EXPECT_EQ(run({123.0f})[0], 0.0f);
  const std::vector<float> big = run({FLT_MAX, -FLT_MAX});
  EXPECT_EQ(big[0], 0.0f);
  EXPECT_EQ(big[1], -inf);  // -2 FLT_MAX rounds to -inf, as in IEEE
  // Generic entry point and names.
  simdact_activation act;
  ASSERT_EQ(simdact_activation_from_name("LogSoftmax", &act), SIMDACT_OK);
  EXPECT_EQ(act, SIMDACT_LOG_SOFTMAX);
  simdact_params p = simdact_default_params(act);
  p.softmax_cols = 3;
  const float x[6] = {1, 2, 3, 4, 5, 6};
  float out[6];
  EXPECT_EQ(simdact_forward(act, &p, x, out, 5), SIMDACT_ERROR_SHAPE);
  EXPECT_EQ(simdact_derivative(act, &p, x, out, 6), SIMDACT_ERROR_UNDEFINED);
  ASSERT_EQ(simdact_forward(act, &p, x, out, 6), SIMDACT_OK);
  EXPECT_NEAR(exp(out[0]) + exp(out[1]) + exp(out[2]), 1.0, 1e-6);
}

SIMDACT_INSTANTIATE_FOR_TARGETS(LogSoftmaxTest);

}  // namespace
}  // namespace test
}  // namespace simdact
