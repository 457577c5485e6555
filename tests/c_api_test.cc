// The C API's error paths: each status, and that nothing is written when a
// call fails. Also names, defaults and the C++ wrappers.
#include <float.h>
#include <math.h>
#include <stdint.h>

#include <vector>

#include "gtest/gtest.h"
#include "simdact/simdact.h"
#include "simdact/simdact.hpp"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

constexpr float kCanary = -777.0f;

// A buffer whose contents must not change.
struct Guarded {
  std::vector<float> v;
  explicit Guarded(size_t n) : v(n, kCanary) {}
  bool Untouched() const {
    for (float f : v) {
      if (f != kCanary) return false;
    }
    return true;
  }
};

TEST(CApi, NullPointersWithElements) {
  std::vector<float> x(8, 1.0f);
  Guarded y(8);
  simdact_params p = simdact_default_params(SIMDACT_SIGMOID);
  EXPECT_EQ(simdact_forward(SIMDACT_SIGMOID, &p, nullptr, y.v.data(), 8),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(simdact_forward(SIMDACT_SIGMOID, &p, x.data(), nullptr, 8),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(
      simdact_backward(SIMDACT_SIGMOID, &p, x.data(), nullptr, y.v.data(), 8),
      SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(simdact_softmax(nullptr, y.v.data(), 2, 4),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(simdact_prelu(x.data(), nullptr, y.v.data(), 2, 2, 2),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_TRUE(y.Untouched());
  // n == 0: null is fine, nothing happens.
  EXPECT_EQ(simdact_forward(SIMDACT_SIGMOID, &p, nullptr, nullptr, 0),
            SIMDACT_OK);
  EXPECT_EQ(simdact_softmax(nullptr, nullptr, 0, 10), SIMDACT_OK);
  // NULL params means the defaults.
  EXPECT_EQ(simdact_forward(SIMDACT_RELU, nullptr, x.data(), y.v.data(), 8),
            SIMDACT_OK);
  EXPECT_EQ(y.v[0], 1.0f);
}

TEST(CApi, UnknownActivation) {
  std::vector<float> x(4, 1.0f);
  Guarded y(4);
  const auto bogus = static_cast<simdact_activation>(99);
  EXPECT_EQ(simdact_forward(bogus, nullptr, x.data(), y.v.data(), 4),
            SIMDACT_ERROR_UNKNOWN_ACTIVATION);
  EXPECT_EQ(simdact_backward(static_cast<simdact_activation>(0), nullptr,
                             x.data(), x.data(), y.v.data(), 4),
            SIMDACT_ERROR_UNKNOWN_ACTIVATION);
  EXPECT_TRUE(y.Untouched());
  simdact_activation act;
  EXPECT_EQ(simdact_activation_from_name("swishy", &act),
            SIMDACT_ERROR_UNKNOWN_ACTIVATION);
  EXPECT_EQ(simdact_activation_from_name(nullptr, &act),
            SIMDACT_ERROR_NULL_POINTER);
  EXPECT_EQ(simdact_activation_name(bogus), nullptr);
}

TEST(CApi, NamesRoundTrip) {
  ASSERT_NO_FATAL_FAILURE(ExpectNamesRoundTrip(SIMDACT_RELU, SIMDACT_SOFTMAX));
  simdact_activation act;
  ASSERT_EQ(simdact_activation_from_name("LeakyReLU", &act), SIMDACT_OK);
  EXPECT_EQ(act, SIMDACT_LEAKY_RELU);
  EXPECT_FLOAT_EQ(simdact_default_params(SIMDACT_LEAKY_RELU).alpha, 0.01f);
  EXPECT_FLOAT_EQ(simdact_default_params(SIMDACT_ELU).alpha, 1.0f);
  for (int s = 0; s <= 9; ++s) {
    EXPECT_NE(simdact_status_string(static_cast<simdact_status>(s)), nullptr);
  }
}

TEST(CApi, InvalidParameters) {
  std::vector<float> x(4, -1.0f);
  Guarded y(4);
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    simdact_params p = simdact_default_params(SIMDACT_ELU);
    p.alpha = bad;
    EXPECT_EQ(simdact_forward(SIMDACT_ELU, &p, x.data(), y.v.data(), 4),
              SIMDACT_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(simdact_forward(SIMDACT_LEAKY_RELU, &p, x.data(), y.v.data(), 4),
              SIMDACT_ERROR_INVALID_PARAMETER);
  }
  const float nan_alpha[2] = {0.1f, NAN};
  EXPECT_EQ(simdact_prelu(x.data(), nan_alpha, y.v.data(), 1, 2, 2),
            SIMDACT_ERROR_INVALID_PARAMETER);
  EXPECT_TRUE(y.Untouched());
}

TEST(CApi, UndefinedFromOutput) {
  std::vector<float> y(4, -0.5f), dy(4, 1.0f);
  Guarded dx(4);
  simdact_params p = simdact_default_params(SIMDACT_LEAKY_RELU);
  p.alpha = -0.5f;  // y > 0 no longer means x > 0
  EXPECT_EQ(simdact_backward_from_output(SIMDACT_LEAKY_RELU, &p, y.data(),
                                         dy.data(), dx.v.data(), 4),
            SIMDACT_ERROR_UNDEFINED);
  p = simdact_default_params(SIMDACT_ELU);
  p.alpha = -1.0f;
  EXPECT_EQ(simdact_backward_from_output(SIMDACT_ELU, &p, y.data(), dy.data(),
                                         dx.v.data(), 4),
            SIMDACT_ERROR_UNDEFINED);
  const float alpha[2] = {0.1f, -0.2f};
  p = simdact_default_params(SIMDACT_PRELU);
  p.prelu_alpha = alpha;
  p.channels = 2;
  p.inner = 2;
  EXPECT_EQ(simdact_backward_from_output(SIMDACT_PRELU, &p, y.data(), dy.data(),
                                         dx.v.data(), 4),
            SIMDACT_ERROR_UNDEFINED);
  p = simdact_default_params(SIMDACT_SOFTMAX);
  p.softmax_cols = 4;
  EXPECT_EQ(simdact_derivative(SIMDACT_SOFTMAX, &p, y.data(), dx.v.data(), 4),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_TRUE(dx.v[0] == kCanary && dx.Untouched());
}

TEST(CApi, ShapesAndOverflow) {
  std::vector<float> x(12, 1.0f);
  Guarded y(12);
  simdact_params p = simdact_default_params(SIMDACT_SOFTMAX);
  p.softmax_cols = 5;  // 12 is not a multiple of 5
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x.data(), y.v.data(), 12),
            SIMDACT_ERROR_SHAPE);
  p.softmax_cols = 0;
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x.data(), y.v.data(), 12),
            SIMDACT_ERROR_SHAPE);
  const float alpha[5] = {};
  p = simdact_default_params(SIMDACT_PRELU);
  p.prelu_alpha = alpha;
  p.channels = 5;
  p.inner = 1;
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &p, x.data(), y.v.data(), 12),
            SIMDACT_ERROR_SHAPE);
  p.channels = SIZE_MAX / 2;
  p.inner = 4;
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &p, x.data(), y.v.data(), 12),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_EQ(simdact_softmax(x.data(), y.v.data(), SIZE_MAX / 2, 3),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_EQ(simdact_prelu(x.data(), alpha, y.v.data(), SIZE_MAX / 4, 8, 1),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_EQ(simdact_forward(SIMDACT_RELU, nullptr, x.data(), y.v.data(),
                            SIZE_MAX / 2),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_EQ(simdact_softmax_jacobian(x.data(), SIZE_MAX / 2, y.v.data()),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  EXPECT_TRUE(y.Untouched());
}

// Softmax and PReLU each have their own checks (c_api.cc: RunRows,
// RunPRelu), made in one order: parameters, shape, kind, overlap. Each case
// below breaks one or two of them; nothing may be written.
TEST(CApi, RowAndPReluChecks) {
  std::vector<float> buf(64, 0.5f);
  Guarded out(12);
  float* x = buf.data();
  simdact_params p = simdact_default_params(SIMDACT_SOFTMAX);
  p.softmax_cols = 4;
  p.softmax_inner = SIZE_MAX / 2;
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x, out.v.data(), 12),
            SIMDACT_ERROR_SIZE_OVERFLOW);
  p.softmax_inner = 1;
  p.temperature = 0.0f;  // and a bad shape: the parameter comes first
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x, out.v.data(), 10),
            SIMDACT_ERROR_INVALID_PARAMETER);
  p.temperature = 1.0f;
  // A bad shape and kind: the shape first; then the kind before overlap.
  EXPECT_EQ(simdact_derivative(SIMDACT_LOG_SOFTMAX, &p, x, out.v.data(), 10),
            SIMDACT_ERROR_SHAPE);
  EXPECT_EQ(simdact_derivative(SIMDACT_SOFTMAX, &p, x, x + 1, 12),
            SIMDACT_ERROR_UNDEFINED);
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x, x + 4, 12),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(
      simdact_backward_from_output(SIMDACT_SOFTMAX, &p, x, x + 16, x + 20, 12),
      SIMDACT_ERROR_OVERLAP);
  p.softmax_cols = 0;  // cols 0 fits only n = 0
  EXPECT_EQ(simdact_forward(SIMDACT_SOFTMAX, &p, x, out.v.data(), 0),
            SIMDACT_OK);

  const float alpha[4] = {0.25f, 0.25f, 0.25f, 0.25f};
  const float bad_alpha[4] = {0.25f, NAN, 0.25f, 0.25f};
  simdact_params q = simdact_default_params(SIMDACT_PRELU);
  q.prelu_alpha = bad_alpha;
  q.channels = 4;
  q.inner = 1;
  // Shape, then the slopes (null, not finite), then overlap.
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, out.v.data(), 10),
            SIMDACT_ERROR_SHAPE);
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, out.v.data(), 12),
            SIMDACT_ERROR_INVALID_PARAMETER);
  q.prelu_alpha = nullptr;
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, out.v.data(), 12),
            SIMDACT_ERROR_NULL_POINTER);
  q.prelu_alpha = x + 40;  // the slopes inside the output
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, x + 32, 12),
            SIMDACT_ERROR_OVERLAP);
  q.prelu_alpha = alpha;
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, x + 2, 12),
            SIMDACT_ERROR_OVERLAP);
  q.channels = 0;  // no channels fits only n = 0, with or without slopes
  q.prelu_alpha = nullptr;
  EXPECT_EQ(simdact_forward(SIMDACT_PRELU, &q, x, out.v.data(), 0), SIMDACT_OK);
  EXPECT_TRUE(out.Untouched());
  EXPECT_EQ(buf, std::vector<float>(64, 0.5f));
}

// Every row of a multi-row call is computed (the row count is n / cols; one
// row takes no division).
TEST(CApi, SoftmaxComputesEveryRow) {
  for (size_t rows : {1, 2, 3, 7}) {
    const size_t cols = 5;
    std::vector<float> x(rows * cols), y(rows * cols, kCanary);
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = 0.25f * static_cast<float>(i % 7);
    simdact_params p = simdact_default_params(SIMDACT_SOFTMAX);
    p.softmax_cols = cols;
    ASSERT_EQ(
        simdact_forward(SIMDACT_SOFTMAX, &p, x.data(), y.data(), x.size()),
        SIMDACT_OK);
    for (size_t r = 0; r < rows; ++r) {
      double sum = 0.0;
      for (size_t c = 0; c < cols; ++c) sum += y[r * cols + c];
      EXPECT_NEAR(sum, 1.0, 1e-6) << "rows " << rows << " row " << r;
    }
  }
}

TEST(CApi, Overlap) {
  std::vector<float> buf(32, 0.5f);
  const std::vector<float> before = buf;
  // Partial overlap of y with x: rejected. Exact aliasing: allowed.
  EXPECT_EQ(
      simdact_forward(SIMDACT_TANH, nullptr, buf.data(), buf.data() + 1, 16),
      SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(
      simdact_forward(SIMDACT_TANH, nullptr, buf.data() + 1, buf.data(), 16),
      SIMDACT_ERROR_OVERLAP);
  // dx may alias dy, never x.
  EXPECT_EQ(simdact_backward(SIMDACT_TANH, nullptr, buf.data(), buf.data() + 16,
                             buf.data(), 16),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(simdact_backward(SIMDACT_TANH, nullptr, buf.data(), buf.data() + 16,
                             buf.data() + 8, 16),
            SIMDACT_ERROR_OVERLAP);
  // dalpha overlapping dx.
  const float alpha[2] = {0.1f, 0.1f};
  EXPECT_EQ(simdact_prelu_backward(buf.data(), alpha, buf.data() + 8,
                                   buf.data() + 16, buf.data() + 20, 2, 2, 2),
            SIMDACT_ERROR_OVERLAP);
  EXPECT_EQ(buf, before);
  EXPECT_EQ(simdact_forward(SIMDACT_TANH, nullptr, buf.data(), buf.data(), 16),
            SIMDACT_OK);
  EXPECT_EQ(simdact_backward(SIMDACT_TANH, nullptr, buf.data(), buf.data() + 16,
                             buf.data() + 16, 16),
            SIMDACT_OK);
}

TEST(CppApi, TypedAndSpan) {
  std::vector<float> x = {-2.0f, -0.0f, 0.0f, 3.0f};
  std::vector<float> y(4), dx(4);
  ASSERT_EQ(Relu(x.data(), y.data(), x.size()), Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{0.0f, 0.0f, 0.0f, 3.0f}));
  EXPECT_FALSE(std::signbit(y[1]));  // relu(-0) = +0
  ASSERT_EQ(LeakyRelu(std::span<const float>(x), std::span<float>(y), 0.5f),
            Status::kOk);
  EXPECT_EQ(y[0], -1.0f);
  ASSERT_EQ(ReluBackward(x.data(), x.data(), dx.data(), 4), Status::kOk);
  EXPECT_EQ(dx[3], 3.0f);
  EXPECT_EQ(dx[2], 0.0f);  // relu'(0) = 0
  std::vector<float> short_y(3);
  EXPECT_EQ(Sigmoid(std::span<const float>(x), std::span<float>(short_y)),
            Status::kShape);
  EXPECT_EQ(Softmax(std::span<const float>(x), std::span<float>(y), 3),
            Status::kShape);
  ASSERT_EQ(Softmax(std::span<const float>(x), std::span<float>(y), 2),
            Status::kOk);
  EXPECT_FLOAT_EQ(y[0] + y[1], 1.0f);
  EXPECT_STREQ(ToString(Status::kOverlap), "buffers overlap");
}

// Conventions at the kinks, as PyTorch.
TEST(CApi, DerivativesAtZero) {
  const float zeros[2] = {0.0f, -0.0f};
  float d[2];
  ASSERT_EQ(simdact_derivative(SIMDACT_RELU, nullptr, zeros, d, 2), SIMDACT_OK);
  EXPECT_EQ(d[0], 0.0f);
  EXPECT_EQ(d[1], 0.0f);
  simdact_params p = simdact_default_params(SIMDACT_LEAKY_RELU);
  p.alpha = 0.2f;
  ASSERT_EQ(simdact_derivative(SIMDACT_LEAKY_RELU, &p, zeros, d, 2),
            SIMDACT_OK);
  EXPECT_EQ(d[0], 0.2f);
  EXPECT_EQ(d[1], 0.2f);
  p = simdact_default_params(SIMDACT_ELU);
  p.alpha = 0.7f;
  ASSERT_EQ(simdact_derivative(SIMDACT_ELU, &p, zeros, d, 2), SIMDACT_OK);
  EXPECT_EQ(d[0], 0.7f);
}

// Finite input never gives NaN or inf (sigmoid(-100), tanh(50) == 1, ...).
TEST(CApi, FiniteInFiniteOut) {
  const float x[6] = {-100.0f, 100.0f, 50.0f, -FLT_MAX, FLT_MAX, -1e-45f};
  float y[6];
  for (auto act : {SIMDACT_SIGMOID, SIMDACT_TANH, SIMDACT_ELU}) {
    ASSERT_EQ(simdact_forward(act, nullptr, x, y, 6), SIMDACT_OK);
    for (float v : y) EXPECT_TRUE(isfinite(v)) << simdact_activation_name(act);
    ASSERT_EQ(simdact_derivative(act, nullptr, x, y, 6), SIMDACT_OK);
    for (float v : y) EXPECT_TRUE(isfinite(v)) << simdact_activation_name(act);
  }
  ASSERT_EQ(simdact_forward(SIMDACT_TANH, nullptr, x, y, 6), SIMDACT_OK);
  EXPECT_EQ(y[2], 1.0f);
  // Subnormal results are produced, not flushed: sigmoid(-100) = 3.72e-44.
  ASSERT_EQ(simdact_forward(SIMDACT_SIGMOID, nullptr, x, y, 1), SIMDACT_OK);
  EXPECT_GT(y[0], 0.0f);
  EXPECT_LT(y[0], FLT_MIN);
  EXPECT_EQ(y[0], static_cast<float>(exp(-100.0) / (1.0 + exp(-100.0))));
  const float inf[2] = {INFINITY, -INFINITY};
  ASSERT_EQ(simdact_forward(SIMDACT_SIGMOID, nullptr, inf, y, 2), SIMDACT_OK);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], 0.0f);
  simdact_params p = simdact_default_params(SIMDACT_ELU);
  p.alpha = 1.5f;
  ASSERT_EQ(simdact_forward(SIMDACT_ELU, &p, inf, y, 2), SIMDACT_OK);
  EXPECT_EQ(y[1], -1.5f);
}

}  // namespace
}  // namespace test
}  // namespace simdact
