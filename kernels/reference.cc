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

namespace r = reference;

// The parameters of an element-wise activation in double: a = alpha,
// b = beta, t = threshold (see simdact_params for which one reads which).
struct Params {
  double a, b, t;
};
using ScalarFn = double (*)(double v, const Params& p);

// f(x), f'(x) and f'(x) written in y = f(x) of one element-wise activation,
// in double.
struct OpMath {
  int op;
  ScalarFn forward, derivative, from_output;
};

// from_output where f' has no form in y (not monotonic, or no closed form):
// the C API refuses those calls.
double Undefined(double, const Params&) { return NAN; }

// A ScalarFn of v (x, or y in from_output) and p.
#define SIMDACT_FN(expr) \
  [](double v, [[maybe_unused]] const Params& p) -> double { return expr; }

const OpMath kOps[] = {
    {kTanh, SIMDACT_FN(r::Tanh(v)), SIMDACT_FN(r::TanhDerivative(v)),
     SIMDACT_FN(r::TanhDerivativeFromOutput(v))},
    {kRelu, SIMDACT_FN(r::Relu(v)), SIMDACT_FN(r::ReluDerivative(v)),
     SIMDACT_FN(r::ReluDerivative(v))},
    {kLeakyRelu, SIMDACT_FN(r::LeakyRelu(v, p.a)),
     SIMDACT_FN(r::LeakyReluDerivative(v, p.a)),
     SIMDACT_FN(r::LeakyReluDerivative(v, p.a))},
    {kElu, SIMDACT_FN(r::Elu(v, p.a)), SIMDACT_FN(r::EluDerivative(v, p.a)),
     SIMDACT_FN(r::EluDerivativeFromOutput(v, p.a))},
    {kSigmoid, SIMDACT_FN(r::Sigmoid(v)), SIMDACT_FN(r::SigmoidDerivative(v)),
     SIMDACT_FN(r::SigmoidDerivativeFromOutput(v))},
    {kSilu, SIMDACT_FN(r::Silu(v, p.b)), SIMDACT_FN(r::SiluDerivative(v, p.b)),
     &Undefined},
    {kGelu, SIMDACT_FN(r::Gelu(v)), SIMDACT_FN(r::GeluDerivative(v)),
     &Undefined},
    {kGeluTanh, SIMDACT_FN(r::GeluTanh(v)),
     SIMDACT_FN(r::GeluTanhDerivative(v)), &Undefined},
    {kMish, SIMDACT_FN(r::Mish(v)), SIMDACT_FN(r::MishDerivative(v)),
     &Undefined},
    {kSoftplus, SIMDACT_FN(r::Softplus(v, p.b, p.t)),
     SIMDACT_FN(r::SoftplusDerivative(v, p.b, p.t)),
     SIMDACT_FN(r::SoftplusDerivativeFromOutput(v, p.b, p.t))},
    {kSoftsign, SIMDACT_FN(r::Softsign(v)),
     SIMDACT_FN(r::SoftsignDerivative(v)),
     SIMDACT_FN(r::SoftsignDerivativeFromOutput(v))},
    {kSelu, SIMDACT_FN(r::Selu(v)), SIMDACT_FN(r::SeluDerivative(v)),
     SIMDACT_FN(r::SeluDerivativeFromOutput(v))},
    {kCelu, SIMDACT_FN(r::Celu(v, p.a)), SIMDACT_FN(r::CeluDerivative(v, p.a)),
     SIMDACT_FN(r::CeluDerivativeFromOutput(v, p.a))},
    {kHardSigmoid, SIMDACT_FN(r::HardSigmoid(v)),
     SIMDACT_FN(r::HardSigmoidDerivative(v)),
     SIMDACT_FN(r::HardSigmoidDerivativeFromOutput(v))},
    {kHardSwish, SIMDACT_FN(r::HardSwish(v)),
     SIMDACT_FN(r::HardSwishDerivative(v)), &Undefined},
    {kRelu6, SIMDACT_FN(r::Relu6(v)), SIMDACT_FN(r::Relu6Derivative(v)),
     SIMDACT_FN(r::Relu6Derivative(v))},
    {kHardtanh, SIMDACT_FN(r::Hardtanh(v, p.a, p.b)),
     SIMDACT_FN(r::HardtanhDerivative(v, p.a, p.b)),
     SIMDACT_FN(r::HardtanhDerivative(v, p.a, p.b))},
    {kLogSigmoid, SIMDACT_FN(r::LogSigmoid(v)),
     SIMDACT_FN(r::LogSigmoidDerivative(v)),
     SIMDACT_FN(r::LogSigmoidDerivativeFromOutput(v))},
    {kTanhshrink, SIMDACT_FN(r::Tanhshrink(v)),
     SIMDACT_FN(r::TanhshrinkDerivative(v)), &Undefined},
    {kSoftshrink, SIMDACT_FN(r::Softshrink(v, p.a)),
     SIMDACT_FN(r::ShrinkDerivative(v, p.a)),
     SIMDACT_FN(r::ShrinkDerivativeFromOutput(v))},
    {kHardshrink, SIMDACT_FN(r::Hardshrink(v, p.a)),
     SIMDACT_FN(r::ShrinkDerivative(v, p.a)),
     SIMDACT_FN(r::ShrinkDerivativeFromOutput(v))},
    {kExponential, SIMDACT_FN(r::Exponential(v)),
     SIMDACT_FN(r::ExponentialDerivative(v)), SIMDACT_FN(v)},
    {kLinear, SIMDACT_FN(r::Linear(v)), SIMDACT_FN(r::LinearDerivative(v)),
     SIMDACT_FN(r::LinearDerivative(v))},
    // From y: threshold 0 and slope >= 0 only (the C API checks).
    {kReluGeneral, SIMDACT_FN(r::ReluGeneral(v, p.a, p.b, p.t)),
     SIMDACT_FN(r::ReluGeneralDerivative(v, p.a, p.b, p.t)),
     SIMDACT_FN(r::ReluGeneralDerivative(v, p.a, p.b, 0.0))},
    {kHardSigmoidGeneral, SIMDACT_FN(r::HardSigmoidGeneral(v, p.a, p.b)),
     SIMDACT_FN(r::HardSigmoidGeneralDerivative(v, p.a, p.b)),
     SIMDACT_FN(r::HardSigmoidGeneralDerivativeFromOutput(v, p.a))},
    {kThreshold, SIMDACT_FN(r::Threshold(v, p.t, p.a)),
     SIMDACT_FN(r::ThresholdDerivative(v, p.t)), &Undefined},
    {kSquareplus, SIMDACT_FN(r::Squareplus(v, p.a)),
     SIMDACT_FN(r::SquareplusDerivative(v, p.a)),
     SIMDACT_FN(r::SquareplusDerivativeFromOutput(v, p.a))},
    {kSparsePlus, SIMDACT_FN(r::SparsePlus(v)),
     SIMDACT_FN(r::SparsePlusDerivative(v)),
     SIMDACT_FN(r::SparsePlusDerivativeFromOutput(v))},
    {kSparseSigmoid, SIMDACT_FN(r::SparseSigmoid(v)),
     SIMDACT_FN(r::SparseSigmoidDerivative(v)),
     SIMDACT_FN(r::SparseSigmoidDerivativeFromOutput(v))},
    {kRrelu, SIMDACT_FN(r::LeakyRelu(v, r::RreluSlope(p.a, p.b))),
     SIMDACT_FN(r::LeakyReluDerivative(v, r::RreluSlope(p.a, p.b))),
     SIMDACT_FN(r::LeakyReluDerivative(v, r::RreluSlope(p.a, p.b)))},
};

#undef SIMDACT_FN

// The entry of op (the C API passes only these); tanh for any other.
const OpMath& MathOf(int op) {
  for (const OpMath& m : kOps) {
    if (m.op == op) return m;
  }
  return kOps[0];
}

double Apply(const OpMath& m, const Params& p, int kind, double in, double dy) {
  switch (kind) {
    case kForward:
      return m.forward(in, p);
    case kDerivative:
      return m.derivative(in, p);
    case kBackward:
      return dy * m.derivative(in, p);
    default:
      return dy * m.from_output(in, p);
  }
}

void Elementwise(int op, int kind, const ElementwiseParams& ep, const float* in,
                 const float* dy, float* out, size_t n) {
  const OpMath& m = MathOf(op);
  const Params p{ep.alpha, ep.beta, ep.threshold};
  for (size_t i = 0; i < n; ++i) {
    const double g = dy != nullptr ? dy[i] : 0.0;
    out[i] = static_cast<float>(Apply(m, p, kind, in[i], g));
  }
}

template <int kOp, int kKind>
struct ElementwiseOfKind {
  static int Run(ElementwiseParams ep, const float* in, const float* dy,
                 float* out, size_t n) {
    Elementwise(kOp, kKind, ep, in, dy, out, n);
    return 0;
  }
};

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
  const OpMath& leaky_relu = MathOf(kLeakyRelu);
  for (size_t o = 0; o < a.outer; ++o) {
    for (size_t c = 0; c < a.channels; ++c) {
      const Params p{a.alpha[c], 0.0, 0.0};
      const size_t offset = (o * a.channels + c) * a.inner;
      for (size_t i = offset; i < offset + a.inner; ++i) {
        const double x = a.in[i];
        const double g = a.dy != nullptr ? a.dy[i] : 0.0;
        if (a.kind == kBackward && a.dalpha != nullptr && !(x > 0)) {
          a.dalpha[c] += g * x;
        }
        a.out[i] = static_cast<float>(Apply(leaky_relu, p, a.kind, x, g));
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
  static const KernelSet kSet{MakeElementwiseKernels<ElementwiseOfKind>(),
                              &SoftmaxRows,
                              &PRelu,
                              &LogSoftmaxRows,
                              &Glu,
                              &Sparsemax,
                              &AllFinite};
  return kSet;
}

}  // namespace internal
}  // namespace simdact
