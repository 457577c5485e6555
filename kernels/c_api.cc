// The C API: validates every argument, then calls the active target's
// kernels. Nothing is written unless every check passes.
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
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

const KernelSet& Kernels() { return ActiveTarget().kernels; }

bool IsElementwise(simdact_activation act) {
  return act == SIMDACT_RELU || act == SIMDACT_LEAKY_RELU ||
         act == SIMDACT_ELU || act == SIMDACT_SIGMOID || act == SIMDACT_TANH ||
         (act >= SIMDACT_SILU && act <= SIMDACT_LINEAR) ||
         (act >= SIMDACT_RELU_GENERAL && act <= SIMDACT_RRELU);
}

bool IsRowwise(simdact_activation act) {
  return act == SIMDACT_SOFTMAX || act == SIMDACT_LOG_SOFTMAX;
}

// GLU and Sparsemax: along the middle axis of [outer, cols, inner].
bool IsAxisOp(simdact_activation act) {
  return act == SIMDACT_GLU || act == SIMDACT_SPARSEMAX;
}

bool IsKnown(simdact_activation act) {
  return IsElementwise(act) || act == SIMDACT_PRELU || IsRowwise(act) ||
         IsAxisOp(act);
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
    case SIMDACT_GLU:        // a and b cannot be recovered from a * sigmoid(b)
    case SIMDACT_THRESHOLD:  // constant below the threshold
      return false;
    // Monotonic (y <= 0 exactly where x <= 0) only for threshold 0 and
    // slope >= 0.
    case SIMDACT_RELU_GENERAL:
      return p.threshold == 0.0f && p.alpha >= 0.0f;
    case SIMDACT_RRELU:
      return static_cast<float>((static_cast<double>(p.alpha) + p.beta) /
                                2.0) >= 0.0f;
    default:
      return true;
  }
}

// The inner size of a row operation: 0 and 1 both mean the last axis.
size_t RowsInner(const simdact_params& p) {
  return p.softmax_inner > 1 ? p.softmax_inner : 1;
}

SoftmaxArgs MakeSoftmaxArgs(Kind kind, const simdact_params& p, const float* in,
                            const float* dy, float* out, size_t outer) {
  return SoftmaxArgs{kind,
                     in,
                     dy,
                     out,
                     outer,
                     p.softmax_cols,
                     RowsInner(p),
                     p.temperature,
                     p.softmax_safe != 0};
}

// The parameters of an element-wise activation (the others have none).
simdact_status CheckElementwiseParams(simdact_activation act,
                                      const simdact_params& p) {
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
    // Piecewise activations (kernels/piecewise-inl.h).
    case SIMDACT_RELU_GENERAL:  // max_value: > 0, +inf for None
      if (!(isfinite(p.alpha) && isfinite(p.threshold) && p.beta > 0.0f)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_HARD_SIGMOID_GENERAL:
      if (!(isfinite(p.alpha) && isfinite(p.beta))) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_THRESHOLD:
      if (!(isfinite(p.alpha) && isfinite(p.threshold))) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_SQUAREPLUS:
      if (!(isfinite(p.alpha) && p.alpha >= 0.0f)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    case SIMDACT_RRELU:  // lower = alpha <= upper = beta
      if (!(isfinite(p.alpha) && isfinite(p.beta) && p.alpha <= p.beta)) {
        return SIMDACT_ERROR_INVALID_PARAMETER;
      }
      break;
    default:
      break;
  }
  return SIMDACT_OK;
}

// The shape [outer, block] of a tensor of n floats: *outer = n / block, with
// no division for a single block. block == 0 fits only n == 0.
simdact_status SplitIntoBlocks(size_t n, size_t block, size_t* outer) {
  *outer = block == 0 ? 0 : n == block ? 1 : n / block;
  return *outer * block == n ? SIMDACT_OK : SIMDACT_ERROR_SHAPE;
}

// The shape of a row or axis operation, [outer, softmax_cols, inner]: on
// success *outer is the number of rows.
simdact_status CheckAxisShape(const simdact_params& p, size_t n,
                              size_t* outer) {
  size_t block;
  if (MulOverflows(p.softmax_cols, RowsInner(p), &block)) {
    return SIMDACT_ERROR_SIZE_OVERFLOW;
  }
  return SplitIntoBlocks(n, block, outer);
}

// PReLU's shape [outer, channels, inner] and slopes: on success *outer is
// the number of blocks. The slopes are checked on every call with channels
// and inner > 0 (an empty block fits only n = 0, and has no slopes to read).
simdact_status CheckPReluParams(const simdact_params& p, size_t n,
                                size_t* outer) {
  size_t block;
  if (MulOverflows(p.channels, p.inner, &block)) {
    return SIMDACT_ERROR_SIZE_OVERFLOW;
  }
  const simdact_status shape = SplitIntoBlocks(n, block, outer);
  if (shape != SIMDACT_OK || block == 0) return shape;
  if (p.prelu_alpha == nullptr) return SIMDACT_ERROR_NULL_POINTER;
  if (!Kernels().all_finite(p.prelu_alpha, p.channels)) {
    return SIMDACT_ERROR_INVALID_PARAMETER;
  }
  return SIMDACT_OK;
}

PReluArgs MakePReluArgs(Kind kind, const simdact_params& p, const float* in,
                        const float* dy, float* out, size_t outer) {
  return PReluArgs{kind,  in,         dy,      out,    p.prelu_alpha,
                   outer, p.channels, p.inner, nullptr};
}

bool IsBackward(Kind kind) {
  return kind == kBackward || kind == kBackwardFromOutput;
}

// The checks every call makes first: n floats must be addressable, and
// the buffers it reads and writes must be given.
simdact_status CheckBuffers(Kind kind, const float* in, const float* dy,
                            const float* out, size_t n) {
  if (TooLarge(n)) return SIMDACT_ERROR_SIZE_OVERFLOW;
  if (n > 0 && (in == nullptr || out == nullptr ||
                (IsBackward(kind) && dy == nullptr))) {
    return SIMDACT_ERROR_NULL_POINTER;
  }
  return SIMDACT_OK;
}

#define SIMDACT_ALWAYS_INLINE inline __attribute__((always_inline))

// Whether out overlaps an input of n floats other than by being the very
// same buffer as in (forward kinds) or dy (backward kinds).
SIMDACT_ALWAYS_INLINE bool BadOutputOverlap(Kind kind, const float* in,
                                            const float* dy, const float* out,
                                            size_t n) {
  const Buffer out_buf{out, n};
  return IsBackward(kind) ? BadOverlap(out_buf, {{in, n}, {dy, n}}, dy)
                          : BadOverlap(out_buf, {{in, n}}, in);
}

// Each family of activations has its own Run, which makes the family's
// checks in this order: parameters, shape, kind (UNDEFINED), overlap; then
// n == 0 returns. Small calls are common (one layer of a small model), and
// one general body for every family cost several ns a call: a softmax
// backward from y over 16 floats took 24.4 ns through it, against 12.3 for
// the kernel alone and 18.3 through RunRows; a PReLU forward over 64 floats
// 17.6 ns, 15.4 through RunPRelu (Zen 4, avx3). Each is a function of its
// own, with its own prologue: inlined together into RunKnown, a tanh
// backward from y over 16 floats took 13.5 ns instead of 11.1.
#define SIMDACT_NOINLINE __attribute__((noinline))

// Element-wise activations. A ReLU of 64 floats through the C API took
// 3.3 ns more than the kernel called directly, where the general path
// took 6.5 ns more (Zen 4, avx3; a 4 KiB ReLU takes about 45 ns in all).
// The kind is a template parameter, which leaves six arguments, all in
// registers, so the entry points jump here, and the kernel (parameters by
// value) is reached by a jump too: a call of 16 floats, relu forward 8.1-8.3
// -> 6.8-6.9 ns, tanh backward from y 9.8-10.0 -> 7.4-7.7 ns (avx3, call16/).
template <Kind kind>
SIMDACT_NOINLINE simdact_status RunElementwise(simdact_activation act,
                                               const simdact_params& params,
                                               const float* in, const float* dy,
                                               float* out, size_t n) {
  const simdact_status status = CheckElementwiseParams(act, params);
  if (status != SIMDACT_OK) return status;
  if (kind == kBackwardFromOutput && !DefinedFromOutput(act, params)) {
    return SIMDACT_ERROR_UNDEFINED;
  }
  if (BadOutputOverlap(kind, in, dy, out, n)) return SIMDACT_ERROR_OVERLAP;
  if (n == 0) return SIMDACT_OK;
  const ElementwiseParams ep{params.alpha, params.beta, params.threshold};
  static_assert(
      SIMDACT_RRELU < kElementwiseOpEnd && SIMDACT_LINEAR < kElementwiseOpEnd,
      "every element-wise activation has a row of kernels");
  return static_cast<simdact_status>(
      Kernels().elementwise[act][kind](ep, in, dy, out, n));
}

// RunElementwise for a kind known only at run time.
simdact_status RunElementwiseOfKind(simdact_activation act,
                                    const simdact_params& params, Kind kind,
                                    const float* in, const float* dy,
                                    float* out, size_t n) {
  switch (kind) {
    case kForward:
      return RunElementwise<kForward>(act, params, in, dy, out, n);
    case kDerivative:
      return RunElementwise<kDerivative>(act, params, in, dy, out, n);
    case kBackward:
      return RunElementwise<kBackward>(act, params, in, dy, out, n);
    case kBackwardFromOutput:
      break;
  }
  return RunElementwise<kBackwardFromOutput>(act, params, in, dy, out, n);
}

// Softmax and log-softmax, along the middle axis of [outer, cols, inner].
SIMDACT_NOINLINE simdact_status RunRows(simdact_activation act,
                                        const simdact_params& params, Kind kind,
                                        const float* in, const float* dy,
                                        float* out, size_t n) {
  if (!(isfinite(params.temperature) && params.temperature > 0.0f)) {
    return SIMDACT_ERROR_INVALID_PARAMETER;
  }
  size_t rows;
  const simdact_status shape = CheckAxisShape(params, n, &rows);
  if (shape != SIMDACT_OK) return shape;
  if (kind == kDerivative) return SIMDACT_ERROR_UNDEFINED;
  if (BadOutputOverlap(kind, in, dy, out, n)) return SIMDACT_ERROR_OVERLAP;
  if (n == 0) return SIMDACT_OK;
  const KernelSet& k = Kernels();
  (act == SIMDACT_SOFTMAX ? k.softmax : k.log_softmax)(
      MakeSoftmaxArgs(kind, params, in, dy, out, rows));
  return SIMDACT_OK;
}

// GLU and Sparsemax, along the middle axis of [outer, cols, inner].
SIMDACT_NOINLINE simdact_status RunAxisOp(simdact_activation act,
                                          const simdact_params& params,
                                          Kind kind, const float* in,
                                          const float* dy, float* out,
                                          size_t n) {
  size_t rows;
  const simdact_status shape = CheckAxisShape(params, n, &rows);
  if (shape != SIMDACT_OK) return shape;
  const bool glu = act == SIMDACT_GLU;
  // GLU halves the axis: it must be even.
  if (glu && params.softmax_cols % 2 != 0) return SIMDACT_ERROR_SHAPE;
  if (kind == kDerivative) return SIMDACT_ERROR_UNDEFINED;
  if (kind == kBackwardFromOutput && !DefinedFromOutput(act, params)) {
    return SIMDACT_ERROR_UNDEFINED;
  }
  // GLU's y and dy have n / 2 elements, and nothing may alias (the sizes
  // differ: an output on its input would be overwritten before it is read).
  if (glu) {
    const bool backward = IsBackward(kind);
    const Buffer out_buf{out, backward ? n : n / 2};
    if (backward ? BadOverlap(out_buf, {{in, n}, {dy, n / 2}}, nullptr)
                 : BadOverlap(out_buf, {{in, n}}, nullptr)) {
      return SIMDACT_ERROR_OVERLAP;
    }
  } else if (BadOutputOverlap(kind, in, dy, out, n)) {
    return SIMDACT_ERROR_OVERLAP;
  }
  if (n == 0) return SIMDACT_OK;
  const KernelSet& k = Kernels();
  (glu ? k.glu : k.sparsemax)(kind, in, dy, out, rows, params.softmax_cols,
                              RowsInner(params));
  return SIMDACT_OK;
}

// PReLU, one slope per channel of [outer, channels, inner].
SIMDACT_NOINLINE simdact_status RunPRelu(const simdact_params& params,
                                         Kind kind, const float* in,
                                         const float* dy, float* out,
                                         size_t n) {
  size_t outer;
  const simdact_status status = CheckPReluParams(params, n, &outer);
  if (status != SIMDACT_OK) return status;
  if (kind == kBackwardFromOutput &&
      !DefinedFromOutput(SIMDACT_PRELU, params)) {
    return SIMDACT_ERROR_UNDEFINED;
  }
  if (BadOutputOverlap(kind, in, dy, out, n) ||
      Overlap(Buffer{out, n}, Buffer{params.prelu_alpha, params.channels})) {
    return SIMDACT_ERROR_OVERLAP;
  }
  if (n == 0) return SIMDACT_OK;
  Kernels().prelu(MakePReluArgs(kind, params, in, dy, out, outer));
  return SIMDACT_OK;
}

// A known activation with its parameters: the buffers, then the family's
// own checks and kernel.
simdact_status RunKnown(simdact_activation act, const simdact_params& params,
                        Kind kind, const float* in, const float* dy, float* out,
                        size_t n) {
  const simdact_status buffers = CheckBuffers(kind, in, dy, out, n);
  if (buffers != SIMDACT_OK) return buffers;
  if (IsElementwise(act)) {
    return RunElementwiseOfKind(act, params, kind, in, dy, out, n);
  }
  if (IsRowwise(act)) return RunRows(act, params, kind, in, dy, out, n);
  if (IsAxisOp(act)) return RunAxisOp(act, params, kind, in, dy, out, n);
  return RunPRelu(params, kind, in, dy, out, n);
}

// The body of every entry point. Parameters null: the activation's
// defaults.
simdact_status Run(simdact_activation act, const simdact_params* params_or_null,
                   Kind kind, const float* in, const float* dy, float* out,
                   size_t n) {
  if (!IsKnown(act)) return SIMDACT_ERROR_UNKNOWN_ACTIVATION;
  if (params_or_null != nullptr) {
    return RunKnown(act, *params_or_null, kind, in, dy, out, n);
  }
  const simdact_params defaults = simdact_default_params(act);
  return RunKnown(act, defaults, kind, in, dy, out, n);
}

// The four generic entry points. The common calls, element-wise and
// softmax with their parameters given, go straight to their family's Run.
template <Kind kind>
simdact_status Entry(simdact_activation act, const simdact_params* params,
                     const float* in, const float* dy, float* out, size_t n) {
  if (IsElementwise(act) && params != nullptr) {
    const simdact_status buffers = CheckBuffers(kind, in, dy, out, n);
    if (buffers != SIMDACT_OK) return buffers;
    return RunElementwise<kind>(act, *params, in, dy, out, n);
  }
  if (IsRowwise(act) && params != nullptr) {
    const simdact_status buffers = CheckBuffers(kind, in, dy, out, n);
    if (buffers != SIMDACT_OK) return buffers;
    return RunRows(act, *params, kind, in, dy, out, n);
  }
  return Run(act, params, kind, in, dy, out, n);
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
    case SIMDACT_RELU_GENERAL:  // Keras: slope 0, max_value None, threshold 0
      p.beta = INFINITY;
      break;
    case SIMDACT_HARD_SIGMOID_GENERAL:  // ONNX, Keras 2
      p.alpha = 0.2f;
      p.beta = 0.5f;
      break;
    case SIMDACT_SQUAREPLUS:  // Keras: b = 4
      p.alpha = 4.0f;
      break;
    case SIMDACT_RRELU:  // PyTorch: lower 1/8, upper 1/3
      p.alpha = 1.0f / 8.0f;
      p.beta = 1.0f / 3.0f;
      break;
    case SIMDACT_SOFTMAX:
    case SIMDACT_LOG_SOFTMAX:
      p.temperature = 1.0f;
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
    {"glu", SIMDACT_GLU},
    {"sparsemax", SIMDACT_SPARSEMAX},
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
    {"relu_general", SIMDACT_RELU_GENERAL},
    {"hard_sigmoid_general", SIMDACT_HARD_SIGMOID_GENERAL},
    {"threshold", SIMDACT_THRESHOLD},
    {"squareplus", SIMDACT_SQUAREPLUS},
    {"sparse_plus", SIMDACT_SPARSE_PLUS},
    {"sparse_sigmoid", SIMDACT_SPARSE_SIGMOID},
    {"rrelu", SIMDACT_RRELU},
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
    {"keras_relu", SIMDACT_RELU_GENERAL},
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
  return simdact::internal::Entry<simdact::internal::kForward>(act, params, x,
                                                               nullptr, y, n);
}

simdact_status simdact_derivative(simdact_activation act,
                                  const simdact_params* params, const float* x,
                                  float* d, size_t n) {
  return simdact::internal::Entry<simdact::internal::kDerivative>(
      act, params, x, nullptr, d, n);
}

simdact_status simdact_backward(simdact_activation act,
                                const simdact_params* params, const float* x,
                                const float* dy, float* dx, size_t n) {
  return simdact::internal::Entry<simdact::internal::kBackward>(act, params, x,
                                                                dy, dx, n);
}

simdact_status simdact_backward_from_output(simdact_activation act,
                                            const simdact_params* params,
                                            const float* y, const float* dy,
                                            float* dx, size_t n) {
  return simdact::internal::Entry<simdact::internal::kBackwardFromOutput>(
      act, params, y, dy, dx, n);
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
  s = CheckPReluParams(p, n, &rows);
  if (s != SIMDACT_OK) return s;
  const Buffer dalpha_buf{dalpha, channels};
  if (BadOverlap({dx, n}, {{x, n}, {dy, n}, {alpha, channels}}, dy) ||
      BadOverlap(dalpha_buf, {{x, n}, {dy, n}, {dx, n}, {alpha, channels}},
                 nullptr)) {
    return SIMDACT_ERROR_OVERLAP;
  }
  // The kernel's double accumulators: on the stack for up to 1024 channels
  // (a heap allocation cost as much as the kernel on 1024 floats).
  double stack_sums[1024];
  std::vector<double> heap_sums;
  double* sums = stack_sums;
  if (channels > 1024) {
    heap_sums.resize(channels);
    sums = heap_sums.data();
  }
  std::fill(sums, sums + channels, 0.0);
  PReluArgs args = MakePReluArgs(kBackward, p, x, dy, dx, outer);
  args.dalpha = sums;
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

// GLU and Sparsemax over [outer, cols, inner]; inner 0 means 1.
static simdact_status AxisCall(simdact_activation act, Kind kind,
                               const float* in, const float* dy, float* out,
                               size_t outer, size_t cols, size_t inner) {
  size_t n;
  const simdact_status s = ShapeCount(outer, cols, inner > 1 ? inner : 1, &n);
  if (s != SIMDACT_OK) return s;
  simdact_params p = simdact_default_params(act);
  p.softmax_cols = cols;
  p.softmax_inner = inner;
  return simdact::internal::Run(act, &p, kind, in, dy, out, n);
}

simdact_status simdact_glu(const float* x, float* y, size_t outer, size_t cols,
                           size_t inner) {
  return AxisCall(SIMDACT_GLU, simdact::internal::kForward, x, nullptr, y,
                  outer, cols, inner);
}

simdact_status simdact_glu_backward(const float* x, const float* dy, float* dx,
                                    size_t outer, size_t cols, size_t inner) {
  return AxisCall(SIMDACT_GLU, simdact::internal::kBackward, x, dy, dx, outer,
                  cols, inner);
}

simdact_status simdact_sparsemax(const float* x, float* y, size_t outer,
                                 size_t cols, size_t inner) {
  return AxisCall(SIMDACT_SPARSEMAX, simdact::internal::kForward, x, nullptr, y,
                  outer, cols, inner);
}

simdact_status simdact_sparsemax_backward(const float* x, const float* dy,
                                          float* dx, size_t outer, size_t cols,
                                          size_t inner) {
  return AxisCall(SIMDACT_SPARSEMAX, simdact::internal::kBackward, x, dy, dx,
                  outer, cols, inner);
}

simdact_status simdact_sparsemax_backward_from_output(const float* y,
                                                      const float* dy,
                                                      float* dx, size_t outer,
                                                      size_t cols,
                                                      size_t inner) {
  return AxisCall(SIMDACT_SPARSEMAX, simdact::internal::kBackwardFromOutput, y,
                  dy, dx, outer, cols, inner);
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
  Kernels().softmax(
      SoftmaxArgs{kForward, x, nullptr, y.data(), 1, n, 1, 1.0f, false});
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
