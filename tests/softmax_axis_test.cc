// Softmax and log-softmax along any axis ([outer, cols, inner], the middle
// axis), with a temperature and the safe option, on every supported target
// against the double reference: forward, backward from x and from y, special
// rows, in place, misaligned, and the parameter checks.
#include <float.h>
#include <math.h>
#include <stdint.h>

#include <algorithm>
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

// As tests/softmax_test.cc and tests/log_softmax_test.cc: forward in ULPs;
// backward in ULPs of the scale where the formula cancels, divided by T:
// softmax y_i (|dy_i| + sum_j |dy_j y_j|) / T (softmax_test.cc has |sum dy
// y| in place of the sum, which fails, on every target alike, for rows
// where that sum cancels: y_j's own rounding makes it known only to eps
// sum |dy_j y_j|), log-softmax (|dy| + e^y |sum dy|) / T.
// Log-softmax with T != 1 rounds once more (the division by T): 0.5 ULP of
// a result below the scale, within the budget.
constexpr uint64_t kSoftmaxForwardUlps = 4;
constexpr uint64_t kLogSoftmaxForwardUlps = 2;
constexpr double kSoftmaxBackwardUlps = 6.0;
constexpr double kLogSoftmaxBackwardUlps = 4.0;

const char* Name(simdact_activation act) {
  return act == SIMDACT_SOFTMAX ? "softmax" : "log_softmax";
}

struct Shape {
  size_t outer, cols, inner;
  size_t size() const { return outer * cols * inner; }
};

std::string Describe(Shape s, float t, bool safe) {
  return "outer=" + std::to_string(s.outer) +
         " cols=" + std::to_string(s.cols) +
         " inner=" + std::to_string(s.inner) + " T=" + std::to_string(t) +
         " safe=" + std::to_string(safe);
}

simdact_params Params(simdact_activation act, Shape s, float t, bool safe) {
  simdact_params p = simdact_default_params(act);
  p.softmax_cols = s.cols;
  p.softmax_inner = s.inner;
  p.temperature = t;
  p.softmax_safe = safe ? 1 : 0;
  return p;
}

// Row (o, j) of the middle axis.
std::vector<float> Gather(const std::vector<float>& v, Shape s, size_t o,
                          size_t j) {
  std::vector<float> row(s.cols);
  for (size_t i = 0; i < s.cols; ++i) {
    row[i] = v[(o * s.cols + i) * s.inner + j];
  }
  return row;
}

// Max errors of one run, per kind, in the units of the bounds.
struct Errors {
  double forward = 0, backward = 0, from_output = 0;
};

// |got - want| in units of `scale`; NaN and inf must match exactly.
// Returns a huge value on a mismatch.
// An ULP of `scale` is at least `min_ulp`.
double ScaledError(float got, double want, double scale, double min_ulp) {
  if (isnan(want)) return isnan(got) ? 0.0 : 1e300;
  if (isinf(want)) return got == want ? 0.0 : 1e300;
  if (isnan(got)) return 1e300;
  return fabs(got - want) / std::max(UlpOf(scale), min_ulp);
}

// Runs forward, backward and backward from y of `act` on x, dy and checks
// every element against the reference row by row. inner_zero: pass
// softmax_inner = 0 (the same as 1) for s.inner == 1.
Errors CheckAgainstReference(simdact_activation act, Shape s, float t,
                             bool safe, const std::vector<float>& x,
                             const std::vector<float>& dy,
                             bool inner_zero = false) {
  const bool log = act == SIMDACT_LOG_SOFTMAX;
  simdact_params p = Params(act, s, t, safe);
  if (inner_zero) p.softmax_inner = 0;
  const size_t n = s.size();
  std::vector<float> y(n), dx(n), dx_y(n), yf(n);
  // From y: the reference's y rounded to float, as the row tests do.
  for (size_t o = 0; o < s.outer; ++o) {
    for (size_t j = 0; j < s.inner; ++j) {
      const std::vector<float> xr = Gather(x, s, o, j);
      const std::vector<double> want =
          log ? reference::LogSoftmaxRow(xr.data(), s.cols, t, safe)
              : reference::SoftmaxRow(xr.data(), s.cols, t, safe);
      for (size_t i = 0; i < s.cols; ++i) {
        yf[(o * s.cols + i) * s.inner + j] = static_cast<float>(want[i]);
      }
    }
  }
  EXPECT_EQ(simdact_forward(act, &p, x.data(), y.data(), n), SIMDACT_OK);
  EXPECT_EQ(simdact_backward(act, &p, x.data(), dy.data(), dx.data(), n),
            SIMDACT_OK);
  EXPECT_EQ(simdact_backward_from_output(act, &p, yf.data(), dy.data(),
                                         dx_y.data(), n),
            SIMDACT_OK);
  Errors errors;
  int reported = 0;
  auto report = [&](const char* what, size_t o, size_t i, size_t j, float got,
                    double want) {
    if (reported++ < 5) {
      ADD_FAILURE() << Name(act) << " " << what << " o=" << o << " i=" << i
                    << " j=" << j << " got " << got << " want " << want;
    }
  };
  const uint64_t forward_bound =
      log ? kLogSoftmaxForwardUlps : kSoftmaxForwardUlps;
  const double backward_bound =
      log ? kLogSoftmaxBackwardUlps : kSoftmaxBackwardUlps;
  for (size_t o = 0; o < s.outer; ++o) {
    for (size_t j = 0; j < s.inner; ++j) {
      const std::vector<float> xr = Gather(x, s, o, j);
      const std::vector<float> gr = Gather(dy, s, o, j);
      const std::vector<float> yr = Gather(yf, s, o, j);
      const std::vector<double> y_ref =
          log ? reference::LogSoftmaxRow(xr.data(), s.cols, t, safe)
              : reference::SoftmaxRow(xr.data(), s.cols, t, safe);
      const std::vector<double> y_rounded(yr.begin(), yr.end());
      for (int from_y = 0; from_y < 2; ++from_y) {
        const std::vector<double>& yd = from_y ? y_rounded : y_ref;
        // The reference gradient and its scale.
        std::vector<double> want, scale(s.cols);
        bool dead = safe && s.cols > 0;
        for (double v : yd) dead = dead && v == (log ? -INFINITY : 0.0);
        if (log) {
          want = dead ? reference::ZeroGradientRow(gr.data(), s.cols)
                      : reference::LogSoftmaxBackwardRow(yd.data(), gr.data(),
                                                         s.cols);
          double sum = 0;
          for (float g : gr) sum += g;
          for (size_t i = 0; i < s.cols; ++i) {
            scale[i] = (fabs(gr[i]) + exp(yd[i]) * fabs(sum)) / t;
          }
        } else {
          want = reference::SoftmaxBackwardRow(yd.data(), gr.data(), s.cols);
          // s = sum dy y may itself cancel: each y_j carries its rounding,
          // so s is known to eps sum |dy_j y_j|, not eps |s|.
          double dot_abs = 0;
          for (size_t i = 0; i < s.cols; ++i) dot_abs += fabs(gr[i] * yd[i]);
          for (size_t i = 0; i < s.cols; ++i) {
            scale[i] = fabs(yd[i]) * (fabs(gr[i]) + dot_abs) / t;
          }
        }
        if (!dead) {
          for (double& v : want) v /= t;
        }
        // From x, y_i is a float inside the kernel: where it is subnormal
        // its absolute error 2^-150 is amplified by |dy_i - s| / T.
        std::vector<double> min_ulp(s.cols, 0.0);
        if (!log && !from_y) {
          double dot_abs = 0;
          for (size_t i = 0; i < s.cols; ++i) dot_abs += fabs(gr[i] * yd[i]);
          for (size_t i = 0; i < s.cols; ++i) {
            min_ulp[i] = ldexp(1.0, -150) * (fabs(gr[i]) + dot_abs) / t;
          }
        }
        const std::vector<float>& got = from_y ? dx_y : dx;
        double& max_err = from_y ? errors.from_output : errors.backward;
        for (size_t i = 0; i < s.cols; ++i) {
          const float g = got[(o * s.cols + i) * s.inner + j];
          const double err = ScaledError(g, want[i], scale[i], min_ulp[i]);
          if (!(err <= backward_bound)) {
            report(from_y ? "backward_from_output" : "backward", o, i, j, g,
                   want[i]);
          }
          if (err > max_err && err < 1e300) max_err = err;
        }
      }
      for (size_t i = 0; i < s.cols; ++i) {
        const float g = y[(o * s.cols + i) * s.inner + j];
        const uint64_t ulps = UlpDistance(g, static_cast<float>(y_ref[i]));
        if (ulps > forward_bound) report("forward", o, i, j, g, y_ref[i]);
        if (ulps <= forward_bound && static_cast<double>(ulps) > errors.forward)
          errors.forward = static_cast<double>(ulps);
      }
    }
  }
  return errors;
}

void Record(const std::string& prefix, const Errors& e,
            const std::string& target) {
  AccuracyReport::Get().Record(prefix + ".forward", target, e.forward);
  AccuracyReport::Get().Record(prefix + ".backward", target, e.backward);
  AccuracyReport::Get().Record(prefix + ".backward_from_output", target,
                               e.from_output);
}

void Max(Errors& a, const Errors& b) {
  a.forward = std::max(a.forward, b.forward);
  a.backward = std::max(a.backward, b.backward);
  a.from_output = std::max(a.from_output, b.from_output);
}

// Vector widths here: 16 (avx3), 8 (avx2), 4 (sse4, ssse3), 1 (scalar), so
// these are each target's lanes - 1, lanes and lanes + 1, plus odd sizes.
const std::vector<size_t>& Inners() {
  static const std::vector<size_t> inners = {1, 2,  3,  4,  5,  7, 8,
                                             9, 15, 16, 17, 64, 0};
  return inners;
}

using SoftmaxAxisTest = TargetTest;

TEST_P(SoftmaxAxisTest, AnyAxisWithinBound) {
  for (simdact_activation act : {SIMDACT_SOFTMAX, SIMDACT_LOG_SOFTMAX}) {
    Errors all;
    for (size_t inner : Inners()) {
      std::vector<size_t> cols_list;
      for (size_t c = 1; c <= 40; ++c) cols_list.push_back(c);
      cols_list.push_back(inner <= 17 ? 1000 : 300);
      for (size_t cols : cols_list) {
        const Shape s{1 + cols % 3, cols, inner == 0 ? 1 : inner};
        const float span = cols % 2 ? 10.0f : 200.0f;
        const uint32_t seed = static_cast<uint32_t>(cols * 131 + inner);
        const std::vector<float> x =
            RandomRow(s.size(), -span, span * 0.25f, seed);
        const std::vector<float> dy =
            RandomRow(s.size(), -2.0f, 2.0f, seed + 1);
        SCOPED_TRACE(Describe(s, 1.0f, false));
        Max(all, CheckAgainstReference(act, s, 1.0f, false, x, dy, inner == 0));
        if (HasFailure()) return;
      }
    }
    Record(std::string(Name(act)) + "_axis", all, GetParam());
  }
}

TEST_P(SoftmaxAxisTest, TemperatureWithinBound) {
  for (simdact_activation act : {SIMDACT_SOFTMAX, SIMDACT_LOG_SOFTMAX}) {
    Errors all;
    for (float t : {0.5f, 2.0f, 1e-3f, 1e3f, 0.3f}) {
      for (size_t inner : {1u, 3u, 17u}) {
        for (size_t cols : {1u, 2u, 7u, 16u, 33u, 1000u}) {
          const Shape s{2, cols, inner};
          // Inputs spanning 10 and 200 in x, and about 50 in x / T.
          for (float span : {10.0f, 200.0f, 50.0f * t}) {
            const uint32_t seed = static_cast<uint32_t>(cols * 7 + inner);
            const std::vector<float> x =
                RandomRow(s.size(), -span, span * 0.25f, seed);
            const std::vector<float> dy =
                RandomRow(s.size(), -2.0f, 2.0f, seed + 1);
            SCOPED_TRACE(Describe(s, t, false) +
                         " span=" + std::to_string(span));
            Max(all, CheckAgainstReference(act, s, t, false, x, dy));
            if (HasFailure()) return;
          }
        }
      }
    }
    Record(std::string(Name(act)) + "_temperature", all, GetParam());
  }
}

// T == 1 is the plain kernel: the same bits as without the new fields.
TEST_P(SoftmaxAxisTest, UnitTemperatureIsThePlainKernel) {
  const size_t rows = 3, cols = 37;
  const std::vector<float> x = RandomRow(rows * cols, -20.0f, 5.0f, 5);
  const std::vector<float> dy = RandomRow(rows * cols, -1.0f, 1.0f, 6);
  std::vector<float> a(rows * cols), b(rows * cols);
  ASSERT_EQ(simdact_softmax(x.data(), a.data(), rows, cols), SIMDACT_OK);
  ASSERT_EQ(Softmax(x.data(), b.data(), rows, cols, SoftmaxOptions{}),
            Status::kOk);
  EXPECT_EQ(a, b);
  ASSERT_EQ(
      simdact_log_softmax_backward(x.data(), dy.data(), a.data(), rows, cols),
      SIMDACT_OK);
  ASSERT_EQ(LogSoftmaxBackward(x.data(), dy.data(), b.data(), rows, cols,
                               SoftmaxOptions{1, 1.0f, true}),
            Status::kOk);
  EXPECT_EQ(a, b);
}

// Rows of all -inf among normal ones, NaN and +inf rows, with and without
// the safe option, along the last axis and across inner.
TEST_P(SoftmaxAxisTest, SafeAndSpecialRows) {
  const float inf = INFINITY;
  for (simdact_activation act : {SIMDACT_SOFTMAX, SIMDACT_LOG_SOFTMAX}) {
    const bool log = act == SIMDACT_LOG_SOFTMAX;
    for (size_t inner : {1u, 3u, 17u}) {
      for (float t : {1.0f, 2.0f}) {
        const Shape s{3, 7, inner};
        std::vector<float> x = RandomRow(s.size(), -5.0f, 5.0f, 9);
        std::vector<float> dy = RandomRow(s.size(), -1.0f, 1.0f, 10);
        // Row (o, j): o = 0, j = 0 all -inf; o = 1, j = 0 NaN in a -inf row;
        // o = 2, j = 0 +inf in a -inf row; o = 1, last j all -inf with an
        // inf in dy; o = 0, last j one -inf among finite values.
        auto at = [&](size_t o, size_t i, size_t j) -> size_t {
          return (o * s.cols + i) * s.inner + j;
        };
        const size_t last = inner - 1;
        for (size_t i = 0; i < s.cols; ++i) {
          x[at(0, i, 0)] = -inf;
          x[at(1, i, 0)] = -inf;
          x[at(2, i, 0)] = -inf;
          if (last > 0) x[at(1, i, last)] = -inf;
        }
        x[at(1, 3, 0)] = NAN;
        x[at(2, 4, 0)] = inf;
        if (last > 0) {
          dy[at(1, 2, last)] = inf;
          x[at(0, 5, last)] = -inf;
        }
        for (bool safe : {false, true}) {
          SCOPED_TRACE(std::string(Name(act)) + " " + Describe(s, t, safe));
          // Against the reference (which implements both options) ...
          CheckAgainstReference(act, s, t, safe, x, dy);
          // ... and against what the options promise.
          const simdact_params p = Params(act, s, t, safe);
          std::vector<float> y(s.size()), dx(s.size());
          ASSERT_EQ(simdact_forward(act, &p, x.data(), y.data(), s.size()),
                    SIMDACT_OK);
          ASSERT_EQ(simdact_backward(act, &p, x.data(), dy.data(), dx.data(),
                                     s.size()),
                    SIMDACT_OK);
          std::vector<float> dx_y(s.size());
          ASSERT_EQ(simdact_backward_from_output(act, &p, y.data(), dy.data(),
                                                 dx_y.data(), s.size()),
                    SIMDACT_OK);
          for (size_t i = 0; i < s.cols; ++i) {
            if (safe) {
              EXPECT_EQ(y[at(0, i, 0)], log ? -inf : 0.0f) << i;
              EXPECT_EQ(dx[at(0, i, 0)], 0.0f) << i;
              EXPECT_EQ(dx_y[at(0, i, 0)], 0.0f) << i;
            } else {
              EXPECT_TRUE(isnan(y[at(0, i, 0)])) << i;
              EXPECT_TRUE(isnan(dx[at(0, i, 0)])) << i;
            }
            // NaN and +inf rows stay NaN either way.
            EXPECT_TRUE(isnan(y[at(1, i, 0)])) << i;
            EXPECT_TRUE(isnan(y[at(2, i, 0)])) << i;
            EXPECT_TRUE(isnan(dx[at(1, i, 0)])) << i;
            EXPECT_TRUE(isnan(dx[at(2, i, 0)])) << i;
            if (last > 0 && safe) {
              // A safe row with an inf dy: NaN gradient (0 * inf).
              EXPECT_EQ(y[at(1, i, last)], log ? -inf : 0.0f) << i;
              EXPECT_TRUE(isnan(dx[at(1, i, last)])) << i;
              EXPECT_TRUE(isnan(dx_y[at(1, i, last)])) << i;
            }
          }
          if (last > 0) {
            // One -inf among finite values: 0 (-inf), normal gradient.
            EXPECT_EQ(y[at(0, 5, last)], log ? -inf : 0.0f);
            EXPECT_TRUE(isfinite(dx[at(0, 5, last)]));
            if (!log) {
              EXPECT_EQ(dx[at(0, 5, last)], 0.0f);
            }
            EXPECT_TRUE(isfinite(y[at(0, 4, last)]));
          }
        }
      }
    }
  }
}

TEST_P(SoftmaxAxisTest, InPlaceAndMisaligned) {
  for (simdact_activation act : {SIMDACT_SOFTMAX, SIMDACT_LOG_SOFTMAX}) {
    for (size_t inner : {1u, 5u, 17u}) {
      for (float t : {1.0f, 0.5f}) {
        const Shape s{2, 9, inner};
        const size_t n = s.size();
        SCOPED_TRACE(std::string(Name(act)) + " " + Describe(s, t, true));
        const simdact_params p = Params(act, s, t, true);
        const std::vector<float> x = RandomRow(n + 3, -5.0f, 5.0f, 21);
        const std::vector<float> dy = RandomRow(n + 3, -1.0f, 1.0f, 22);
        std::vector<float> y(n), shifted(n + 3);
        ASSERT_EQ(simdact_forward(act, &p, x.data(), y.data(), n), SIMDACT_OK);
        ASSERT_EQ(simdact_forward(act, &p, x.data(), shifted.data() + 3, n),
                  SIMDACT_OK);
        EXPECT_EQ(std::vector<float>(shifted.begin() + 3, shifted.end()), y);
        std::vector<float> x1(x.begin() + 1, x.begin() + 1 + n), y1(n);
        ASSERT_EQ(simdact_forward(act, &p, x.data() + 1, y1.data(), n),
                  SIMDACT_OK);
        ASSERT_EQ(simdact_forward(act, &p, x1.data(), x1.data(), n),
                  SIMDACT_OK);
        EXPECT_EQ(x1, y1);  // in place
        for (int from_y = 0; from_y < 2; ++from_y) {
          const float* in = from_y ? y.data() : x.data();
          std::vector<float> dx(n), g(dy.begin() + 2, dy.begin() + 2 + n);
          auto call = [&](const float* g_in, float* out) {
            return from_y
                       ? simdact_backward_from_output(act, &p, in, g_in, out, n)
                       : simdact_backward(act, &p, in, g_in, out, n);
          };
          ASSERT_EQ(call(dy.data() + 2, dx.data()), SIMDACT_OK);
          ASSERT_EQ(call(g.data(), g.data()), SIMDACT_OK);  // dx over dy
          EXPECT_EQ(g, dx);
        }
      }
    }
  }
}

TEST_P(SoftmaxAxisTest, InvalidParametersWriteNothing) {
  constexpr float kCanary = -777.0f;
  const Shape s{2, 4, 3};
  const std::vector<float> x = RandomRow(s.size(), -1.0f, 1.0f, 1);
  for (simdact_activation act : {SIMDACT_SOFTMAX, SIMDACT_LOG_SOFTMAX}) {
    for (float t : {0.0f, -0.0f, -1.0f, NAN, INFINITY, -INFINITY}) {
      SCOPED_TRACE(std::to_string(t));
      const simdact_params p = Params(act, s, t, false);
      std::vector<float> out(s.size(), kCanary);
      EXPECT_EQ(simdact_forward(act, &p, x.data(), out.data(), s.size()),
                SIMDACT_ERROR_INVALID_PARAMETER);
      EXPECT_EQ(
          simdact_backward(act, &p, x.data(), x.data(), out.data(), s.size()),
          SIMDACT_ERROR_INVALID_PARAMETER);
      EXPECT_EQ(simdact_backward_from_output(act, &p, x.data(), x.data(),
                                             out.data(), s.size()),
                SIMDACT_ERROR_INVALID_PARAMETER);
      EXPECT_EQ(LogSoftmax(x.data(), out.data(), s.outer, s.cols,
                           SoftmaxOptions{s.inner, t, false}),
                Status::kInvalidParameter);
      for (float v : out) EXPECT_EQ(v, kCanary);
    }
    // Zero-initialised params have temperature 0: start from the defaults.
    simdact_params zero = {};
    zero.softmax_cols = s.cols;
    std::vector<float> out(s.size(), kCanary);
    EXPECT_EQ(simdact_forward(act, &zero, x.data(), out.data(), s.size()),
              SIMDACT_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(simdact_default_params(act).temperature, 1.0f);
    // Shapes: n must be outer * cols * inner; cols * inner must not
    // overflow.
    simdact_params p = Params(act, s, 1.0f, false);
    EXPECT_EQ(simdact_forward(act, &p, x.data(), out.data(), s.size() - 3),
              SIMDACT_ERROR_SHAPE);
    p.softmax_inner = 5;  // 24 is not a multiple of 20
    EXPECT_EQ(simdact_forward(act, &p, x.data(), out.data(), s.size()),
              SIMDACT_ERROR_SHAPE);
    p.softmax_inner = SIZE_MAX / 2;
    EXPECT_EQ(simdact_forward(act, &p, x.data(), out.data(), s.size()),
              SIMDACT_ERROR_SIZE_OVERFLOW);
    EXPECT_EQ(Softmax(x.data(), out.data(), SIZE_MAX / 4, 4,
                      SoftmaxOptions{3, 1.0f, false}),
              Status::kSizeOverflow);
    for (float v : out) EXPECT_EQ(v, kCanary);
    // Empty tensors are fine with any inner.
    p.softmax_inner = 7;
    EXPECT_EQ(simdact_forward(act, &p, nullptr, nullptr, 0), SIMDACT_OK);
  }
}

SIMDACT_INSTANTIATE_FOR_TARGETS(SoftmaxAxisTest);

}  // namespace
}  // namespace test
}  // namespace simdact
