// The C API: validates every argument, then calls the active target's
// kernels. Nothing is written unless every check passes.
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <string>
#include <vector>

#include "kernels/kernel_set.h"
#include "kernels/targets.h"
#include "simdact/simdact.h"

namespace simdact {
namespace internal {
namespace {

// A float buffer [begin, begin + n).
struct Buffer {
  const float* p;
  size_t n;
};

bool Overlap(Buffer a, Buffer b) {
  if (a.n == 0 || b.n == 0) return false;
  const uintptr_t a0 = reinterpret_cast<uintptr_t>(a.p);
  const uintptr_t b0 = reinterpret_cast<uintptr_t>(b.p);
  return a0 < b0 + b.n * sizeof(float) && b0 < a0 + a.n * sizeof(float);
}

// An output may be the very same buffer as `alias_ok` (same start, same
// length) but may overlap no input otherwise.
bool BadOverlap(Buffer out, std::initializer_list<Buffer> inputs,
                const float* alias_ok) {
  for (const Buffer& in : inputs) {
    if (in.p == alias_ok && in.p == out.p) continue;
    if (Overlap(out, in)) return true;
  }
  return false;
}

bool MulOverflows(size_t a, size_t b, size_t* product) {
  return __builtin_mul_overflow(a, b, product);
}

// n floats must be addressable.
bool TooLarge(size_t n) { return n > SIZE_MAX / sizeof(float); }

bool IsElementwise(simdact_activation act) {
  return act == SIMDACT_RELU || act == SIMDACT_LEAKY_RELU ||
         act == SIMDACT_ELU || act == SIMDACT_SIGMOID || act == SIMDACT_TANH ||
         (act >= SIMDACT_SILU && act <= SIMDACT_LINEAR);
}

bool IsRowwise(simdact_activation act) {
  return act == SIMDACT_SOFTMAX || act == SIMDACT_LOG_SOFTMAX;
}

bool IsKnown(simdact_activation act) {
  return IsElementwise(act) || act == SIMDACT_PRELU || IsRowwise(act);
}

// f' can be written in y = f(x): y > 0 iff x > 0 needs alpha >= 0.
bool DefinedFromOutput(simdact_activation act, const simdact_params& p) {
  switch (act) {
    case SIMDACT_LEAKY_RELU:
    case SIMDACT_ELU:
      return p.alpha >= 0.0f;
    case SIMDACT_PRELU:
      for (size_t c = 0; c < p.channels; ++c) {
        if (!(p.prelu_alpha[c] >= 0.0f)) return false;
      }
      return true;
    // Not monotonic, or f' has no closed form in y.
    case SIMDACT_SILU:
    case SIMDACT_GELU:
    case SIMDACT_GELU_TANH:
    case SIMDACT_MISH:
    case SIMDACT_HARD_SWISH:
    case SIMDACT_TANHSHRINK:
      return false;
    default:
      return true;
  }
}

// Checks the activation's parameters and that n fits its shape. On success
// *rows is the number of softmax rows or PReLU outer blocks.
simdact_status CheckParams(simdact_activation act, const simdact_params& p,
                           size_t n, size_t* rows) {
  *rows = 0;
  if (act == SIMDACT_LEAKY_RELU || act == SIMDACT_ELU) {
    if (!isfinite(p.alpha)) return SIMDACT_ERROR_INVALID_PARAMETER;
  }
  switch (act) {
    case SIMDACT_SILU:
      if (!isfinite(p.beta)) return SIMDACT_ERROR_INVALID_PARAMETER;
      break;
    case SIMDACT_SOFTPLUS:
      if (!(isfinite(p.beta) && p.beta > 0.0f) || isnan(p.threshold)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_CELU:
      if (!(isfinite(p.alpha) && p.alpha > 0.0f)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_HARDTANH:
      if (!(isfinite(p.alpha) && isfinite(p.beta) && p.alpha < p.beta)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_SOFTSHRINK:
    case SIMDACT_HARDSHRINK:
      if (!(isfinite(p.alpha) && p.alpha >= 0.0f)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    default:
      break;
  }
  if (IsRowwise(act)) {
    if (p.softmax_cols == 0) return n == 0 ? SIMDACT_OK : SIMDACT_ERROR_SHAPE;
    if (n % p.softmax_cols != 0) return SIMDACT_ERROR_SHAPE;
    *rows = n / p.softmax_cols;
  }
  if (act == SIMDACT_PRELU) {
    size_t block;
    if (MulOverflows(p.channels, p.inner, &block)) {
      return SIMDACT_ERROR_SIZE_OVERFLOW;
    }
    if (block == 0) return n == 0 ? SIMDACT_OK : SIMDACT_ERROR_SHAPE;
    if (n % block != 0) return SIMDACT_ERROR_SHAPE;
    if (p.prelu_alpha == nullptr) return SIMDACT_ERROR_NULL_POINTER;
    for (size_t c = 0; c < p.channels; ++c) {
      if (!isfinite(p.prelu_alpha[c])) return SIMDACT_ERROR_INVALID_PARAMETER;
    }
    *rows = n / block;
  }
  return SIMDACT_OK;
}

const KernelSet& Kernels() { return ActiveTarget().kernels; }

PReluArgs MakePReluArgs(Kind kind, const simdact_params& p, const float* in,
                        const float* dy, float* out, size_t outer) {
  return PReluArgs{kind,  in,         dy,      out,     p.prelu_alpha,
                   outer, p.channels, p.inner, nullptr, nullptr};
}

// The shared body of the four generic entry points.
simdact_status Run(simdact_activation act, const simdact_params* params_or_null,
                   Kind kind, const float* in, const float* dy, float* out,
                   size_t n) {
  if (!IsKnown(act)) return SIMDACT_ERROR_UNKNOWN_ACTIVATION;
  const simdact_params params =
      params_or_null != nullptr ? *params_or_null : simdact_default_params(act);
  if (TooLarge(n)) return SIMDACT_ERROR_SIZE_OVERFLOW;
  const bool backward = kind == kBackward || kind == kBackwardFromOutput;
  if (n > 0 &&
      (in == nullptr || out == nullptr || (backward && dy == nullptr))) {
    return SIMDACT_ERROR_NULL_POINTER;
  }
  size_t rows;
  const simdact_status status = CheckParams(act, params, n, &rows);
  if (status != SIMDACT_OK) return status;
  if (IsRowwise(act) && kind == kDerivative) return SIMDACT_ERROR_UNDEFINED;
  if (kind == kBackwardFromOutput && !DefinedFromOutput(act, params)) {
    return SIMDACT_ERROR_UNDEFINED;
  }
  const Buffer out_buf{out, n};
  if (backward ? BadOverlap(out_buf, {{in, n}, {dy, n}}, dy)
               : BadOverlap(out_buf, {{in, n}}, in)) {
    return SIMDACT_ERROR_OVERLAP;
  }
  if (act == SIMDACT_PRELU &&
      Overlap(out_buf, Buffer{params.prelu_alpha, params.channels})) {
    return SIMDACT_ERROR_OVERLAP;
  }
  if (n == 0) return SIMDACT_OK;

  const KernelSet& k = Kernels();
  if (IsElementwise(act)) {
    const ElementwiseParams ep{params.alpha, params.beta, params.threshold};
    k.elementwise(act, kind, ep, in, dy, out, n);
  } else if (act == SIMDACT_SOFTMAX) {
    k.softmax(kind, in, dy, out, rows, params.softmax_cols);
  } else if (act == SIMDACT_LOG_SOFTMAX) {
    k.log_softmax(kind, in, dy, out, rows, params.softmax_cols);
  } else {
    k.prelu(MakePReluArgs(kind, params, in, dy, out, rows));
  }
  return SIMDACT_OK;
}

simdact_status ListTargets(bool only_supported, const char** names,
                           size_t capacity, size_t* count) {
  *count = 0;
  for (const Target& t : AllTargets()) {
    if (only_supported && !t.supported) continue;
    if (names != nullptr && *count < capacity) names[*count] = t.name.c_str();
    ++*count;
  }
  return SIMDACT_OK;
}

}  // namespace
}  // namespace internal
}  // namespace simdact

using simdact::internal::Buffer;
using simdact::internal::Kind;

extern "C" {

const char* simdact_status_string(simdact_status status) {
  switch (status) {
    case SIMDACT_OK:
      return "ok";
    case SIMDACT_ERROR_NULL_POINTER:
      return "null pointer with n > 0";
    case SIMDACT_ERROR_UNKNOWN_ACTIVATION:
      return "unknown activation";
    case SIMDACT_ERROR_INVALID_PARAMETER:
      return "invalid parameter";
    case SIMDACT_ERROR_SIZE_OVERFLOW:
      return "size overflows size_t";
    case SIMDACT_ERROR_UNDEFINED:
      return "not defined for this activation and parameters";
    case SIMDACT_ERROR_OVERLAP:
      return "buffers overlap";
    case SIMDACT_ERROR_SHAPE:
      return "n does not match the shape";
    case SIMDACT_ERROR_UNKNOWN_TARGET:
      return "unknown target";
    case SIMDACT_ERROR_UNSUPPORTED_TARGET:
      return "target not supported by this CPU";
  }
  return "unknown status";
}

simdact_params simdact_default_params(simdact_activation act) {
  simdact_params p;
  memset(&p, 0, sizeof(p));
  switch (act) {
    case SIMDACT_LEAKY_RELU:
      p.alpha = 0.01f;
      break;
    case SIMDACT_ELU:
    case SIMDACT_CELU:
      p.alpha = 1.0f;
      break;
    case SIMDACT_SILU:
      p.beta = 1.0f;
      break;
    case SIMDACT_SOFTPLUS:
      p.beta = 1.0f;
      p.threshold = 20.0f;
      break;
    case SIMDACT_HARDTANH:
      p.alpha = -1.0f;
      p.beta = 1.0f;
      break;
    case SIMDACT_SOFTSHRINK:
    case SIMDACT_HARDSHRINK:
      p.alpha = 0.5f;
      break;
    default:
      break;
  }
  return p;
}

static const struct {
  const char* name;
  simdact_activation act;
} kNames[] = {
    {"relu", SIMDACT_RELU},
    {"leaky_relu", SIMDACT_LEAKY_RELU},
    {"prelu", SIMDACT_PRELU},
    {"elu", SIMDACT_ELU},
    {"sigmoid", SIMDACT_SIGMOID},
    {"tanh", SIMDACT_TANH},
    {"softmax", SIMDACT_SOFTMAX},
    {"log_softmax", SIMDACT_LOG_SOFTMAX},
    // Issue 5; canonical names first (simdact_activation_name), then aliases.
    {"silu", SIMDACT_SILU},
    {"gelu", SIMDACT_GELU},
    {"gelu_tanh", SIMDACT_GELU_TANH},
    {"mish", SIMDACT_MISH},
    {"softplus", SIMDACT_SOFTPLUS},
    {"softsign", SIMDACT_SOFTSIGN},
    {"selu", SIMDACT_SELU},
    {"celu", SIMDACT_CELU},
    {"hard_sigmoid", SIMDACT_HARD_SIGMOID},
    {"hard_swish", SIMDACT_HARD_SWISH},
    {"relu6", SIMDACT_RELU6},
    {"hardtanh", SIMDACT_HARDTANH},
    {"log_sigmoid", SIMDACT_LOG_SIGMOID},
    {"tanhshrink", SIMDACT_TANHSHRINK},
    {"softshrink", SIMDACT_SOFTSHRINK},
    {"hardshrink", SIMDACT_HARDSHRINK},
    {"exponential", SIMDACT_EXPONENTIAL},
    {"linear", SIMDACT_LINEAR},
    // Aliases (Keras / PyTorch spellings).
    {"leakyrelu", SIMDACT_LEAKY_RELU},
    {"swish", SIMDACT_SILU},
    {"gelu_erf", SIMDACT_GELU},
    {"gelu_approximate_tanh", SIMDACT_GELU_TANH},
    {"hardsigmoid", SIMDACT_HARD_SIGMOID},
    {"hardswish", SIMDACT_HARD_SWISH},
    {"hard_silu", SIMDACT_HARD_SWISH},
    {"hard_tanh", SIMDACT_HARDTANH},
    {"logsigmoid", SIMDACT_LOG_SIGMOID},
    {"logsoftmax", SIMDACT_LOG_SOFTMAX},
};

simdact_status simdact_activation_from_name(const char* name,
                                            simdact_activation* act) {
  if (name == nullptr || act == nullptr) return SIMDACT_ERROR_NULL_POINTER;
  for (const auto& entry : kNames) {
    if (strcasecmp(entry.name, name) == 0) {
      *act = entry.act;
      return SIMDACT_OK;
    }
  }
  return SIMDACT_ERROR_UNKNOWN_ACTIVATION;
}

const char* simdact_activation_name(simdact_activation act) {
  for (const auto& entry : kNames) {
    if (entry.act == act) return entry.name;
  }
  return nullptr;
}

simdact_status simdact_forward(simdact_activation act,
                               const simdact_params* params, const float* x,
                               float* y, size_t n) {
  return simdact::internal::Run(act, params, simdact::internal::kForward, x,
                                nullptr, y, n);
}

simdact_status simdact_derivative(simdact_activation act,
                                  const simdact_params* params, const float* x,
                                  float* d, size_t n) {
  return simdact::internal::Run(act, params, simdact::internal::kDerivative, x,
                                nullptr, d, n);
}

simdact_status simdact_backward(simdact_activation act,
                                const simdact_params* params, const float* x,
                                const float* dy, float* dx, size_t n) {
  return simdact::internal::Run(act, params, simdact::internal::kBackward, x,
                                dy, dx, n);
}

simdact_status simdact_backward_from_output(simdact_activation act,
                                            const simdact_params* params,
                                            const float* y, const float* dy,
                                            float* dx, size_t n) {
  return simdact::internal::Run(
      act, params, simdact::internal::kBackwardFromOutput, y, dy, dx, n);
}

// Shaped entry points: compute the element count, then go through the
// generic path (which does every other check).
static simdact_status ShapeCount(size_t a, size_t b, size_t c, size_t* n) {
  size_t ab;
  if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, n)) {
    return SIMDACT_ERROR_SIZE_OVERFLOW;
  }
  return SIMDACT_OK;
}

static simdact_params PReluParams(const float* alpha, size_t channels,
                                  size_t inner) {
  simdact_params p = simdact_default_params(SIMDACT_PRELU);
  p.prelu_alpha = alpha;
  p.channels = channels;
  p.inner = inner;
  return p;
}

simdact_status simdact_prelu(const float* x, const float* alpha, float* y,
                             size_t outer, size_t channels, size_t inner) {
  size_t n;
  const simdact_status s = ShapeCount(outer, channels, inner, &n);
  if (s != SIMDACT_OK) return s;
  if (n == 0) return SIMDACT_OK;
  const simdact_params p = PReluParams(alpha, channels, inner);
  return simdact_forward(SIMDACT_PRELU, &p, x, y, n);
}

simdact_status simdact_prelu_backward(const float* x, const float* alpha,
                                      const float* dy, float* dx, float* dalpha,
                                      size_t outer, size_t channels,
                                      size_t inner) {
  using namespace simdact::internal;
  size_t n;
  simdact_status s = ShapeCount(outer, channels, inner, &n);
  if (s != SIMDACT_OK) return s;
  if (dalpha == nullptr || channels == 0) {
    if (n == 0) return SIMDACT_OK;
    const simdact_params p = PReluParams(alpha, channels, inner);
    return simdact_backward(SIMDACT_PRELU, &p, x, dy, dx, n);
  }
  // With dalpha: the generic checks, plus dalpha's own.
  if (alpha == nullptr) return SIMDACT_ERROR_NULL_POINTER;
  if (n > 0 && (x == nullptr || dy == nullptr || dx == nullptr)) {
    return SIMDACT_ERROR_NULL_POINTER;
  }
  if (TooLarge(n) || TooLarge(2 * channels)) return SIMDACT_ERROR_SIZE_OVERFLOW;
  const simdact_params p = PReluParams(alpha, channels, inner);
  size_t rows;
  s = CheckParams(SIMDACT_PRELU, p, n, &rows);
  if (s != SIMDACT_OK) return s;
  const Buffer dalpha_buf{dalpha, channels};
  if (BadOverlap({dx, n}, {{x, n}, {dy, n}, {alpha, channels}}, dy) ||
      BadOverlap(dalpha_buf, {{x, n}, {dy, n}, {dx, n}, {alpha, channels}},
                 nullptr)) {
    return SIMDACT_ERROR_OVERLAP;
  }
  std::vector<double> sums(channels, 0.0);
  std::vector<float> scratch(inner == 1 ? 2 * channels : 0, 0.0f);
  PReluArgs args = MakePReluArgs(kBackward, p, x, dy, dx, outer);
  args.dalpha = sums.data();
  args.scratch = scratch.data();
  if (n > 0) Kernels().prelu(args);
  for (size_t c = 0; c < channels; ++c) dalpha[c] = static_cast<float>(sums[c]);
  return SIMDACT_OK;
}

static simdact_status RowsCall(simdact_activation act, Kind kind,
                               const float* in, const float* dy, float* out,
                               size_t rows, size_t cols) {
  size_t n;
  const simdact_status s = ShapeCount(rows, cols, 1, &n);
  if (s != SIMDACT_OK) return s;
  simdact_params p = simdact_default_params(act);
  p.softmax_cols = cols;
  return simdact::internal::Run(act, &p, kind, in, dy, out, n);
}

static simdact_status SoftmaxCall(Kind kind, const float* in, const float* dy,
                                  float* out, size_t rows, size_t cols) {
  return RowsCall(SIMDACT_SOFTMAX, kind, in, dy, out, rows, cols);
}

simdact_status simdact_log_softmax(const float* x, float* y, size_t rows,
                                   size_t cols) {
  return RowsCall(SIMDACT_LOG_SOFTMAX, simdact::internal::kForward, x, nullptr,
                  y, rows, cols);
}

simdact_status simdact_log_softmax_backward(const float* x, const float* dy,
                                            float* dx, size_t rows,
                                            size_t cols) {
  return RowsCall(SIMDACT_LOG_SOFTMAX, simdact::internal::kBackward, x, dy, dx,
                  rows, cols);
}

simdact_status simdact_log_softmax_backward_from_output(const float* y,
                                                        const float* dy,
                                                        float* dx, size_t rows,
                                                        size_t cols) {
  return RowsCall(SIMDACT_LOG_SOFTMAX, simdact::internal::kBackwardFromOutput,
                  y, dy, dx, rows, cols);
}

simdact_status simdact_softmax(const float* x, float* y, size_t rows,
                               size_t cols) {
  return SoftmaxCall(simdact::internal::kForward, x, nullptr, y, rows, cols);
}

simdact_status simdact_softmax_backward(const float* x, const float* dy,
                                        float* dx, size_t rows, size_t cols) {
  return SoftmaxCall(simdact::internal::kBackward, x, dy, dx, rows, cols);
}

simdact_status simdact_softmax_backward_from_output(const float* y,
                                                    const float* dy, float* dx,
                                                    size_t rows, size_t cols) {
  return SoftmaxCall(simdact::internal::kBackwardFromOutput, y, dy, dx, rows,
                     cols);
}

simdact_status simdact_softmax_jacobian(const float* x, size_t n,
                                        float* jacobian) {
  using namespace simdact::internal;
  size_t nn;
  if (__builtin_mul_overflow(n, n, &nn) || TooLarge(nn)) {
    return SIMDACT_ERROR_SIZE_OVERFLOW;
  }
  if (n == 0) return SIMDACT_OK;
  if (x == nullptr || jacobian == nullptr) return SIMDACT_ERROR_NULL_POINTER;
  if (Overlap({jacobian, nn}, {x, n})) return SIMDACT_ERROR_OVERLAP;
  std::vector<float> y(n);
  Kernels().softmax(kForward, x, nullptr, y.data(), 1, n);
  // J_ij = y_i (delta_ij - y_j): the product y_i y_j is rounded once, and
  // the diagonal y_i - y_i^2 is computed as y_i (1 - y_i).
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      jacobian[i * n + j] = i == j ? y[i] * (1.0f - y[i]) : -y[i] * y[j];
    }
  }
  return SIMDACT_OK;
}

size_t simdact_compiled_targets(const char** names, size_t capacity) {
  size_t count;
  simdact::internal::ListTargets(false, names, capacity, &count);
  return count;
}

size_t simdact_supported_targets(const char** names, size_t capacity) {
  size_t count;
  simdact::internal::ListTargets(true, names, capacity, &count);
  return count;
}

const char* simdact_active_target(void) {
  return simdact::internal::ActiveTarget().name.c_str();
}

simdact_status simdact_set_target(const char* name) {
  if (name == nullptr) return SIMDACT_ERROR_NULL_POINTER;
  const simdact::internal::Target* target;
  const simdact_status s = simdact::internal::FindTarget(name, &target);
  if (s != SIMDACT_OK) return s;
  simdact::internal::SetActiveTarget(target);
  return SIMDACT_OK;
}

}  // extern "C"
