// simdact C++ API: typed functions per activation and kind, thin inline
// wrappers over the C API (include/simdact/simdact.h), which documents the
// semantics. Every function returns a Status; nothing is written on error.
#ifndef SIMDACT_SIMDACT_HPP_
#define SIMDACT_SIMDACT_HPP_

#include <stddef.h>
#include <stdint.h>

#include <limits>
#include <string>
#include <vector>

#if __cplusplus >= 202002L
#include <span>
#endif

#include "simdact/simdact.h"

namespace simdact {

enum class Status : int {
  kOk = SIMDACT_OK,
  kNullPointer = SIMDACT_ERROR_NULL_POINTER,
  kUnknownActivation = SIMDACT_ERROR_UNKNOWN_ACTIVATION,
  kInvalidParameter = SIMDACT_ERROR_INVALID_PARAMETER,
  kSizeOverflow = SIMDACT_ERROR_SIZE_OVERFLOW,
  kUndefined = SIMDACT_ERROR_UNDEFINED,
  kOverlap = SIMDACT_ERROR_OVERLAP,
  kShape = SIMDACT_ERROR_SHAPE,
  kUnknownTarget = SIMDACT_ERROR_UNKNOWN_TARGET,
  kUnsupportedTarget = SIMDACT_ERROR_UNSUPPORTED_TARGET,
};

inline const char* ToString(Status s) {
  return simdact_status_string(static_cast<simdact_status>(s));
}

namespace detail {
inline Status S(simdact_status s) { return static_cast<Status>(s); }
inline simdact_params Params(simdact_activation act, float alpha) {
  simdact_params p = simdact_default_params(act);
  p.alpha = alpha;
  return p;
}
}  // namespace detail

// Element-wise activations: Name(x, y, n), NameDerivative(x, d, n),
// NameBackward(x, dy, dx, n), NameBackwardFromOutput(y, dy, dx, n).
#define SIMDACT_ELEMENTWISE_API(Name, ACT, ALPHA_DECL, ALPHA)                  \
  [[nodiscard]] inline Status Name(const float* x, float* y,                   \
                                   size_t n ALPHA_DECL) {                      \
    const simdact_params p = detail::Params(ACT, ALPHA);                       \
    return detail::S(simdact_forward(ACT, &p, x, y, n));                       \
  }                                                                            \
  [[nodiscard]] inline Status Name##Derivative(const float* x, float* d,       \
                                               size_t n ALPHA_DECL) {          \
    const simdact_params p = detail::Params(ACT, ALPHA);                       \
    return detail::S(simdact_derivative(ACT, &p, x, d, n));                    \
  }                                                                            \
  [[nodiscard]] inline Status Name##Backward(const float* x, const float* dy,  \
                                             float* dx, size_t n ALPHA_DECL) { \
    const simdact_params p = detail::Params(ACT, ALPHA);                       \
    return detail::S(simdact_backward(ACT, &p, x, dy, dx, n));                 \
  }                                                                            \
  [[nodiscard]] inline Status Name##BackwardFromOutput(                        \
      const float* y, const float* dy, float* dx, size_t n ALPHA_DECL) {       \
    const simdact_params p = detail::Params(ACT, ALPHA);                       \
    return detail::S(simdact_backward_from_output(ACT, &p, y, dy, dx, n));     \
  }

#define SIMDACT_COMMA ,
SIMDACT_ELEMENTWISE_API(Relu, SIMDACT_RELU, , 0.0f)
SIMDACT_ELEMENTWISE_API(LeakyRelu, SIMDACT_LEAKY_RELU,
                        SIMDACT_COMMA float alpha = 0.01f, alpha)
SIMDACT_ELEMENTWISE_API(Elu, SIMDACT_ELU, SIMDACT_COMMA float alpha = 1.0f,
                        alpha)
SIMDACT_ELEMENTWISE_API(Sigmoid, SIMDACT_SIGMOID, , 0.0f)
SIMDACT_ELEMENTWISE_API(Tanh, SIMDACT_TANH, , 0.0f)
SIMDACT_ELEMENTWISE_API(Softsign, SIMDACT_SOFTSIGN, , 0.0f)
SIMDACT_ELEMENTWISE_API(Selu, SIMDACT_SELU, , 0.0f)
SIMDACT_ELEMENTWISE_API(Celu, SIMDACT_CELU, SIMDACT_COMMA float alpha = 1.0f,
                        alpha)
SIMDACT_ELEMENTWISE_API(HardSigmoid, SIMDACT_HARD_SIGMOID, , 0.0f)
SIMDACT_ELEMENTWISE_API(Relu6, SIMDACT_RELU6, , 0.0f)
SIMDACT_ELEMENTWISE_API(LogSigmoid, SIMDACT_LOG_SIGMOID, , 0.0f)
SIMDACT_ELEMENTWISE_API(Softshrink, SIMDACT_SOFTSHRINK,
                        SIMDACT_COMMA float lambda = 0.5f, lambda)
SIMDACT_ELEMENTWISE_API(Hardshrink, SIMDACT_HARDSHRINK,
                        SIMDACT_COMMA float lambda = 0.5f, lambda)
SIMDACT_ELEMENTWISE_API(Exponential, SIMDACT_EXPONENTIAL, , 0.0f)
SIMDACT_ELEMENTWISE_API(Linear, SIMDACT_LINEAR, , 0.0f)
// BackwardFromOutput of these returns Status::kUndefined (not monotonic, or
// f' not written in y); the wrappers are there for uniformity.
SIMDACT_ELEMENTWISE_API(Gelu, SIMDACT_GELU, , 0.0f)
SIMDACT_ELEMENTWISE_API(GeluTanh, SIMDACT_GELU_TANH, , 0.0f)
SIMDACT_ELEMENTWISE_API(Mish, SIMDACT_MISH, , 0.0f)
SIMDACT_ELEMENTWISE_API(HardSwish, SIMDACT_HARD_SWISH, , 0.0f)
SIMDACT_ELEMENTWISE_API(Tanhshrink, SIMDACT_TANHSHRINK, , 0.0f)
#undef SIMDACT_ELEMENTWISE_API

// The same with parameters beyond alpha: SET assigns fields of `p`.
#define SIMDACT_ELEMENTWISE_API_P(Name, ACT, DECL, SET)                       \
  [[nodiscard]] inline Status Name(const float* x, float* y, size_t n DECL) { \
    simdact_params p = simdact_default_params(ACT);                           \
    SET;                                                                      \
    return detail::S(simdact_forward(ACT, &p, x, y, n));                      \
  }                                                                           \
  [[nodiscard]] inline Status Name##Derivative(const float* x, float* d,      \
                                               size_t n DECL) {               \
    simdact_params p = simdact_default_params(ACT);                           \
    SET;                                                                      \
    return detail::S(simdact_derivative(ACT, &p, x, d, n));                   \
  }                                                                           \
  [[nodiscard]] inline Status Name##Backward(const float* x, const float* dy, \
                                             float* dx, size_t n DECL) {      \
    simdact_params p = simdact_default_params(ACT);                           \
    SET;                                                                      \
    return detail::S(simdact_backward(ACT, &p, x, dy, dx, n));                \
  }                                                                           \
  [[nodiscard]] inline Status Name##BackwardFromOutput(                       \
      const float* y, const float* dy, float* dx, size_t n DECL) {            \
    simdact_params p = simdact_default_params(ACT);                           \
    SET;                                                                      \
    return detail::S(simdact_backward_from_output(ACT, &p, y, dy, dx, n));    \
  }
// SiLU / swish: x sigmoid(beta x) (BackwardFromOutput: kUndefined).
SIMDACT_ELEMENTWISE_API_P(Silu, SIMDACT_SILU, SIMDACT_COMMA float beta = 1.0f,
                          p.beta = beta)
SIMDACT_ELEMENTWISE_API_P(
    Softplus, SIMDACT_SOFTPLUS,
    SIMDACT_COMMA float beta = 1.0f SIMDACT_COMMA float threshold = 20.0f,
    (p.beta = beta, p.threshold = threshold))
SIMDACT_ELEMENTWISE_API_P(
    Hardtanh, SIMDACT_HARDTANH,
    SIMDACT_COMMA float min_val = -1.0f SIMDACT_COMMA float max_val = 1.0f,
    (p.alpha = min_val, p.beta = max_val))
// Piecewise activations (see simdact.h). ReluGeneral is Keras' relu:
// max_value = +inf means None; BackwardFromOutput needs threshold 0 and
// negative_slope >= 0. Threshold and its BackwardFromOutput: kUndefined.
SIMDACT_ELEMENTWISE_API_P(
    ReluGeneral, SIMDACT_RELU_GENERAL,
    SIMDACT_COMMA float negative_slope = 0.0f SIMDACT_COMMA float max_value =
        std::numeric_limits<float>::infinity()
            SIMDACT_COMMA float threshold = 0.0f,
    (p.alpha = negative_slope, p.beta = max_value, p.threshold = threshold))
SIMDACT_ELEMENTWISE_API_P(
    HardSigmoidGeneral, SIMDACT_HARD_SIGMOID_GENERAL,
    SIMDACT_COMMA float a = 0.2f SIMDACT_COMMA float b = 0.5f,
    (p.alpha = a, p.beta = b))
SIMDACT_ELEMENTWISE_API_P(
    Threshold, SIMDACT_THRESHOLD,
    SIMDACT_COMMA float threshold = 0.0f SIMDACT_COMMA float value = 0.0f,
    (p.threshold = threshold, p.alpha = value))
SIMDACT_ELEMENTWISE_API_P(Squareplus, SIMDACT_SQUAREPLUS,
                          SIMDACT_COMMA float b = 4.0f, p.alpha = b)
SIMDACT_ELEMENTWISE_API_P(SparsePlus, SIMDACT_SPARSE_PLUS, , (void)p)
SIMDACT_ELEMENTWISE_API_P(SparseSigmoid, SIMDACT_SPARSE_SIGMOID, , (void)p)
SIMDACT_ELEMENTWISE_API_P(
    Rrelu, SIMDACT_RRELU,
    SIMDACT_COMMA float lower = 0.125f SIMDACT_COMMA float upper = 1.0f / 3.0f,
    (p.alpha = lower, p.beta = upper))
#undef SIMDACT_ELEMENTWISE_API_P
#undef SIMDACT_COMMA

// PReLU over [outer, channels, inner] with alpha[channels].
[[nodiscard]] inline Status PRelu(const float* x, const float* alpha, float* y,
                                  size_t outer, size_t channels, size_t inner) {
  return detail::S(simdact_prelu(x, alpha, y, outer, channels, inner));
}
// dalpha may be nullptr when only dx is wanted.
[[nodiscard]] inline Status PReluBackward(const float* x, const float* alpha,
                                          const float* dy, float* dx,
                                          float* dalpha, size_t outer,
                                          size_t channels, size_t inner) {
  return detail::S(
      simdact_prelu_backward(x, alpha, dy, dx, dalpha, outer, channels, inner));
}

// Softmax over each of `rows` rows of `cols` elements.
[[nodiscard]] inline Status Softmax(const float* x, float* y, size_t rows,
                                    size_t cols) {
  return detail::S(simdact_softmax(x, y, rows, cols));
}
[[nodiscard]] inline Status SoftmaxBackward(const float* x, const float* dy,
                                            float* dx, size_t rows,
                                            size_t cols) {
  return detail::S(simdact_softmax_backward(x, dy, dx, rows, cols));
}
[[nodiscard]] inline Status SoftmaxBackwardFromOutput(const float* y,
                                                      const float* dy,
                                                      float* dx, size_t rows,
                                                      size_t cols) {
  return detail::S(simdact_softmax_backward_from_output(y, dy, dx, rows, cols));
}
// Log-softmax over each of `rows` rows of `cols` elements.
[[nodiscard]] inline Status LogSoftmax(const float* x, float* y, size_t rows,
                                       size_t cols) {
  return detail::S(simdact_log_softmax(x, y, rows, cols));
}
[[nodiscard]] inline Status LogSoftmaxBackward(const float* x, const float* dy,
                                               float* dx, size_t rows,
                                               size_t cols) {
  return detail::S(simdact_log_softmax_backward(x, dy, dx, rows, cols));
}
[[nodiscard]] inline Status LogSoftmaxBackwardFromOutput(const float* y,
                                                         const float* dy,
                                                         float* dx, size_t rows,
                                                         size_t cols) {
  return detail::S(
      simdact_log_softmax_backward_from_output(y, dy, dx, rows, cols));
}
// GLU over x of shape [outer, cols, inner] (cols even); y is
// [outer, cols/2, inner]. See simdact_glu.
[[nodiscard]] inline Status Glu(const float* x, float* y, size_t outer,
                                size_t cols, size_t inner = 1) {
  return detail::S(simdact_glu(x, y, outer, cols, inner));
}
[[nodiscard]] inline Status GluBackward(const float* x, const float* dy,
                                        float* dx, size_t outer, size_t cols,
                                        size_t inner = 1) {
  return detail::S(simdact_glu_backward(x, dy, dx, outer, cols, inner));
}
// Sparsemax along the middle axis of [outer, cols, inner]. See
// simdact_sparsemax.
[[nodiscard]] inline Status Sparsemax(const float* x, float* y, size_t outer,
                                      size_t cols, size_t inner = 1) {
  return detail::S(simdact_sparsemax(x, y, outer, cols, inner));
}
[[nodiscard]] inline Status SparsemaxBackward(const float* x, const float* dy,
                                              float* dx, size_t outer,
                                              size_t cols, size_t inner = 1) {
  return detail::S(simdact_sparsemax_backward(x, dy, dx, outer, cols, inner));
}
[[nodiscard]] inline Status SparsemaxBackwardFromOutput(const float* y,
                                                        const float* dy,
                                                        float* dx, size_t outer,
                                                        size_t cols,
                                                        size_t inner = 1) {
  return detail::S(
      simdact_sparsemax_backward_from_output(y, dy, dx, outer, cols, inner));
}
// Softmax and log-softmax along any axis: x is [outer, cols, inner] and the
// function runs along the middle axis (PyTorch dim=k, Keras axis=k, with
// inner the product of the sizes after k; inner 1 is the last axis). Of
// x / temperature; with `safe`, a row of all -inf gives 0 (softmax) or -inf
// (log-softmax) and a zero gradient instead of NaN. See simdact_params.
struct SoftmaxOptions {
  size_t inner = 1;
  float temperature = 1.0f;
  bool safe = false;
};
namespace detail {
enum class SoftmaxKind { kForward, kBackward, kBackwardFromOutput };
inline Status SoftmaxAxis(simdact_activation act, SoftmaxKind kind,
                          const float* in, const float* dy, float* out,
                          size_t outer, size_t cols, const SoftmaxOptions& o) {
  const size_t inner = o.inner > 1 ? o.inner : 1;
  if (cols != 0 && inner > SIZE_MAX / cols) return Status::kSizeOverflow;
  if (cols * inner != 0 && outer > SIZE_MAX / (cols * inner)) {
    return Status::kSizeOverflow;
  }
  simdact_params p = simdact_default_params(act);
  p.softmax_cols = cols;
  p.softmax_inner = inner;
  p.temperature = o.temperature;
  p.softmax_safe = o.safe ? 1 : 0;
  const size_t n = outer * cols * inner;
  switch (kind) {
    case SoftmaxKind::kForward:
      return S(simdact_forward(act, &p, in, out, n));
    case SoftmaxKind::kBackward:
      return S(simdact_backward(act, &p, in, dy, out, n));
    default:
      return S(simdact_backward_from_output(act, &p, in, dy, out, n));
  }
}
}  // namespace detail
[[nodiscard]] inline Status Softmax(const float* x, float* y, size_t outer,
                                    size_t cols, const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_SOFTMAX, detail::SoftmaxKind::kForward, x,
                             nullptr, y, outer, cols, o);
}
[[nodiscard]] inline Status SoftmaxBackward(const float* x, const float* dy,
                                            float* dx, size_t outer,
                                            size_t cols,
                                            const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_SOFTMAX, detail::SoftmaxKind::kBackward, x,
                             dy, dx, outer, cols, o);
}
[[nodiscard]] inline Status SoftmaxBackwardFromOutput(const float* y,
                                                      const float* dy,
                                                      float* dx, size_t outer,
                                                      size_t cols,
                                                      const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_SOFTMAX,
                             detail::SoftmaxKind::kBackwardFromOutput, y, dy,
                             dx, outer, cols, o);
}
[[nodiscard]] inline Status LogSoftmax(const float* x, float* y, size_t outer,
                                       size_t cols, const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_LOG_SOFTMAX, detail::SoftmaxKind::kForward,
                             x, nullptr, y, outer, cols, o);
}
[[nodiscard]] inline Status LogSoftmaxBackward(const float* x, const float* dy,
                                               float* dx, size_t outer,
                                               size_t cols,
                                               const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_LOG_SOFTMAX,
                             detail::SoftmaxKind::kBackward, x, dy, dx, outer,
                             cols, o);
}
[[nodiscard]] inline Status LogSoftmaxBackwardFromOutput(
    const float* y, const float* dy, float* dx, size_t outer, size_t cols,
    const SoftmaxOptions& o) {
  return detail::SoftmaxAxis(SIMDACT_LOG_SOFTMAX,
                             detail::SoftmaxKind::kBackwardFromOutput, y, dy,
                             dx, outer, cols, o);
}
[[nodiscard]] inline Status SoftmaxJacobian(const float* x, size_t n,
                                            float* jacobian) {
  return detail::S(simdact_softmax_jacobian(x, n, jacobian));
}

#if __cplusplus >= 202002L
// std::span overloads: sizes must match (else Status::kShape).
#define SIMDACT_SPAN_API(Name)                                                 \
  [[nodiscard]] inline Status Name(std::span<const float> x,                   \
                                   std::span<float> y) {                       \
    if (x.size() != y.size()) return Status::kShape;                           \
    return Name(x.data(), y.data(), x.size());                                 \
  }                                                                            \
  [[nodiscard]] inline Status Name##Derivative(std::span<const float> x,       \
                                               std::span<float> d) {           \
    if (x.size() != d.size()) return Status::kShape;                           \
    return Name##Derivative(x.data(), d.data(), x.size());                     \
  }                                                                            \
  [[nodiscard]] inline Status Name##Backward(std::span<const float> x,         \
                                             std::span<const float> dy,        \
                                             std::span<float> dx) {            \
    if (x.size() != dy.size() || x.size() != dx.size()) return Status::kShape; \
    return Name##Backward(x.data(), dy.data(), dx.data(), x.size());           \
  }                                                                            \
  [[nodiscard]] inline Status Name##BackwardFromOutput(                        \
      std::span<const float> y, std::span<const float> dy,                     \
      std::span<float> dx) {                                                   \
    if (y.size() != dy.size() || y.size() != dx.size()) return Status::kShape; \
    return Name##BackwardFromOutput(y.data(), dy.data(), dx.data(), y.size()); \
  }
SIMDACT_SPAN_API(Relu)
SIMDACT_SPAN_API(Sigmoid)
SIMDACT_SPAN_API(Tanh)
SIMDACT_SPAN_API(Softsign)
SIMDACT_SPAN_API(Selu)
SIMDACT_SPAN_API(HardSigmoid)
SIMDACT_SPAN_API(Relu6)
SIMDACT_SPAN_API(LogSigmoid)
SIMDACT_SPAN_API(Exponential)
SIMDACT_SPAN_API(Linear)
SIMDACT_SPAN_API(Gelu)
SIMDACT_SPAN_API(GeluTanh)
SIMDACT_SPAN_API(Mish)
SIMDACT_SPAN_API(HardSwish)
SIMDACT_SPAN_API(Tanhshrink)
SIMDACT_SPAN_API(Silu)
SIMDACT_SPAN_API(Softplus)
SIMDACT_SPAN_API(Hardtanh)
SIMDACT_SPAN_API(ReluGeneral)
SIMDACT_SPAN_API(HardSigmoidGeneral)
SIMDACT_SPAN_API(Threshold)
SIMDACT_SPAN_API(Squareplus)
SIMDACT_SPAN_API(SparsePlus)
SIMDACT_SPAN_API(SparseSigmoid)
SIMDACT_SPAN_API(Rrelu)
#undef SIMDACT_SPAN_API

[[nodiscard]] inline Status LeakyRelu(std::span<const float> x,
                                      std::span<float> y, float alpha = 0.01f) {
  if (x.size() != y.size()) return Status::kShape;
  return LeakyRelu(x.data(), y.data(), x.size(), alpha);
}
[[nodiscard]] inline Status Elu(std::span<const float> x, std::span<float> y,
                                float alpha = 1.0f) {
  if (x.size() != y.size()) return Status::kShape;
  return Elu(x.data(), y.data(), x.size(), alpha);
}
[[nodiscard]] inline Status Softmax(std::span<const float> x,
                                    std::span<float> y, size_t cols) {
  if (x.size() != y.size() || cols == 0 || x.size() % cols != 0) {
    return Status::kShape;
  }
  return Softmax(x.data(), y.data(), x.size() / cols, cols);
}
#endif  // C++20

// Targets; see simdact.h.
inline std::vector<std::string> CompiledTargets() {
  const char* names[32];
  const size_t n = simdact_compiled_targets(names, 32);
  return std::vector<std::string>(names, names + (n < 32 ? n : 32));
}
inline std::vector<std::string> SupportedTargets() {
  const char* names[32];
  const size_t n = simdact_supported_targets(names, 32);
  return std::vector<std::string>(names, names + (n < 32 ? n : 32));
}
inline std::string ActiveTarget() { return simdact_active_target(); }
[[nodiscard]] inline Status SetTarget(const std::string& name) {
  return detail::S(simdact_set_target(name.c_str()));
}

}  // namespace simdact

#endif  // SIMDACT_SIMDACT_HPP_
