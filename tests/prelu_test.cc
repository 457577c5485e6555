// PReLU over [outer, channels, inner] on every supported target: forward,
// derivative and backward exact against the reference; dalpha within a
// stated bound; several layouts (NCHW, channels-last, shared slope).
#include <float.h>
#include <math.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/reference.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

struct Shape {
  size_t outer, channels, inner;
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {1, 1, 1},
      {2, 3, 5},
      {4, 16, 1},
      {3, 17, 1},
      {2, 5, 64},
      {1, 1, 1000},
      {5, 33, 7},
      {2, 64, 1},
      {7, 1, 3},
      {3, 2, 33},
      {64, 3, 1},
      {1, 300, 1},
      {130, 20, 1},
      // More than 1024 channels: the C API's dalpha accumulators move from
      // the stack to the heap.
      {3, 1500, 1}};
  return shapes;
}

struct Data {
  std::vector<float> x, dy, alpha;
};

Data MakeData(const Shape& s, uint32_t seed) {
  const size_t n = s.outer * s.channels * s.inner;
  Data d{SweepInputs(n, seed), GradientInputs(n, seed + 1), {}};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> a(0.0f, 0.5f);
  for (size_t c = 0; c < s.channels; ++c) d.alpha.push_back(a(rng));
  return d;
}

using PReluTest = TargetTest;

// At both widths of the AVX-512 loops (256-bit ones run long buffers on
// Zen 4, kernel_set.h), and with streaming stores (x86, outputs larger than
// the last-level cache; forced here) into 64-byte aligned outputs, which
// the channels-last loops need for them.
TEST_P(PReluTest, ExactAgainstReference) {
  for (int mode = 0; mode < 4; ++mode) {
    const bool narrow = mode & 1, stream = mode & 2;
    const ScopedNarrowLoopsFrom narrow_from(narrow ? 0 : SIZE_MAX);
    const ScopedStreamStoresFrom stream_from(stream ? 0 : SIZE_MAX);
    for (const Shape& s : Shapes()) {
      SCOPED_TRACE(std::to_string(s.outer) + "x" + std::to_string(s.channels) +
                   "x" + std::to_string(s.inner) + (narrow ? " narrow" : "") +
                   (stream ? " streaming stores" : ""));
      const Data d =
          MakeData(s, static_cast<uint32_t>(s.channels * 31 + s.inner));
      const size_t n = d.x.size();
      std::vector<float> y_storage(n + 16), deriv_storage(n + 16),
          dx_storage(n + 16), dx_plain_storage(n + 16),
          dx_from_y_storage(n + 16), dalpha(s.channels);
      float* y = Aligned64(y_storage);
      float* deriv = Aligned64(deriv_storage);
      float* dx = Aligned64(dx_storage);
      float* dx_plain = Aligned64(dx_plain_storage);
      float* dx_from_y = Aligned64(dx_from_y_storage);
      simdact_params p = simdact_default_params(SIMDACT_PRELU);
      p.prelu_alpha = d.alpha.data();
      p.channels = s.channels;
      p.inner = s.inner;
      ASSERT_EQ(simdact_prelu(d.x.data(), d.alpha.data(), y, s.outer,
                              s.channels, s.inner),
                SIMDACT_OK);
      ASSERT_EQ(simdact_derivative(SIMDACT_PRELU, &p, d.x.data(), deriv, n),
                SIMDACT_OK);
      ASSERT_EQ(
          simdact_prelu_backward(d.x.data(), d.alpha.data(), d.dy.data(), dx,
                                 dalpha.data(), s.outer, s.channels, s.inner),
          SIMDACT_OK);
      // Without dalpha: the generic entry point (another loop).
      ASSERT_EQ(simdact_backward(SIMDACT_PRELU, &p, d.x.data(), d.dy.data(),
                                 dx_plain, n),
                SIMDACT_OK);
      ASSERT_EQ(simdact_backward_from_output(SIMDACT_PRELU, &p, y, d.dy.data(),
                                             dx_from_y, n),
                SIMDACT_OK);
      std::vector<double> want_dalpha(s.channels, 0.0),
          abs_sum(s.channels, 0.0);
      for (size_t i = 0; i < n; ++i) {
        const size_t c = (i / s.inner) % s.channels;
        const double a = d.alpha[c];
        const double f = reference::LeakyReluDerivative(d.x[i], a);
        EXPECT_EQ(UlpDistance(y[i], static_cast<float>(
                                        reference::LeakyRelu(d.x[i], a))),
                  0u)
            << "forward i=" << i << " x=" << d.x[i];
        EXPECT_EQ(UlpDistance(deriv[i], static_cast<float>(f)), 0u)
            << "derivative i=" << i;
        EXPECT_EQ(UlpDistance(dx[i], static_cast<float>(d.dy[i] * f)), 0u)
            << "backward i=" << i;
        EXPECT_EQ(UlpDistance(dx_plain[i], static_cast<float>(d.dy[i] * f)), 0u)
            << "backward without dalpha i=" << i;
        // From y: the same, except where x's sign is lost in y (alpha x
        // underflowing to -0 still selects alpha, as x <= 0 does).
        EXPECT_EQ(UlpDistance(dx_from_y[i], static_cast<float>(d.dy[i] * f)),
                  0u)
            << "from output i=" << i << " x=" << d.x[i] << " y=" << y[i];
        if (!(d.x[i] > 0)) {
          want_dalpha[c] += static_cast<double>(d.dy[i]) * d.x[i];
          abs_sum[c] += fabs(static_cast<double>(d.dy[i]) * d.x[i]);
        }
      }
      // Compensated sums: |error| <= 2^-22 |sum| + 2^-40 n sum|terms|, plus the
      // final rounding to float.
      for (size_t c = 0; c < s.channels; ++c) {
        const double tol = std::ldexp(fabs(want_dalpha[c]), -22) +
                           std::ldexp(abs_sum[c] * static_cast<double>(n), -40);
        if (!isfinite(static_cast<float>(want_dalpha[c]))) {
          EXPECT_TRUE(isnan(dalpha[c]) ||
                      dalpha[c] == static_cast<float>(want_dalpha[c]))
              << "c=" << c;
        } else {
          EXPECT_LE(fabs(dalpha[c] - want_dalpha[c]),
                    tol + UlpOf(want_dalpha[c]))
              << "dalpha c=" << c << " got " << dalpha[c] << " want "
              << want_dalpha[c];
        }
      }
    }
  }
}

TEST_P(PReluTest, InPlaceAndSharedSlope) {
  const Shape s{3, 4, 9};
  const Data d = MakeData(s, 5);
  std::vector<float> y(d.x.size()), inplace = d.x;
  ASSERT_EQ(simdact_prelu(d.x.data(), d.alpha.data(), y.data(), s.outer,
                          s.channels, s.inner),
            SIMDACT_OK);
  ASSERT_EQ(simdact_prelu(inplace.data(), d.alpha.data(), inplace.data(),
                          s.outer, s.channels, s.inner),
            SIMDACT_OK);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_EQ(UlpDistance(y[i], inplace[i]), 0u);
  // channels = 1 is LeakyReLU with that slope.
  std::vector<float> shared(d.x.size()), leaky(d.x.size());
  ASSERT_EQ(simdact_prelu(d.x.data(), d.alpha.data(), shared.data(), 1, 1,
                          d.x.size()),
            SIMDACT_OK);
  simdact_params p = simdact_default_params(SIMDACT_LEAKY_RELU);
  p.alpha = d.alpha[0];
  ASSERT_EQ(simdact_forward(SIMDACT_LEAKY_RELU, &p, d.x.data(), leaky.data(),
                            d.x.size()),
            SIMDACT_OK);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_EQ(UlpDistance(shared[i], leaky[i]), 0u);
}

SIMDACT_INSTANTIATE_FOR_TARGETS(PReluTest);

}  // namespace
}  // namespace test
}  // namespace simdact
