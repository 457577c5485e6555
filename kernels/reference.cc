// The "reference" target: every kernel computed in double precision with the
// functions of reference.h, rounded to float once at the end.
#include <stddef.h>

#include <vector>

#include "kernels/kernel_set.h"
#include "kernels/reference.h"

namespace simdact {
namespace internal {
namespace {

// f(x) and f'(x) of one element-wise activation, in double.
struct ElementwiseMath {
  int op;
  double alpha;

  double Forward(double x) const {
    switch (op) {
      case kRelu: return reference::Relu(x);
      case kLeakyRelu: return reference::LeakyRelu(x, alpha);
      case kElu: return reference::Elu(x, alpha);
      case kSigmoid: return reference::Sigmoid(x);
      default: return reference::Tanh(x);
    }
  }
  double Derivative(double x) const {
    switch (op) {
      case kRelu: return reference::ReluDerivative(x);
      case kLeakyRelu: return reference::LeakyReluDerivative(x, alpha);
      case kElu: return reference::EluDerivative(x, alpha);
      case kSigmoid: return reference::SigmoidDerivative(x);
      default: return reference::TanhDerivative(x);
    }
  }
  double DerivativeFromOutput(double y) const {
    switch (op) {
      case kRelu: return reference::ReluDerivative(y);
      case kLeakyRelu: return reference::LeakyReluDerivative(y, alpha);
      case kElu: return reference::EluDerivativeFromOutput(y, alpha);
      case kSigmoid: return reference::SigmoidDerivativeFromOutput(y);
      default: return reference::TanhDerivativeFromOutput(y);
    }
  }
  double Apply(int kind, double in, double dy) const {
    switch (kind) {
      case kForward: return Forward(in);
      case kDerivative: return Derivative(in);
      case kBackward: return dy * Derivative(in);
      default: return dy * DerivativeFromOutput(in);
    }
  }
};

void Elementwise(int op, int kind, float alpha, const float* in,
                 const float* dy, float* out, size_t n) {
  const ElementwiseMath math{op, alpha};
  for (size_t i = 0; i < n; ++i) {
    const double g = dy != nullptr ? dy[i] : 0.0;
    out[i] = static_cast<float>(math.Apply(kind, in[i], g));
  }
}

void SoftmaxRows(int kind, const float* in, const float* dy, float* out,
                 size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    const float* x = in + r * cols;
    float* o = out + r * cols;
    std::vector<double> result;
    if (kind == kForward) {
      result = reference::SoftmaxRow(x, cols);
    } else {
      std::vector<double> y(x, x + cols);
      if (kind == kBackward) y = reference::SoftmaxRow(x, cols);
      result = reference::SoftmaxBackwardRow(y.data(), dy + r * cols, cols);
    }
    for (size_t i = 0; i < cols; ++i) o[i] = static_cast<float>(result[i]);
  }
}

void PRelu(const PReluArgs& a) {
  for (size_t o = 0; o < a.outer; ++o) {
    for (size_t c = 0; c < a.channels; ++c) {
      const ElementwiseMath math{kLeakyRelu, a.alpha[c]};
      const size_t offset = (o * a.channels + c) * a.inner;
      for (size_t i = offset; i < offset + a.inner; ++i) {
        const double x = a.in[i];
        const double g = a.dy != nullptr ? a.dy[i] : 0.0;
        if (a.kind == kBackward && a.dalpha != nullptr && !(x > 0)) {
          a.dalpha[c] += g * x;
        }
        a.out[i] = static_cast<float>(math.Apply(a.kind, x, g));
      }
    }
  }
}

}  // namespace

const KernelSet& ReferenceKernels() {
  static const KernelSet kSet{&Elementwise, &SoftmaxRows, &PRelu};
  return kSet;
}

}  // namespace internal
}  // namespace simdact
