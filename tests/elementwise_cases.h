// Every element-wise kernel under test: activation, parameter, kind, its
// double-precision reference, and its error bound in float ULPs.
#ifndef SIMDACT_TESTS_ELEMENTWISE_CASES_H_
#define SIMDACT_TESTS_ELEMENTWISE_CASES_H_

#include <math.h>

#include <string>
#include <utility>
#include <vector>

#include "kernels/reference.h"
#include "simdact/simdact.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {

enum class Kind { kForward, kDerivative, kBackward, kBackwardFromOutput };

inline const char* KindName(Kind k) {
  switch (k) {
    case Kind::kForward:
      return "forward";
    case Kind::kDerivative:
      return "derivative";
    case Kind::kBackward:
      return "backward";
    default:
      return "backward_from_output";
  }
}

struct ElementwiseCase {
  simdact_activation act;
  float alpha;
  Kind kind;
  // f(x) or f'(x) (forward kinds), f'(.) for the backward kinds, in double,
  // given the case's alpha and beta.
  double (*math)(double in, double alpha, double beta);
  // Bound in ULPs of the result. Backward kinds also allow an absolute
  // |dy| * 2^-148 where f' itself is subnormal and cannot be more precise.
  int max_ulp;
  // simdact_params::beta (SiLU, Softplus, HardTanh's max_val).
  float beta = 0.0f;
  // Where set: the error is measured in ULPs of scale(in) (times |dy| for
  // backward kinds) instead of ULPs of the result; for derivatives that
  // cross zero, whose value there is the difference of two larger terms.
  double (*scale)(double in, double alpha, double beta) = nullptr;
  // simdact_params::threshold (ReluGeneral, Threshold), with a reference
  // that reads it: where math4 is set it replaces math, and Run passes
  // `threshold` (else the activation's default threshold is kept).
  float threshold = 0.0f;
  double (*math4)(double in, double alpha, double beta,
                  double threshold) = nullptr;

  std::string Name() const {
    std::string name = simdact_activation_name(act);
    auto num = [](float v) {
      return std::to_string(v).substr(0, v < 0 ? 5 : 4);
    };
    switch (act) {
      case SIMDACT_LEAKY_RELU:
      case SIMDACT_ELU:
      case SIMDACT_CELU:
      case SIMDACT_SOFTSHRINK:
      case SIMDACT_HARDSHRINK:
        name.append("(").append(num(alpha)).append(")");
        break;
      case SIMDACT_SILU:
      case SIMDACT_SOFTPLUS:
        name.append("(").append(num(beta)).append(")");
        break;
      case SIMDACT_HARDTANH:
      case SIMDACT_HARD_SIGMOID_GENERAL:
      case SIMDACT_RRELU:
        name.append("(").append(num(alpha)).append(",").append(num(beta));
        name.append(")");
        break;
      case SIMDACT_SQUAREPLUS:
        name.append("(").append(num(alpha)).append(")");
        break;
      case SIMDACT_THRESHOLD:
        name.append("(").append(num(threshold)).append(",");
        name.append(num(alpha)).append(")");
        break;
      case SIMDACT_RELU_GENERAL:
        name.append("(").append(num(alpha)).append(",").append(num(beta));
        name.append(",").append(num(threshold)).append(")");
        break;
      default:
        break;
    }
    return name.append(".").append(KindName(kind));
  }
  double Math(double in) const {
    return math4 != nullptr ? math4(in, alpha, beta, threshold)
                            : math(in, alpha, beta);
  }
  bool Backward() const {
    return kind == Kind::kBackward || kind == Kind::kBackwardFromOutput;
  }
  // The reference result for input `in` (x, or y for from-output) and dy.
  double Reference(double in, double dy) const {
    const double v = Math(in);
    return Backward() ? dy * v : v;
  }
  // The distance of `out` from `want` in the case's unit (ULPs of the
  // result, or of the scale); 0 when both are NaN, inf when only one is.
  double Distance(float out, double want, float in, float dy) const {
    if (scale == nullptr) {
      const uint64_t ulps = UlpDistance(out, static_cast<float>(want));
      return ulps == UINT64_MAX ? INFINITY : static_cast<double>(ulps);
    }
    if (isnan(out) || isnan(want))
      return isnan(out) && isnan(want) ? 0 : INFINITY;
    if (isinf(out) || isinf(want)) {
      return out == static_cast<float>(want) ? 0 : INFINITY;
    }
    double s = scale(in, alpha, beta);
    if (Backward()) s *= fabs(dy);
    return fabs(out - want) / UlpOf(s);
  }
  simdact_status Run(const float* in, const float* dy, float* out,
                     size_t n) const {
    simdact_params p = simdact_default_params(act);
    p.alpha = alpha;
    p.beta = beta;
    if (math4 != nullptr) p.threshold = threshold;
    switch (kind) {
      case Kind::kForward:
        return simdact_forward(act, &p, in, out, n);
      case Kind::kDerivative:
        return simdact_derivative(act, &p, in, out, n);
      case Kind::kBackward:
        return simdact_backward(act, &p, in, dy, out, n);
      default:
        return simdact_backward_from_output(act, &p, in, dy, out, n);
    }
  }
};

namespace ref = ::simdact::reference;

using Math3 = double (*)(double, double, double);

// The activations of issue 5. Bounds in ULPs of the result unless a scale is
// given (see ElementwiseCase::scale). A null from-output function means the
// kind is undefined for that activation (SIMDACT_ERROR_UNDEFINED).
inline void AddMoreCases(std::vector<ElementwiseCase>& cases) {
  using K = Kind;
  struct Bounds {
    int fwd, deriv, backward, from_y;
  };
  auto add = [&](simdact_activation act, float alpha, float beta, Math3 fwd,
                 Math3 deriv, Math3 deriv_y, Bounds b,
                 Math3 deriv_scale = nullptr) {
    cases.push_back({act, alpha, K::kForward, fwd, b.fwd, beta, nullptr});
    cases.push_back(
        {act, alpha, K::kDerivative, deriv, b.deriv, beta, deriv_scale});
    cases.push_back(
        {act, alpha, K::kBackward, deriv, b.backward, beta, deriv_scale});
    if (deriv_y != nullptr) {
      cases.push_back(
          {act, alpha, K::kBackwardFromOutput, deriv_y, b.from_y, beta});
    }
  };
  // Piecewise linear: exact.
  add(
      SIMDACT_RELU6, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Relu6(x); },
      [](double x, double, double) { return ref::Relu6Derivative(x); },
      [](double y, double, double) { return ref::Relu6Derivative(y); },
      {0, 0, 0, 0});
  for (auto [lo, hi] : {std::pair{-1.0f, 1.0f}, std::pair{-0.5f, 2.5f}}) {
    add(
        SIMDACT_HARDTANH, lo, hi,
        [](double x, double a, double b) { return ref::Hardtanh(x, a, b); },
        [](double x, double a, double b) {
          return ref::HardtanhDerivative(x, a, b);
        },
        [](double y, double a, double b) {
          return ref::HardtanhDerivative(y, a, b);
        },
        {0, 0, 0, 0});
  }
  add(
      SIMDACT_HARD_SIGMOID, 0.0f, 0.0f,
      [](double x, double, double) { return ref::HardSigmoid(x); },
      [](double x, double, double) { return ref::HardSigmoidDerivative(x); },
      [](double y, double, double) {
        return ref::HardSigmoidDerivativeFromOutput(y);
      },
      {1, 0, 1, 1});
  add(
      SIMDACT_HARD_SWISH, 0.0f, 0.0f,
      [](double x, double, double) { return ref::HardSwish(x); },
      [](double x, double, double) { return ref::HardSwishDerivative(x); },
      nullptr, {2, 1, 2, 0});
  for (float lambda : {0.5f, 1.3f}) {
    add(
        SIMDACT_SOFTSHRINK, lambda, 0.0f,
        [](double x, double a, double) { return ref::Softshrink(x, a); },
        [](double x, double a, double) { return ref::ShrinkDerivative(x, a); },
        [](double y, double, double) {
          return ref::ShrinkDerivativeFromOutput(y);
        },
        {0, 0, 0, 0});
    add(
        SIMDACT_HARDSHRINK, lambda, 0.0f,
        [](double x, double a, double) { return ref::Hardshrink(x, a); },
        [](double x, double a, double) { return ref::ShrinkDerivative(x, a); },
        [](double y, double, double) {
          return ref::ShrinkDerivativeFromOutput(y);
        },
        {0, 0, 0, 0});
  }
  add(
      SIMDACT_LINEAR, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Linear(x); },
      [](double x, double, double) { return ref::LinearDerivative(x); },
      [](double y, double, double) { return ref::LinearDerivative(y); },
      {0, 0, 0, 0});
  add(
      SIMDACT_EXPONENTIAL, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Exponential(x); },
      [](double x, double, double) { return ref::ExponentialDerivative(x); },
      [](double y, double, double) { return y; }, {1, 1, 2, 0});
  add(
      SIMDACT_SOFTSIGN, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Softsign(x); },
      [](double x, double, double) { return ref::SoftsignDerivative(x); },
      [](double y, double, double) {
        return ref::SoftsignDerivativeFromOutput(y);
      },
      {2, 3, 4, 2});
  add(
      SIMDACT_SELU, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Selu(x); },
      [](double x, double, double) { return ref::SeluDerivative(x); },
      [](double y, double, double) { return ref::SeluDerivativeFromOutput(y); },
      // From y: y + scale alpha, the constant in two floats (two roundings).
      {2, 2, 3, 2});
  for (float alpha : {1.0f, 0.7f}) {
    add(
        SIMDACT_CELU, alpha, 0.0f,
        [](double x, double a, double) { return ref::Celu(x, a); },
        [](double x, double a, double) { return ref::CeluDerivative(x, a); },
        [](double y, double a, double) {
          return ref::CeluDerivativeFromOutput(y, a);
        },
        // From y: (y + alpha) / alpha, exact sum and one division when alpha
        // is 1; else one more rounding.
        {2, 2, 3, alpha == 1.0f ? 1 : 2});
  }
  for (float beta : {1.0f, 1.7f}) {
    add(
        SIMDACT_SILU, 0.0f, beta,
        [](double x, double, double b) { return ref::Silu(x, b); },
        [](double x, double, double b) { return ref::SiluDerivative(x, b); },
        nullptr, {2, 4, 4, 0},
        [](double x, double, double b) {
          return ref::SiluDerivativeScale(x, b);
        });
  }
  for (float beta : {1.0f, 0.75f}) {
    // threshold: the default 20.
    add(
        SIMDACT_SOFTPLUS, 0.0f, beta,
        [](double x, double, double b) { return ref::Softplus(x, b, 20.0); },
        [](double x, double, double b) {
          return ref::SoftplusDerivative(x, b, 20.0);
        },
        [](double y, double, double b) {
          return ref::SoftplusDerivativeFromOutput(y, b, 20.0);
        },
        {2, 3, 4, 2});
  }
  add(
      SIMDACT_LOG_SIGMOID, 0.0f, 0.0f,
      [](double x, double, double) { return ref::LogSigmoid(x); },
      [](double x, double, double) { return ref::LogSigmoidDerivative(x); },
      [](double y, double, double) {
        return ref::LogSigmoidDerivativeFromOutput(y);
      },
      {2, 3, 4, 2});
  add(
      SIMDACT_MISH, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Mish(x); },
      [](double x, double, double) { return ref::MishDerivative(x); },
      // Forward: tanh(softplus) in two floats, rounded about once (2 on
      // every float, with and without FMA).
      nullptr, {2, 4, 5, 0},
      [](double x, double, double) { return ref::MishDerivativeScale(x); });
  add(
      SIMDACT_GELU, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Gelu(x); },
      [](double x, double, double) { return ref::GeluDerivative(x); },
      // Derivative: in ULPs of Phi(x) + |x phi(x)| (zero near x = -0.75).
      nullptr, {2, 4, 4, 0},
      [](double x, double, double) { return ref::GeluDerivativeScale(x); });
  add(
      SIMDACT_GELU_TANH, 0.0f, 0.0f,
      [](double x, double, double) { return ref::GeluTanh(x); },
      [](double x, double, double) { return ref::GeluTanhDerivative(x); },
      // Derivative: 5 in ULPs of the scale; measured 3.2 with FMA, up to
      // 4.2 without (sse4, ssse3, scalar) in the negative tail.
      nullptr, {2, 5, 5, 0},
      [](double x, double, double) { return ref::GeluTanhDerivativeScale(x); });
  add(
      SIMDACT_TANHSHRINK, 0.0f, 0.0f,
      [](double x, double, double) { return ref::Tanhshrink(x); },
      [](double x, double, double) { return ref::TanhshrinkDerivative(x); },
      // Forward: 2 with FMA (x^3 P rounded once), 3 without.
      nullptr, {3, 3, 4, 0});
}

// The piecewise activations (kernels/piecewise-inl.h), with references of
// four arguments (in, alpha, beta, threshold).
inline void AddPiecewiseCases(std::vector<ElementwiseCase>& cases) {
  using K = Kind;
  using Math4 = double (*)(double, double, double, double);
  struct Bounds {
    int fwd, deriv, backward, from_y;
  };
  // from_y null: undefined for these parameters (SIMDACT_ERROR_UNDEFINED).
  auto add = [&](simdact_activation act, float alpha, float beta, float t,
                 Math4 fwd, Math4 deriv, Math4 from_y, Bounds b) {
    const std::pair<K, Math4> kinds[] = {{K::kForward, fwd},
                                         {K::kDerivative, deriv},
                                         {K::kBackward, deriv},
                                         {K::kBackwardFromOutput, from_y}};
    const int bounds[] = {b.fwd, b.deriv, b.backward, b.from_y};
    for (int i = 0; i < 4; ++i) {
      if (kinds[i].second == nullptr) continue;
      ElementwiseCase c{act, alpha, kinds[i].first, nullptr, bounds[i], beta};
      c.threshold = t;
      c.math4 = kinds[i].second;
      cases.push_back(c);
    }
  };
  // Keras relu (slope, max_value, threshold): relu itself; leaky with a
  // clip (from y defined); a positive threshold; the quirk of a negative
  // threshold with a clip; a negative slope with a negative threshold.
  // a (x - t) is rounded once (FMA), or twice without: <= 1 ULP.
  const struct {
    float a, m, t;
  } relu_params[] = {{0.0f, INFINITY, 0.0f},
                     {0.1f, 6.0f, 0.0f},
                     {0.3f, INFINITY, 0.7f},
                     {0.2f, 2.5f, -1.5f},
                     {-0.7f, INFINITY, -1.1f}};
  for (const auto& r : relu_params) {
    const bool from_y = r.t == 0.0f && r.a >= 0.0f;
    add(
        SIMDACT_RELU_GENERAL, r.a, r.m, r.t,
        [](double x, double a, double m, double t) {
          return ref::ReluGeneral(x, a, m, t);
        },
        [](double x, double a, double m, double t) {
          return ref::ReluGeneralDerivative(x, a, m, t);
        },
        from_y ? Math4([](double y, double a, double m, double) {
          return ref::ReluGeneralDerivative(y, a, m, 0.0);
        })
               : nullptr,
        {1, 0, 0, 0});
  }
  // clamp(a x + b, 0, 1): the defaults, a negative slope, exact kinks.
  for (auto [a, b] : {std::pair{0.2f, 0.5f}, std::pair{-0.37f, 0.71f},
                      std::pair{0.25f, 0.5f}}) {
    add(
        SIMDACT_HARD_SIGMOID_GENERAL, a, b, 0.0f,
        [](double x, double a, double b, double) {
          return ref::HardSigmoidGeneral(x, a, b);
        },
        [](double x, double a, double b, double) {
          return ref::HardSigmoidGeneralDerivative(x, a, b);
        },
        [](double y, double a, double, double) {
          return ref::HardSigmoidGeneralDerivativeFromOutput(y, a);
        },
        {1, 0, 0, 0});
  }
  for (auto [t, value] : {std::pair{0.0f, 0.0f}, std::pair{0.5f, -3.0f}}) {
    add(
        SIMDACT_THRESHOLD, value, 0.0f, t,
        [](double x, double v, double, double t) {
          return ref::Threshold(x, t, v);
        },
        [](double x, double, double, double t) {
          return ref::ThresholdDerivative(x, t);
        },
        nullptr, {0, 0, 0, 0});
  }
  // b: the default 4; small; 0 (ReLU); huge (every lane scaled).
  // s = sqrt(x^2 + b) is carried in two floats: forward and f' are rounded
  // about once.
  for (float b : {4.0f, 0.37f, 0.0f, 3e38f}) {
    add(
        SIMDACT_SQUAREPLUS, b, 0.0f, 0.0f,
        [](double x, double b, double, double) {
          return ref::Squareplus(x, b);
        },
        [](double x, double b, double, double) {
          return ref::SquareplusDerivative(x, b);
        },
        [](double y, double b, double, double) {
          return ref::SquareplusDerivativeFromOutput(y, b);
        },
        // Measured 1, 1, 4, 2: backward reaches 4 only where f' is
        // subnormal (x < -2^63) and |dy| is large.
        {2, 2, 4, 2});
  }
  add(
      SIMDACT_SPARSE_PLUS, 0.0f, 0.0f, 0.0f,
      [](double x, double, double, double) { return ref::SparsePlus(x); },
      [](double x, double, double, double) {
        return ref::SparsePlusDerivative(x);
      },
      [](double y, double, double, double) {
        return ref::SparsePlusDerivativeFromOutput(y);
      },
      // Backward: dy times an exact (x + 1)/2, or a sqrt: one rounding more.
      {1, 0, 1, 1});
  add(
      SIMDACT_SPARSE_SIGMOID, 0.0f, 0.0f, 0.0f,
      [](double x, double, double, double) { return ref::SparseSigmoid(x); },
      [](double x, double, double, double) {
        return ref::SparseSigmoidDerivative(x);
      },
      [](double y, double, double, double) {
        return ref::SparseSigmoidDerivativeFromOutput(y);
      },
      {0, 0, 0, 0});
  // The defaults (slope 0.2291667), and a negative slope (no from y).
  for (auto [lower, upper] :
       {std::pair{0.125f, 1.0f / 3.0f}, std::pair{-0.9f, 0.3f}}) {
    add(
        SIMDACT_RRELU, lower, upper, 0.0f,
        [](double x, double l, double u, double) {
          return ref::LeakyRelu(x, ref::RreluSlope(l, u));
        },
        [](double x, double l, double u, double) {
          return ref::LeakyReluDerivative(x, ref::RreluSlope(l, u));
        },
        lower + upper >= 0.0f ? Math4([](double y, double l, double u, double) {
          return ref::LeakyReluDerivative(y, ref::RreluSlope(l, u));
        })
                              : nullptr,
        {0, 0, 0, 0});
  }
}

inline std::vector<ElementwiseCase> AllElementwiseCases() {
  using K = Kind;
  std::vector<ElementwiseCase> cases;
  auto add_four = [&](simdact_activation act, float alpha,
                      double (*fwd)(double, double, double),
                      double (*deriv)(double, double, double),
                      double (*deriv_y)(double, double, double), int fwd_ulp,
                      int deriv_ulp, int backward_ulp, int from_y_ulp) {
    cases.push_back({act, alpha, K::kForward, fwd, fwd_ulp});
    cases.push_back({act, alpha, K::kDerivative, deriv, deriv_ulp});
    cases.push_back({act, alpha, K::kBackward, deriv, backward_ulp});
    cases.push_back({act, alpha, K::kBackwardFromOutput, deriv_y, from_y_ulp});
  };
  add_four(
      SIMDACT_RELU, 0.0f, [](double x, double, double) { return ref::Relu(x); },
      [](double x, double, double) { return ref::ReluDerivative(x); },
      [](double y, double, double) { return ref::ReluDerivative(y); }, 0, 0, 0,
      0);
  for (float alpha : {0.01f, 0.3f}) {
    add_four(
        SIMDACT_LEAKY_RELU, alpha,
        [](double x, double a, double) { return ref::LeakyRelu(x, a); },
        [](double x, double a, double) {
          return ref::LeakyReluDerivative(x, a);
        },
        [](double y, double a, double) {
          return ref::LeakyReluDerivative(y, a);
        },
        0, 0, 0, 0);
  }
  for (float alpha : {1.0f, 0.5f, 0.3f}) {
    add_four(
        SIMDACT_ELU, alpha,
        [](double x, double a, double) { return ref::Elu(x, a); },
        [](double x, double a, double) { return ref::EluDerivative(x, a); },
        [](double y, double a, double) {
          return ref::EluDerivativeFromOutput(y, a);
        },
        2, 2, 3, 1);
  }
  add_four(
      SIMDACT_SIGMOID, 0.0f,
      [](double x, double, double) { return ref::Sigmoid(x); },
      [](double x, double, double) { return ref::SigmoidDerivative(x); },
      [](double y, double, double) {
        return ref::SigmoidDerivativeFromOutput(y);
      },
      2, 3, 4, 2);
  add_four(
      SIMDACT_TANH, 0.0f, [](double x, double, double) { return ref::Tanh(x); },
      [](double x, double, double) { return ref::TanhDerivative(x); },
      [](double y, double, double) { return ref::TanhDerivativeFromOutput(y); },
      2, 3, 4, 2);
  AddMoreCases(cases);
  AddPiecewiseCases(cases);
  return cases;
}

// The forward case of the same activation (to make valid outputs y).
inline ElementwiseCase ForwardOf(const ElementwiseCase& c) {
  for (const ElementwiseCase& f : AllElementwiseCases()) {
    if (f.act == c.act && f.alpha == c.alpha && f.beta == c.beta &&
        f.threshold == c.threshold && f.kind == Kind::kForward) {
      return f;
    }
  }
  return c;
}

}  // namespace test
}  // namespace simdact

#endif  // SIMDACT_TESTS_ELEMENTWISE_CASES_H_
