// Targeted tests of the issue 5 activations: the failures seen in other
// libraries (GELU-tanh / SiLU / Mish tails, softplus below -17, hardswish at
// FLT_MAX), names, defaults, parameter checks and the C++ wrappers. The
// sweep over the whole float range is in elementwise_test.cc.
#include <float.h>
#include <math.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/reference.h"
#include "simdact/simdact.h"
#include "simdact/simdact.hpp"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

namespace ref = ::simdact::reference;

std::vector<float> Forward(simdact_activation act, const std::vector<float>& x,
                           const simdact_params* p = nullptr) {
  std::vector<float> y(x.size(), -777.0f);
  EXPECT_EQ(simdact_forward(act, p, x.data(), y.data(), x.size()), SIMDACT_OK);
  return y;
}

std::vector<float> Derivative(simdact_activation act,
                              const std::vector<float>& x) {
  std::vector<float> d(x.size(), -777.0f);
  EXPECT_EQ(simdact_derivative(act, nullptr, x.data(), d.data(), x.size()),
            SIMDACT_OK);
  return d;
}

using MoreActivationsTest = TargetTest;

// The tanh-approximated GELU keeps relative accuracy far into the negative
// tail (1 + tanh(u) would cancel to 0 or to noise below x = -5.5).
TEST_P(MoreActivationsTest, GeluTanhNegativeTailRelative) {
  std::vector<float> x;
  // Down to -10.75, where x sigmoid(2u) leaves the float range.
  for (float v = -5.5f; v >= -10.75f; v -= 0.0625f) x.push_back(v);
  const std::vector<float> y = Forward(SIMDACT_GELU_TANH, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = ref::GeluTanh(x[i]);
    ASSERT_LT(y[i], 0.0f) << x[i];
    EXPECT_LE(UlpDistance(y[i], static_cast<float>(want)), 2u)
        << "x=" << x[i] << " got " << y[i] << " want " << want;
  }
}

// The exact GELU keeps relative accuracy in the whole negative tail, down
// to the subnormal results (below -13.2) and the last one (about -14.1):
// other libraries compute 1/2 erfc(-x/sqrt 2) badly or x (1 + erf) with
// cancellation, and lose every digit below x = -5.5.
TEST_P(MoreActivationsTest, GeluNegativeTailRelative) {
  std::vector<float> x = {-6.0f, -10.0f, -13.0f, -13.5f, -20.0f};
  for (float v = -3.0f; v >= -14.5f; v -= 0.03125f) x.push_back(v);
  const std::vector<float> y = Forward(SIMDACT_GELU, x);
  const std::vector<float> d = Derivative(SIMDACT_GELU, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = ref::Gelu(x[i]);
    EXPECT_LE(UlpDistance(y[i], static_cast<float>(want)), 2u)
        << "x=" << x[i] << " got " << y[i] << " want " << want;
    if (fabs(want) >= FLT_MIN) {  // a normal result: relative error
      EXPECT_LT(y[i], 0.0f) << x[i];
      EXPECT_LE(fabs(y[i] / want - 1.0), 0x1.0p-22) << x[i];
    }
    // f' < 0 here, far from its zero: plain ULPs.
    const double want_d = ref::GeluDerivative(x[i]);
    EXPECT_LE(UlpDistance(d[i], static_cast<float>(want_d)), 4u)
        << "x=" << x[i] << " got " << d[i] << " want " << want_d;
  }
  EXPECT_EQ(y[4], 0.0f);  // x = -20: -0 (below 2^-150)
}

// SiLU and Mish at -inf are 0 (not NaN = -inf * 0); +inf stays +inf; the
// derivatives are 0 and 1.
TEST_P(MoreActivationsTest, SiluMishAtInfinity) {
  const std::vector<float> x = {-INFINITY, INFINITY, -FLT_MAX, FLT_MAX,
                                -200.0f};
  for (simdact_activation act :
       {SIMDACT_SILU, SIMDACT_MISH, SIMDACT_GELU_TANH, SIMDACT_GELU}) {
    SCOPED_TRACE(simdact_activation_name(act));
    const std::vector<float> y = Forward(act, x);
    EXPECT_EQ(y[0], 0.0f);
    EXPECT_EQ(y[1], INFINITY);
    EXPECT_EQ(y[2], 0.0f);
    EXPECT_EQ(y[3], FLT_MAX);
    EXPECT_EQ(y[4], 0.0f);
    const std::vector<float> d = Derivative(act, x);
    EXPECT_EQ(d[0], 0.0f);
    EXPECT_EQ(d[1], 1.0f);
    EXPECT_EQ(d[2], 0.0f);
    EXPECT_EQ(d[3], 1.0f);
  }
}

// Softplus below -17: positive and accurate (log1p(e^x) ~ e^x), down to the
// subnormal range; never 0 or negative while e^x is representable.
TEST_P(MoreActivationsTest, SoftplusFarNegative) {
  std::vector<float> x;
  for (float v = -16.0f; v >= -103.0f; v -= 0.25f) x.push_back(v);
  const std::vector<float> y = Forward(SIMDACT_SOFTPLUS, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = ref::Softplus(x[i], 1.0, 20.0);
    ASSERT_GT(y[i], 0.0f) << x[i];
    EXPECT_LE(UlpDistance(y[i], static_cast<float>(want)), 1u)
        << "x=" << x[i] << " got " << y[i] << " want " << want;
  }
  // log_sigmoid = -softplus(-x): accurate for large x as well.
  std::vector<float> pos(x.size());
  for (size_t i = 0; i < x.size(); ++i) pos[i] = -x[i];
  const std::vector<float> ls = Forward(SIMDACT_LOG_SIGMOID, pos);
  for (size_t i = 0; i < x.size(); ++i) {
    ASSERT_LT(ls[i], 0.0f);
    EXPECT_LE(UlpDistance(ls[i], static_cast<float>(ref::LogSigmoid(pos[i]))),
              1u);
  }
}

// hardswish(x) = x for x >= 3: FLT_MAX stays finite.
TEST_P(MoreActivationsTest, HardSwishAtFltMax) {
  const std::vector<float> y =
      Forward(SIMDACT_HARD_SWISH, {FLT_MAX, -FLT_MAX, INFINITY, 3.0f, -3.0f});
  EXPECT_EQ(y[0], FLT_MAX);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[2], INFINITY);
  EXPECT_EQ(y[3], 3.0f);
  EXPECT_EQ(y[4], 0.0f);
  // PyTorch's kink conventions.
  const std::vector<float> d =
      Derivative(SIMDACT_HARD_SWISH, {-3.0f, 3.0f, -3.5f, 3.5f});
  EXPECT_EQ(d[0], -0.5f);
  EXPECT_EQ(d[1], 1.5f);
  EXPECT_EQ(d[2], 0.0f);
  EXPECT_EQ(d[3], 1.0f);
}

// tanhshrink near 0 keeps relative accuracy (x - tanh x ~ x^3 / 3).
TEST_P(MoreActivationsTest, TanhshrinkNearZero) {
  const std::vector<float> x = {1e-3f, -1e-3f, 1e-10f, 0.3f, 0.999f, 1.0f};
  const std::vector<float> y = Forward(SIMDACT_TANHSHRINK, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_LE(UlpDistance(y[i], static_cast<float>(ref::Tanhshrink(x[i]))), 3u)
        << x[i];
  }
}

SIMDACT_INSTANTIATE_FOR_TARGETS(MoreActivationsTest);

TEST(MoreActivations, NamesAndAliases) {
  ASSERT_NO_FATAL_FAILURE(ExpectNamesMapTo({
      {"silu", SIMDACT_SILU},
      {"swish", SIMDACT_SILU},
      {"gelu", SIMDACT_GELU},
      {"gelu_erf", SIMDACT_GELU},
      {"GELU", SIMDACT_GELU},
      {"gelu_tanh", SIMDACT_GELU_TANH},
      {"mish", SIMDACT_MISH},
      {"softplus", SIMDACT_SOFTPLUS},
      {"softsign", SIMDACT_SOFTSIGN},
      {"selu", SIMDACT_SELU},
      {"celu", SIMDACT_CELU},
      {"hard_sigmoid", SIMDACT_HARD_SIGMOID},
      {"hardsigmoid", SIMDACT_HARD_SIGMOID},
      {"hard_swish", SIMDACT_HARD_SWISH},
      {"hardswish", SIMDACT_HARD_SWISH},
      {"hard_silu", SIMDACT_HARD_SWISH},
      {"relu6", SIMDACT_RELU6},
      {"hardtanh", SIMDACT_HARDTANH},
      {"hard_tanh", SIMDACT_HARDTANH},
      {"log_sigmoid", SIMDACT_LOG_SIGMOID},
      {"LogSigmoid", SIMDACT_LOG_SIGMOID},
      {"tanhshrink", SIMDACT_TANHSHRINK},
      {"softshrink", SIMDACT_SOFTSHRINK},
      {"hardshrink", SIMDACT_HARDSHRINK},
      {"exponential", SIMDACT_EXPONENTIAL},
      {"linear", SIMDACT_LINEAR},
      {"gelu_approximate_tanh", SIMDACT_GELU_TANH},
  }));
  // Every implemented value round-trips through its canonical name.
  ASSERT_NO_FATAL_FAILURE(ExpectNamesRoundTrip(SIMDACT_SILU, SIMDACT_LINEAR));
  // GELU (erf) is implemented (it was reserved, UNKNOWN_ACTIVATION).
  EXPECT_STREQ(simdact_activation_name(SIMDACT_GELU), "gelu");
  float x = 1.0f, y = 0.0f;
  EXPECT_EQ(simdact_forward(SIMDACT_GELU, nullptr, &x, &y, 1), SIMDACT_OK);
  EXPECT_EQ(y, static_cast<float>(ref::Gelu(1.0)));
}

TEST(MoreActivations, DefaultsAsPyTorch) {
  EXPECT_EQ(simdact_default_params(SIMDACT_SILU).beta, 1.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_SOFTPLUS).beta, 1.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_SOFTPLUS).threshold, 20.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_CELU).alpha, 1.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_HARDTANH).alpha, -1.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_HARDTANH).beta, 1.0f);
  EXPECT_EQ(simdact_default_params(SIMDACT_SOFTSHRINK).alpha, 0.5f);
  EXPECT_EQ(simdact_default_params(SIMDACT_HARDSHRINK).alpha, 0.5f);
  // Softplus: beta x > threshold gives x itself.
  simdact_params p = simdact_default_params(SIMDACT_SOFTPLUS);
  p.threshold = 1.0f;
  EXPECT_EQ(Forward(SIMDACT_SOFTPLUS, {1.5f}, &p)[0], 1.5f);
}

TEST(MoreActivations, InvalidParametersAndUndefined) {
  const std::vector<float> x(4, 0.5f);
  std::vector<float> y(4, -777.0f);
  auto check = [&](simdact_activation act, simdact_params p) {
    EXPECT_EQ(simdact_forward(act, &p, x.data(), y.data(), 4),
              SIMDACT_ERROR_INVALID_PARAMETER)
        << simdact_activation_name(act);
  };
  simdact_params p = simdact_default_params(SIMDACT_SOFTPLUS);
  p.beta = 0.0f;
  check(SIMDACT_SOFTPLUS, p);
  p.beta = 1.0f;
  p.threshold = NAN;
  check(SIMDACT_SOFTPLUS, p);
  p = simdact_default_params(SIMDACT_SILU);
  p.beta = INFINITY;
  check(SIMDACT_SILU, p);
  p = simdact_default_params(SIMDACT_CELU);
  p.alpha = 0.0f;
  check(SIMDACT_CELU, p);
  p = simdact_default_params(SIMDACT_HARDTANH);
  p.alpha = 2.0f;  // min_val > max_val
  check(SIMDACT_HARDTANH, p);
  p = simdact_default_params(SIMDACT_SOFTSHRINK);
  p.alpha = -0.5f;
  check(SIMDACT_SOFTSHRINK, p);
  for (float v : y) EXPECT_EQ(v, -777.0f);
  // No derivative from y for the non-monotonic ones and tanhshrink.
  for (simdact_activation act :
       {SIMDACT_SILU, SIMDACT_GELU, SIMDACT_GELU_TANH, SIMDACT_MISH,
        SIMDACT_HARD_SWISH, SIMDACT_TANHSHRINK}) {
    EXPECT_EQ(simdact_backward_from_output(act, nullptr, x.data(), x.data(),
                                           y.data(), 4),
              SIMDACT_ERROR_UNDEFINED)
        << simdact_activation_name(act);
  }
}

TEST(MoreActivations, CppWrappers) {
  const std::vector<float> x = {-2.0f, 0.5f, 4.0f, 8.0f};
  std::vector<float> y(4), d(4);
  ASSERT_EQ(Hardtanh(x.data(), y.data(), 4, -1.0f, 5.0f), Status::kOk);
  EXPECT_EQ(y[0], -1.0f);
  EXPECT_EQ(y[3], 5.0f);
  ASSERT_EQ(Relu6(x.data(), y.data(), 4), Status::kOk);
  EXPECT_EQ(y[3], 6.0f);
  ASSERT_EQ(Silu(x.data(), y.data(), 4, 2.0f), Status::kOk);
  EXPECT_NEAR(y[1], ref::Silu(0.5, 2.0), 1e-7);
  ASSERT_EQ(SoftplusDerivative(x.data(), d.data(), 4), Status::kOk);
  EXPECT_NEAR(d[1], ref::Sigmoid(0.5), 1e-7);
  EXPECT_EQ(MishBackwardFromOutput(x.data(), x.data(), d.data(), 4),
            Status::kUndefined);
  ASSERT_EQ(Gelu(x.data(), y.data(), 4), Status::kOk);
  EXPECT_NEAR(y[1], ref::Gelu(0.5), 1e-7);
  ASSERT_EQ(GeluDerivative(x.data(), d.data(), 4), Status::kOk);
  EXPECT_NEAR(d[0], ref::GeluDerivative(-2.0), 1e-7);
  EXPECT_EQ(GeluBackwardFromOutput(x.data(), x.data(), d.data(), 4),
            Status::kUndefined);
#if __cplusplus >= 202002L
  EXPECT_EQ(HardSwish(std::span<const float>(x), std::span<float>(y)),
            Status::kOk);
  EXPECT_EQ(y[3], 8.0f);
#endif
}

}  // namespace
}  // namespace test
}  // namespace simdact
