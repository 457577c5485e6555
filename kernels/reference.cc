// The "reference" target: every kernel computed in double precision with the
// functions of reference.h, rounded to float once at the end.
#include "kernels/reference.h"

#include <math.h>
#include <stddef.h>

#include <vector>

#include "kernels/kernel_set.h"

namespace simdact {
namespace internal {
namespace {

// f(x) and f'(x) of one element-wise activation, in double.
struct ElementwiseMath {
  int op;
  double alpha;
  double beta = 0.0;
  double threshold = 0.0;

  double Forward(double x) const {
    namespace r = reference;
    switch (op) {
      case kRelu:
        return r::Relu(x);
      case kLeakyRelu:
        return r::LeakyRelu(x, alpha);
      case kElu:
        return r::Elu(x, alpha);
      case kSigmoid:
        return r::Sigmoid(x);
      case kSilu:
        return r::Silu(x, beta);
      case kGelu:
        return r::Gelu(x);
      case kGeluTanh:
        return r::GeluTanh(x);
      case kMish:
        return r::Mish(x);
      case kSoftplus:
        return r::Softplus(x, beta, threshold);
      case kSoftsign:
        return r::Softsign(x);
      case kSelu:
        return r::Selu(x);
      case kCelu:
        return r::Celu(x, alpha);
      case kHardSigmoid:
        return r::HardSigmoid(x);
      case kHardSwish:
        return r::HardSwish(x);
      case kRelu6:
        return r::Relu6(x);
      case kHardtanh:
        return r::Hardtanh(x, alpha, beta);
      case kLogSigmoid:
        return r::LogSigmoid(x);
      case kTanhshrink:
        return r::Tanhshrink(x);
      case kSoftshrink:
        return r::Softshrink(x, alpha);
      case kHardshrink:
        return r::Hardshrink(x, alpha);
      case kExponential:
        return r::Exponential(x);
      case kLinear:
        return r::Linear(x);
      case kReluGeneral:
        return r::ReluGeneral(x, alpha, beta, threshold);
      case kHardSigmoidGeneral:
        return r::HardSigmoidGeneral(x, alpha, beta);
      case kThreshold:
        return r::Threshold(x, threshold, alpha);
      case kSquareplus:
        return r::Squareplus(x, alpha);
      case kSparsePlus:
        return r::SparsePlus(x);
      case kSparseSigmoid:
        return r::SparseSigmoid(x);
      case kRrelu:
        return r::LeakyRelu(x, r::RreluSlope(alpha, beta));
      default:
        return r::Tanh(x);
    }
  }
  double Derivative(double x) const {
    namespace r = reference;
    switch (op) {
      case kRelu:
        return r::ReluDerivative(x);
      case kLeakyRelu:
        return r::LeakyReluDerivative(x, alpha);
      case kElu:
        return r::EluDerivative(x, alpha);
      case kSigmoid:
        return r::SigmoidDerivative(x);
      case kSilu:
        return r::SiluDerivative(x, beta);
      case kGelu:
        return r::GeluDerivative(x);
      case kGeluTanh:
        return r::GeluTanhDerivative(x);
      case kMish:
        return r::MishDerivative(x);
      case kSoftplus:
        return r::SoftplusDerivative(x, beta, threshold);
      case kSoftsign:
        return r::SoftsignDerivative(x);
      case kSelu:
        return r::SeluDerivative(x);
      case kCelu:
        return r::CeluDerivative(x, alpha);
      case kHardSigmoid:
        return r::HardSigmoidDerivative(x);
      case kHardSwish:
        return r::HardSwishDerivative(x);
      case kRelu6:
        return r::Relu6Derivative(x);
      case kHardtanh:
        return r::HardtanhDerivative(x, alpha, beta);
      case kLogSigmoid:
        return r::LogSigmoidDerivative(x);
      case kTanhshrink:
        return r::TanhshrinkDerivative(x);
      case kSoftshrink:
      case kHardshrink:
        return r::ShrinkDerivative(x, alpha);
      case kExponential:
        return r::ExponentialDerivative(x);
      case kLinear:
        return r::LinearDerivative(x);
      case kReluGeneral:
        return r::ReluGeneralDerivative(x, alpha, beta, threshold);
      case kHardSigmoidGeneral:
        return r::HardSigmoidGeneralDerivative(x, alpha, beta);
      case kThreshold:
        return r::ThresholdDerivative(x, threshold);
      case kSquareplus:
        return r::SquareplusDerivative(x, alpha);
      case kSparsePlus:
        return r::SparsePlusDerivative(x);
      case kSparseSigmoid:
        return r::SparseSigmoidDerivative(x);
      case kRrelu:
        return r::LeakyReluDerivative(x, r::RreluSlope(alpha, beta));
      default:
        return r::TanhDerivative(x);
    }
  }
  // Only called where the C API allows it.
  double DerivativeFromOutput(double y) const {
    namespace r = reference;
    switch (op) {
      case kRelu:
        return r::ReluDerivative(y);
      case kLeakyRelu:
        return r::LeakyReluDerivative(y, alpha);
      case kElu:
        return r::EluDerivativeFromOutput(y, alpha);
      case kSigmoid:
        return r::SigmoidDerivativeFromOutput(y);
      case kSoftplus:
        return r::SoftplusDerivativeFromOutput(y, beta, threshold);
      case kSoftsign:
        return r::SoftsignDerivativeFromOutput(y);
      case kSelu:
        return r::SeluDerivativeFromOutput(y);
      case kCelu:
        return r::CeluDerivativeFromOutput(y, alpha);
      case kHardSigmoid:
        return r::HardSigmoidDerivativeFromOutput(y);
      case kRelu6:
        return r::Relu6Derivative(y);
      case kHardtanh:
        return r::HardtanhDerivative(y, alpha, beta);
      case kLogSigmoid:
        return r::LogSigmoidDerivativeFromOutput(y);
      case kSoftshrink:
      case kHardshrink:
        return r::ShrinkDerivativeFromOutput(y);
      case kExponential:
        return y;
      case kLinear:
        return r::LinearDerivative(y);
      // Threshold 0 and slope >= 0 only (the C API checks).
      case kReluGeneral:
        return r::ReluGeneralDerivative(y, alpha, beta, 0.0);
      case kHardSigmoidGeneral:
        return r::HardSigmoidGeneralDerivativeFromOutput(y, alpha);
      case kSquareplus:
        return r::SquareplusDerivativeFromOutput(y, alpha);
      case kSparsePlus:
        return r::SparsePlusDerivativeFromOutput(y);
      case kSparseSigmoid:
        return r::SparseSigmoidDerivativeFromOutput(y);
      case kRrelu:
        return r::LeakyReluDerivative(y, r::RreluSlope(alpha, beta));
      default:
        return r::TanhDerivativeFromOutput(y);
    }
  }
  double Apply(int kind, double in, double dy) const {
    switch (kind) {
      case kForward:
        return Forward(in);
      case kDerivative:
        return Derivative(in);
      case kBackward:
        return dy * Derivative(in);
      default:
        return dy * DerivativeFromOutput(in);
    }
  }
};

void Elementwise(int op, int kind, const ElementwiseParams& p, const float* in,
                 const float* dy, float* out, size_t n) {
  const ElementwiseMath math{op, p.alpha, p.beta, p.threshold};
  for (size_t i = 0; i < n; ++i) {
    const double g = dy != nullptr ? dy[i] : 0.0;
    out[i] = static_cast<float>(math.Apply(kind, in[i], g));
  }
}

// One softmax or log-softmax row at a time, gathered from the middle axis
// of [outer, cols, inner] and scattered back (so in place works).
template <class RowFn>
void ForEachAxisRow(const SoftmaxArgs& a, const RowFn& row) {
  const size_t inner = a.inner > 1 ? a.inner : 1;
  std::vector<float> in(a.cols), dy(a.cols);
  for (size_t o = 0; o < a.outer; ++o) {
    for (size_t j = 0; j < inner; ++j) {
      const size_t base = o * a.cols * inner + j;
      for (size_t i = 0; i < a.cols; ++i) {
        in[i] = a.in[base + i * inner];
        if (a.dy != nullptr) dy[i] = a.dy[base + i * inner];
      }
      const std::vector<double> result = row(in.data(), dy.data());
      for (size_t i = 0; i < a.cols; ++i) {
        a.out[base + i * inner] = static_cast<float>(result[i]);
      }
    }
  }
}

void SoftmaxRows(const SoftmaxArgs& a) {
  const double t = a.temperature;
  const size_t n = a.cols;
  ForEachAxisRow(a, [&](const float* x, const float* dy) {
    if (a.kind == kForward) return reference::SoftmaxRow(x, n, t, a.safe);
    // y = 0 in a safe row of -inf: the formula gives ZeroGradientRow.
    std::vector<double> y(x, x + n);
    if (a.kind == kBackward) y = reference::SoftmaxRow(x, n, t, a.safe);
    std::vector<double> dx = reference::SoftmaxBackwardRow(y.data(), dy, n);
    for (double& v : dx) v /= t;
    return dx;
  });
}

void LogSoftmaxRows(const SoftmaxArgs& a) {
  const double t = a.temperature;
  const size_t n = a.cols;
  ForEachAxisRow(a, [&](const float* x, const float* dy) {
    if (a.kind == kForward) return reference::LogSoftmaxRow(x, n, t, a.safe);
    std::vector<double> y(x, x + n);
    if (a.kind == kBackward) y = reference::LogSoftmaxRow(x, n, t, a.safe);
    bool all_neg_inf = true;  // a safe row (a normal row has y >= -log n)
    for (double v : y) all_neg_inf = all_neg_inf && v == -INFINITY;
    if (a.safe && all_neg_inf) return reference::ZeroGradientRow(dy, n);
    std::vector<double> dx = reference::LogSoftmaxBackwardRow(y.data(), dy, n);
    for (double& v : dx) v /= t;
    return dx;
  });
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

void Glu(int kind, const float* in, const float* dy, float* out, size_t outer,
         size_t cols, size_t inner) {
  const size_t half = cols / 2 * inner;
  for (size_t o = 0; o < outer; ++o) {
    const float* a = in + 2 * o * half;
    const float* b = a + half;
    for (size_t i = 0; i < half; ++i) {
      if (kind == kForward) {
        out[o * half + i] = static_cast<float>(reference::Glu(a[i], b[i]));
      } else {
        const double g = dy[o * half + i];
        out[2 * o * half + i] =
            static_cast<float>(reference::GluBackwardA(b[i], g));
        out[2 * o * half + half + i] =
            static_cast<float>(reference::GluBackwardB(a[i], b[i], g));
      }
    }
  }
}

void Sparsemax(int kind, const float* in, const float* dy, float* out,
               size_t outer, size_t cols, size_t inner) {
  std::vector<float> x(cols), g(cols);
  for (size_t o = 0; o < outer; ++o) {
    for (size_t j = 0; j < inner; ++j) {
      const size_t base = o * cols * inner + j;
      for (size_t c = 0; c < cols; ++c) {
        x[c] = in[base + c * inner];
        if (dy != nullptr) g[c] = dy[base + c * inner];
      }
      std::vector<double> result;
      if (kind == kForward) {
        result = reference::SparsemaxRow(x.data(), cols);
      } else if (kind == kBackward) {
        const std::vector<double> y = reference::SparsemaxRow(x.data(), cols);
        result = reference::SparsemaxBackwardRow(y.data(), g.data(), cols);
        // A row of NaN y (NaN or +inf in x): NaN dx.
      } else {
        result = reference::SparsemaxBackwardRow(x.data(), g.data(), cols);
      }
      for (size_t c = 0; c < cols; ++c) {
        out[base + c * inner] = static_cast<float>(result[c]);
      }
    }
  }
}

}  // namespace

bool AllFinite(const float* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(p[i])) return false;
  }
  return true;
}

const KernelSet& ReferenceKernels() {
  static const KernelSet kSet{&Elementwise,    &SoftmaxRows, &PRelu,
                              &LogSoftmaxRows, &Glu,         &Sparsemax,
                              &AllFinite};
  return kSet;
}

}  // namespace internal
}  // namespace simdact
