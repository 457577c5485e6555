// Softmax forward and backward on every supported target against the double
// reference, for rows of 1 to 100k, special rows, aliasing, and the Jacobian.
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

constexpr int kForwardUlps = 4;
// Backward: |dx_i - ref_i| <= 6 ULP of y_i (|dy_i| + sum_j |dy_j y_j|),
// s = sum dy y. dx_i = y_i (dy_i - s) cancels, so the bound is on that
// scale; and s itself may cancel, each y_j carrying its own rounding, so its
// error is relative to sum |dy_j y_j|, not to |s| (with |s| in the scale, a
// row of 31 with dy ~ -2e-5 measured 65). Budget: y_i (exp 1 ULP, 1/S and
// the product 0.5 each), dy_i - s and s 0.5 each, the last product 0.5,
// where a ULP is up to 2^-23 relative: about 5 ULP of the scale at worst.
// Measured 1.8 on x86 (2.9 in the old unit with |s|, 4.4 on aarch64).
constexpr double kBackwardUlps = 6.0;

const std::vector<size_t>& RowLengths() {
  static const std::vector<size_t> lengths = {
      1,  2,  3,  4,  5,  7,   8,    9,    15,    16,    17,
      31, 33, 63, 64, 65, 100, 1000, 4097, 32000, 100000};
  return lengths;
}

using SoftmaxTest = TargetTest;

TEST_P(SoftmaxTest, ForwardWithinBound) {
  for (size_t cols : RowLengths()) {
    // Narrow rows exercise the sum; wide ones exp's full range and the
    // exactness of x - max.
    for (float span : {10.0f, 200.0f}) {
      SCOPED_TRACE("cols=" + std::to_string(cols) +
                   " span=" + std::to_string(span));
      const size_t rows = cols < 100 ? 3 : 1;
      const std::vector<float> x =
          RandomRow(rows * cols, -span, span * 0.25f, cols);
      std::vector<float> y(x.size());
      ASSERT_EQ(simdact_softmax(x.data(), y.data(), rows, cols), SIMDACT_OK);
      double max_err = 0.0;
      int reported = 0;
      for (size_t r = 0; r < rows; ++r) {
        const std::vector<double> want =
            reference::SoftmaxRow(&x[r * cols], cols);
        for (size_t i = 0; i < cols; ++i) {
          const uint64_t ulps =
              UlpDistance(y[r * cols + i], static_cast<float>(want[i]));
          if (ulps > kForwardUlps && reported++ < 5) {
            ADD_FAILURE() << "row " << r << " i=" << i
                          << " x=" << x[r * cols + i] << " got "
                          << y[r * cols + i] << " want " << want[i];
          }
          if (static_cast<double>(ulps) > max_err)
            max_err = static_cast<double>(ulps);
        }
      }
      AccuracyReport::Get().Record("softmax.forward", GetParam(), max_err);
    }
  }
}

// Checks dx against the reference with the backward bound.
void ExpectBackwardWithinBound(const std::vector<double>& y, const float* dy,
                               const float* dx, size_t n,
                               const std::string& name,
                               const std::string& target) {
  double s;
  const std::vector<double> want =
      reference::SoftmaxBackwardRow(y.data(), dy, n, &s);
  (void)s;
  double s_terms = 0.0;  // sum |dy_j y_j|
  for (size_t j = 0; j < n; ++j) s_terms += fabs(dy[j] * y[j]);
  double max_err = 0.0;
  int reported = 0;
  for (size_t i = 0; i < n; ++i) {
    const double scale = UlpOf(fabs(y[i]) * (fabs(dy[i]) + s_terms));
    const double err = fabs(dx[i] - want[i]) / scale;
    if (!(err <= kBackwardUlps) && reported++ < 5) {
      ADD_FAILURE() << name << " i=" << i << " got " << dx[i] << " want "
                    << want[i];
    }
    if (err > max_err) max_err = err;
  }
  AccuracyReport::Get().Record(name, target, max_err);
}

TEST_P(SoftmaxTest, BackwardWithinBound) {
  for (size_t cols : RowLengths()) {
    SCOPED_TRACE("cols=" + std::to_string(cols));
    const std::vector<float> x = RandomRow(cols, -30.0f, 10.0f, cols + 7);
    const std::vector<float> dy = RandomRow(cols, -2.0f, 2.0f, cols + 8);
    const std::vector<double> y = reference::SoftmaxRow(x.data(), cols);
    std::vector<float> dx(cols);
    ASSERT_EQ(simdact_softmax_backward(x.data(), dy.data(), dx.data(), 1, cols),
              SIMDACT_OK);
    ExpectBackwardWithinBound(y, dy.data(), dx.data(), cols, "softmax.backward",
                              GetParam());
    // From the output: the reference takes the same float y.
    std::vector<float> yf(cols);
    for (size_t i = 0; i < cols; ++i) yf[i] = static_cast<float>(y[i]);
    const std::vector<double> yd(yf.begin(), yf.end());
    ASSERT_EQ(simdact_softmax_backward_from_output(yf.data(), dy.data(),
                                                   dx.data(), 1, cols),
              SIMDACT_OK);
    ExpectBackwardWithinBound(yd, dy.data(), dx.data(), cols,
                              "softmax.backward_from_output", GetParam());
  }
}

// sum(dy_j y_j) is taken four products at a time in float before the double
// sum; where such a float partial overflows but the exact sum does not (here
// it is 0), the kernels must fall back to exact double products, not return
// inf or NaN.
TEST_P(SoftmaxTest, BackwardWhereFloatPartialSumsOverflow) {
  const size_t cols = 256;
  std::vector<float> dy(cols, FLT_MAX);
  std::fill(dy.begin() + cols / 2, dy.end(), -FLT_MAX);
  auto expect_dx = [&](const std::vector<float>& dx, float y) {
    for (size_t i = 0; i < cols; ++i) {
      const float want = static_cast<float>(static_cast<double>(y) * dy[i]);
      EXPECT_LE(UlpDistance(dx[i], want), 1u) << "i=" << i << " got " << dx[i];
    }
  };
  std::vector<float> dx(cols);
  const std::vector<float> y(cols, 0.75f);  // any y, as the API allows
  ASSERT_EQ(simdact_softmax_backward_from_output(y.data(), dy.data(), dx.data(),
                                                 1, cols),
            SIMDACT_OK);
  expect_dx(dx, 0.75f);
  // From x: e_j = 1, y = 1/256, sum(e_j dy_j) = 0.
  const std::vector<float> x(cols, 3.0f);
  ASSERT_EQ(simdact_softmax_backward(x.data(), dy.data(), dx.data(), 1, cols),
            SIMDACT_OK);
  expect_dx(dx, 1.0f / cols);
  std::vector<float> g = dy;  // in place
  ASSERT_EQ(simdact_softmax_backward(x.data(), g.data(), g.data(), 1, cols),
            SIMDACT_OK);
  expect_dx(g, 1.0f / cols);
}

TEST_P(SoftmaxTest, SpecialRows) {
  auto run = [](std::vector<float> x) {
    std::vector<float> y(x.size());
    EXPECT_EQ(simdact_softmax(x.data(), y.data(), 1, x.size()), SIMDACT_OK);
    return y;
  };
  const float inf = INFINITY;
  for (size_t n : {1u, 5u, 19u}) {
    std::vector<float> x(n, 1.0f);
    // NaN or +inf anywhere: all NaN (inf - inf), as IEEE and PyTorch.
    x[n / 2] = NAN;
    for (float v : run(x)) EXPECT_TRUE(isnan(v));
    x[n / 2] = inf;
    for (float v : run(x)) EXPECT_TRUE(isnan(v));
    // All -inf: NaN too; some -inf: those give exactly 0.
    for (float v : run(std::vector<float>(n, -inf))) EXPECT_TRUE(isnan(v));
    std::fill(x.begin(), x.end(), 2.0f);
    x[0] = -inf;
    const std::vector<float> y = run(x);
    if (n > 1) {
      EXPECT_EQ(y[0], 0.0f);
      EXPECT_EQ(y[1], 1.0f / static_cast<float>(n - 1));
    }
  }
  // Huge finite values neither overflow nor give NaN.
  const std::vector<float> big = run({FLT_MAX, -FLT_MAX, 0.0f, FLT_MAX});
  EXPECT_EQ(big[0], 0.5f);
  EXPECT_EQ(big[1], 0.0f);
  EXPECT_EQ(big[3], 0.5f);
}

TEST_P(SoftmaxTest, InPlaceAndMisaligned) {
  const size_t rows = 4, cols = 37;
  const std::vector<float> x = RandomRow(rows * cols + 3, -5.0f, 5.0f, 3);
  std::vector<float> out(rows * cols + 3);
  ASSERT_EQ(simdact_softmax(x.data() + 1, out.data() + 3, rows, cols),
            SIMDACT_OK);
  std::vector<float> inplace(x.begin() + 1, x.begin() + 1 + rows * cols);
  ASSERT_EQ(simdact_softmax(inplace.data(), inplace.data(), rows, cols),
            SIMDACT_OK);
  for (size_t i = 0; i < rows * cols; ++i) EXPECT_EQ(inplace[i], out[i + 3]);
  // dx in place of dy.
  const std::vector<float> dy = RandomRow(rows * cols, -1.0f, 1.0f, 4);
  std::vector<float> dx(rows * cols), g = dy;
  ASSERT_EQ(
      simdact_softmax_backward(x.data() + 1, dy.data(), dx.data(), rows, cols),
      SIMDACT_OK);
  ASSERT_EQ(
      simdact_softmax_backward(x.data() + 1, g.data(), g.data(), rows, cols),
      SIMDACT_OK);
  for (size_t i = 0; i < rows * cols; ++i) EXPECT_EQ(g[i], dx[i]);
}

// Softmax backward from y writes a tensor larger than the last-level cache
// with streaming stores on x86 (internal::g_stream_stores_from). Forced
// here, it gives the same bits as plain stores, with the output 0, 1, 3, 9
// and 13 floats past a 64-byte boundary and rows starting at every
// alignment, and in place (which keeps plain stores).
TEST_P(SoftmaxTest, StreamingStoresGiveTheSameBits) {
  for (size_t cols : {1, 3, 17, 40, 1000}) {
    SCOPED_TRACE("cols=" + std::to_string(cols));
    const size_t rows = 5, n = rows * cols;
    const std::vector<float> x = RandomRow(n, -5.0f, 5.0f, 11 + cols);
    const std::vector<float> dy = RandomRow(n, -1.0f, 1.0f, 12 + cols);
    std::vector<float> y(n), plain(n);
    ASSERT_EQ(simdact_softmax(x.data(), y.data(), rows, cols), SIMDACT_OK);
    {
      const ScopedStreamStoresFrom never(SIZE_MAX);
      ASSERT_EQ(simdact_softmax_backward_from_output(y.data(), dy.data(),
                                                     plain.data(), rows, cols),
                SIMDACT_OK);
    }
    const ScopedStreamStoresFrom always(0);
    std::vector<float> storage(n + 32);
    for (size_t offset : {0, 1, 3, 9, 13}) {
      float* dx = Aligned64(storage) + offset;
      ASSERT_EQ(simdact_softmax_backward_from_output(y.data(), dy.data(), dx,
                                                     rows, cols),
                SIMDACT_OK);
      ASSERT_EQ(memcmp(plain.data(), dx, n * sizeof(float)), 0)
          << "offset=" << offset;
    }
    std::vector<float> in_place = dy;
    ASSERT_EQ(simdact_softmax_backward_from_output(y.data(), in_place.data(),
                                                   in_place.data(), rows, cols),
              SIMDACT_OK);
    ASSERT_EQ(memcmp(plain.data(), in_place.data(), n * sizeof(float)), 0);
  }
}

TEST_P(SoftmaxTest, Jacobian) {
  const size_t n = 6;
  const std::vector<float> x = RandomRow(n, -3.0f, 3.0f, 11);
  std::vector<float> j(n * n);
  ASSERT_EQ(simdact_softmax_jacobian(x.data(), n, j.data()), SIMDACT_OK);
  const std::vector<double> y = reference::SoftmaxRow(x.data(), n);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      const double want = y[a] * ((a == b ? 1.0 : 0.0) - y[b]);
      EXPECT_LE(fabs(j[a * n + b] - want), 8 * UlpOf(want)) << a << "," << b;
    }
  }
  // Rows of J sum to 0 (softmax sums to 1).
  for (size_t a = 0; a < n; ++a) {
    double sum = 0.0;
    for (size_t b = 0; b < n; ++b) sum += j[a * n + b];
    EXPECT_NEAR(sum, 0.0, 1e-6);
  }
}

SIMDACT_INSTANTIATE_FOR_TARGETS(SoftmaxTest);

}  // namespace
}  // namespace test
}  // namespace simdact
