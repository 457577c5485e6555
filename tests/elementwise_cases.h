// Every element-wise kernel under test: activation, parameter, kind, its
// double-precision reference, and its error bound in float ULPs.
#ifndef SIMDACT_TESTS_ELEMENTWISE_CASES_H_
#define SIMDACT_TESTS_ELEMENTWISE_CASES_H_

#include <math.h>

#include <string>
#include <vector>

#include "kernels/reference.h"
#include "simdact/simdact.h"

namespace simdact {
namespace test {

enum class Kind { kForward, kDerivative, kBackward, kBackwardFromOutput };

inline const char* KindName(Kind k) {
  switch (k) {
    case Kind::kForward: return "forward";
    case Kind::kDerivative: return "derivative";
    case Kind::kBackward: return "backward";
    default: return "backward_from_output";
  }
}

struct ElementwiseCase {
  simdact_activation act;
  float alpha;
  Kind kind;
  // f(x) or f'(x) (forward kinds), f'(.) for the backward kinds, in double.
  double (*math)(double in, double alpha);
  // Bound in ULPs of the result. Backward kinds also allow an absolute
  // |dy| * 2^-148 where f' itself is subnormal and cannot be more precise.
  int max_ulp;

  std::string Name() const {
    std::string name = simdact_activation_name(act);
    if (act == SIMDACT_LEAKY_RELU || act == SIMDACT_ELU) {
      name.append("(").append(std::to_string(alpha).substr(0, 4)).append(")");
    }
    return name.append(".").append(KindName(kind));
  }
  bool Backward() const {
    return kind == Kind::kBackward || kind == Kind::kBackwardFromOutput;
  }
  // The reference result for input `in` (x, or y for from-output) and dy.
  double Reference(double in, double dy) const {
    const double v = math(in, alpha);
    return Backward() ? dy * v : v;
  }
  simdact_status Run(const float* in, const float* dy, float* out,
                     size_t n) const {
    simdact_params p = simdact_default_params(act);
    p.alpha = alpha;
    switch (kind) {
      case Kind::kForward: return simdact_forward(act, &p, in, out, n);
      case Kind::kDerivative: return simdact_derivative(act, &p, in, out, n);
      case Kind::kBackward: return simdact_backward(act, &p, in, dy, out, n);
      default: return simdact_backward_from_output(act, &p, in, dy, out, n);
    }
  }
};

namespace ref = ::simdact::reference;

inline std::vector<ElementwiseCase> AllElementwiseCases() {
  using K = Kind;
  std::vector<ElementwiseCase> cases;
  auto add_four = [&](simdact_activation act, float alpha,
                      double (*fwd)(double, double),
                      double (*deriv)(double, double),
                      double (*deriv_y)(double, double), int fwd_ulp,
                      int deriv_ulp, int backward_ulp, int from_y_ulp) {
    cases.push_back({act, alpha, K::kForward, fwd, fwd_ulp});
    cases.push_back({act, alpha, K::kDerivative, deriv, deriv_ulp});
    cases.push_back({act, alpha, K::kBackward, deriv, backward_ulp});
    cases.push_back({act, alpha, K::kBackwardFromOutput, deriv_y, from_y_ulp});
  };
  add_four(
      SIMDACT_RELU, 0.0f, [](double x, double) { return ref::Relu(x); },
      [](double x, double) { return ref::ReluDerivative(x); },
      [](double y, double) { return ref::ReluDerivative(y); }, 0, 0, 0, 0);
  for (float alpha : {0.01f, 0.3f}) {
    add_four(
        SIMDACT_LEAKY_RELU, alpha,
        [](double x, double a) { return ref::LeakyRelu(x, a); },
        [](double x, double a) { return ref::LeakyReluDerivative(x, a); },
        [](double y, double a) { return ref::LeakyReluDerivative(y, a); }, 0,
        0, 0, 0);
  }
  for (float alpha : {1.0f, 0.5f}) {
    add_four(
        SIMDACT_ELU, alpha, [](double x, double a) { return ref::Elu(x, a); },
        [](double x, double a) { return ref::EluDerivative(x, a); },
        [](double y, double a) { return ref::EluDerivativeFromOutput(y, a); },
        2, 2, 3, 1);
  }
  add_four(
      SIMDACT_SIGMOID, 0.0f, [](double x, double) { return ref::Sigmoid(x); },
      [](double x, double) { return ref::SigmoidDerivative(x); },
      [](double y, double) { return ref::SigmoidDerivativeFromOutput(y); }, 2,
      3, 4, 2);
  add_four(
      SIMDACT_TANH, 0.0f, [](double x, double) { return ref::Tanh(x); },
      [](double x, double) { return ref::TanhDerivative(x); },
      [](double y, double) { return ref::TanhDerivativeFromOutput(y); }, 2, 3,
      4, 2);
  return cases;
}

// The forward case of the same activation (to make valid outputs y).
inline ElementwiseCase ForwardOf(const ElementwiseCase& c) {
  for (const ElementwiseCase& f : AllElementwiseCases()) {
    if (f.act == c.act && f.alpha == c.alpha && f.kind == Kind::kForward) {
      return f;
    }
  }
  return c;
}

}  // namespace test
}  // namespace simdact

#endif  // SIMDACT_TESTS_ELEMENTWISE_CASES_H_
