/* simdact: SIMD activation functions with forward, derivative and backward
 * kernels over float buffers. C API (C99 and C++).
 *
 * Every entry point validates its arguments first and returns a status; on
 * any error it writes nothing. Buffers need no alignment; n may be 0.
 *
 * Aliasing: the output of a forward or derivative call may be the very same
 * buffer as its input (in place); the dx of a backward call may be the very
 * same buffer as dy. Any other overlap between an output and an input (or
 * between two outputs) is rejected with SIMDACT_ERROR_OVERLAP.
 *
 * Backward kernels compute dx = dy * f'(.) in IEEE arithmetic, so a NaN or
 * infinite dy is never silently turned into 0 (inf * 0 = NaN).
 */
#ifndef SIMDACT_SIMDACT_H_
#define SIMDACT_SIMDACT_H_

#include <stddef.h>

#include "simdact/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum simdact_status {
  SIMDACT_OK = 0,
  SIMDACT_ERROR_NULL_POINTER = 1,       /* a buffer is NULL and n > 0 */
  SIMDACT_ERROR_UNKNOWN_ACTIVATION = 2, /* enum value or name not known */
  SIMDACT_ERROR_INVALID_PARAMETER = 3,  /* e.g. alpha not finite */
  SIMDACT_ERROR_SIZE_OVERFLOW = 4,      /* a size product overflows size_t */
  SIMDACT_ERROR_UNDEFINED = 5,          /* e.g. backward from output where
                                           f' cannot be written in y */
  SIMDACT_ERROR_OVERLAP = 6,            /* buffers overlap other than allowed */
  SIMDACT_ERROR_SHAPE = 7,              /* n does not match the shape */
  SIMDACT_ERROR_UNKNOWN_TARGET = 8,     /* target name not compiled in */
  SIMDACT_ERROR_UNSUPPORTED_TARGET = 9  /* compiled, but this CPU lacks it */
} simdact_status;

/* A short English description of a status, never NULL. */
SIMDACT_API const char* simdact_status_string(simdact_status status);

typedef enum simdact_activation {
  SIMDACT_RELU = 1,
  SIMDACT_LEAKY_RELU = 2,
  SIMDACT_PRELU = 3,
  SIMDACT_ELU = 4,
  SIMDACT_SIGMOID = 5,
  SIMDACT_TANH = 6,
  SIMDACT_SOFTMAX = 7,
  /* Added in issue 5. Parameters are named as in simdact_params. */
  SIMDACT_SILU = 8,          /* x * sigmoid(beta x); "swish" */
  SIMDACT_GELU = 9,          /* x * Phi(x), exact (erf): PyTorch
                                gelu(approximate='none'), Keras gelu */
  SIMDACT_GELU_TANH = 10,    /* gelu(approximate='tanh') */
  SIMDACT_MISH = 11,         /* x * tanh(softplus(x)) */
  SIMDACT_SOFTPLUS = 12,     /* log(1 + e^(beta x)) / beta */
  SIMDACT_SOFTSIGN = 13,     /* x / (1 + |x|) */
  SIMDACT_SELU = 14,         /* scale * elu(x, alpha), fixed constants */
  SIMDACT_CELU = 15,         /* max(0,x) + min(0, alpha expm1(x/alpha)) */
  SIMDACT_HARD_SIGMOID = 16, /* relu6(x + 3) / 6 */
  SIMDACT_HARD_SWISH = 17,   /* x relu6(x + 3) / 6 */
  SIMDACT_RELU6 = 18,        /* min(max(x, 0), 6) */
  SIMDACT_HARDTANH = 19,     /* min(max(x, alpha), beta) */
  SIMDACT_LOG_SIGMOID = 20,  /* log(sigmoid(x)) = -softplus(-x) */
  SIMDACT_TANHSHRINK = 21,   /* x - tanh x */
  SIMDACT_SOFTSHRINK = 22,   /* x -+ alpha where |x| > alpha, else 0 */
  SIMDACT_HARDSHRINK = 23,   /* x where |x| > alpha, else 0 */
  SIMDACT_EXPONENTIAL = 24,  /* e^x */
  SIMDACT_LINEAR = 25,       /* x */
  SIMDACT_LOG_SOFTMAX = 26,  /* (x - max) - log sum e^(x - max), per row of
                                params.softmax_cols (PyTorch dim=-1) */
  /* 27..33: piecewise activations (parameters in simdact_params). 34, 35:
   * row operations along the middle axis of [outer, softmax_cols,
   * softmax_inner] (see simdact_glu and simdact_sparsemax). */
  SIMDACT_RELU_GENERAL = 27,         /* Keras relu(x, negative_slope,
                                        max_value, threshold): x > threshold:
                                        x (clipped to [0, max_value] when
                                        max_value is finite), else
                                        negative_slope (x - threshold) */
  SIMDACT_HARD_SIGMOID_GENERAL = 28, /* clamp(a x + b, 0, 1) */
  SIMDACT_THRESHOLD = 29,            /* x > threshold ? x : value */
  SIMDACT_SQUAREPLUS = 30,           /* (x + sqrt(x^2 + b)) / 2 */
  SIMDACT_SPARSE_PLUS = 31,          /* 0, (x + 1)^2 / 4, x */
  SIMDACT_SPARSE_SIGMOID = 32,       /* clamp((x + 1) / 2, 0, 1) */
  SIMDACT_RRELU = 33,                /* eval mode: slope (lower + upper) / 2 */
  SIMDACT_GLU = 34,                  /* a * sigmoid(b), [a, b] = split(x) */
  SIMDACT_SPARSEMAX = 35             /* max(x - tau, 0), sum = 1 per row */
} simdact_activation;

/* Parameters of an activation. Start from simdact_default_params(). */
typedef struct simdact_params {
  /* LeakyReLU: negative slope (default 0.01 as PyTorch; Keras' LeakyReLU
   * layer defaults to 0.3). ELU: alpha (default 1). Must be finite.
   * CELU: alpha (default 1), finite and > 0 (PyTorch also takes alpha < 0;
   * simdact does not). HardTanh: min_val (default -1).
   * SoftShrink, HardShrink: lambda (default 0.5), finite and >= 0.
   * ReluGeneral: negative_slope (default 0), finite.
   * HardSigmoidGeneral: the slope a (default 0.2, as ONNX and Keras 2),
   * finite. Threshold: value, the output at and below the threshold
   * (default 0), finite. Squareplus: b (default 4, as Keras), finite and
   * >= 0 (b = 0 is ReLU). RReLU: lower (default 1/8), finite.
   * Ignored by the others (SELU's alpha and scale are fixed constants). */
  float alpha;
  /* PReLU: one slope per channel, over a tensor of shape
   * [n / (channels * inner), channels, inner]; NCHW has inner = H*W,
   * channels-last has inner = 1, a single shared slope has channels = 1. */
  const float* prelu_alpha;
  size_t channels;
  size_t inner;
  /* Softmax, LogSoftmax: length of a row, the axis the function runs
   * along; see softmax_inner. */
  size_t softmax_cols;
  /* SiLU / swish: beta in x * sigmoid(beta x) (default 1, finite; PyTorch's
   * SiLU has no beta, tf.nn.silu / Keras swish use 1).
   * Softplus: beta (default 1, finite and > 0).
   * HardTanh: max_val (default 1, finite and > alpha = min_val).
   * ReluGeneral: max_value, > 0, or +inf (the default) for Keras' None.
   * HardSigmoidGeneral: the offset b (default 0.5), finite.
   * RReLU: upper (default 1/3), finite and >= alpha = lower. */
  float beta;
  /* Softplus: where beta x > threshold the result is x (default 20, as
   * PyTorch; not NaN). ReluGeneral: threshold (default 0), finite.
   * Threshold: threshold (default 0), finite. Ignored by the others. */
  float threshold;
  /* Row operations (Softmax, LogSoftmax, GLU, Sparsemax) view the tensor as
   * [outer, softmax_cols, inner] and work along the middle axis: PyTorch
   * dim=k / Keras axis=k with inner = the product of the sizes after k.
   * inner 0 or 1 (the default) is the last axis. n must be a multiple of
   * softmax_cols * inner (else SIMDACT_ERROR_SHAPE; a product that
   * overflows: SIMDACT_ERROR_SIZE_OVERFLOW); outer = n / (cols * inner). */
  size_t softmax_inner;
  /* Softmax, LogSoftmax: y = f(x / temperature), default 1, finite and > 0
   * (else SIMDACT_ERROR_INVALID_PARAMETER: zero-initialised params are
   * rejected, start from simdact_default_params). Same accuracy as T = 1:
   * x - max is divided by T in two floats. Backward: dx = y (dy - sum(dy y))
   * / T, log-softmax (dy - e^y sum(dy)) / T. T = 1 runs the plain kernels. */
  float temperature;
  /* Softmax, LogSoftmax: nonzero makes a row whose elements are all -inf
   * give zeros (softmax, as PyTorch's _safe_softmax and oneDNN's
   * inf_as_zero) or -inf (log-softmax, the log of those zeros), with a zero
   * gradient (from x and from y; a NaN or inf dy in the row still gives NaN,
   * 0 * inf) instead of NaN. Rows with NaN or +inf still give NaN. */
  int softmax_safe;
} simdact_params;

/* Defaults as PyTorch: alpha = 0.01 for LeakyReLU, 1 for ELU and CELU,
 * 0.5 for SoftShrink and HardShrink; HardTanh alpha = -1, beta = 1; SiLU
 * beta = 1; Softplus beta = 1, threshold = 20; RReLU alpha = 1/8,
 * beta = 1/3; Threshold 0 and 0. As Keras: ReluGeneral alpha = 0,
 * beta = +inf (no max_value), threshold = 0; Squareplus alpha = 4; as ONNX:
 * HardSigmoidGeneral alpha = 0.2, beta = 0.5. Softmax and LogSoftmax
 * temperature = 1 (softmax_inner 0: the last axis; not safe). PReLU and
 * Softmax shapes are 0 and must be set. Unknown activation: all zero. */
SIMDACT_API simdact_params simdact_default_params(simdact_activation act);

/* Keras / PyTorch names: "relu", "leaky_relu", "prelu", "elu", "sigmoid",
 * "tanh", "softmax", "silu", "gelu", "gelu_tanh", "mish", "softplus",
 * "softsign", "selu", "celu", "hard_sigmoid", "hard_swish", "relu6",
 * "hardtanh", "log_sigmoid", "tanhshrink", "softshrink", "hardshrink",
 * "exponential", "linear", "log_softmax", "relu_general",
 * "hard_sigmoid_general", "threshold", "squareplus", "sparse_plus",
 * "sparse_sigmoid", "rrelu", "glu", "sparsemax" (the canonical names), and
 * the aliases "logsoftmax", "keras_relu", "leakyrelu", "swish", "hardsigmoid",
 * "hardswish", "hard_silu", "hard_tanh", "logsigmoid", "gelu_approximate_tanh",
 * "gelu_erf" (case-insensitive). Writes the activation to *act. Where Keras
 * differs from PyTorch: "gelu" is the exact form (PyTorch's default, Keras'
 * gelu(approximate=False), Keras' default); "gelu_tanh" is PyTorch's
 * gelu(approximate='tanh') and Keras' gelu(approximate=True); Keras 3
 * "hard_sigmoid" is relu6(x + 3) / 6 as here (Keras 2 used 0.2 x + 0.5, which
 * is "hard_sigmoid_general" with its defaults). Piecewise ones: "relu_general"
 * (alias "keras_relu": Keras' relu with its three parameters),
 * "hard_sigmoid_general", "threshold" (PyTorch nn.Threshold), "squareplus",
 * "sparse_plus", "sparse_sigmoid" (Keras 3), "rrelu" (PyTorch, evaluation
 * mode). relu_general follows Keras' arithmetic with two documented exceptions:
 * Keras computes x * (x > threshold), which is NaN at x = -inf when
 * threshold != 0 (here 0, or -slope * inf); and max_value = +inf means
 * None (Keras' clip to [0, +inf] would zero negative x in (threshold, 0]).
 * Keras' own quirk is kept: with threshold < 0 and a finite max_value,
 * x in (threshold, 0] gives 0 (clip), without max_value x itself.
 * squareplus and sparse_plus are written without the cancellation of
 * Keras' float formulas (x + sqrt(x^2 + b) for x << 0). */
SIMDACT_API simdact_status
simdact_activation_from_name(const char* name, simdact_activation* act);
/* The canonical name, or NULL for an unknown value. */
SIMDACT_API const char* simdact_activation_name(simdact_activation act);

/* y = f(x). Softmax, LogSoftmax: along the middle axis of [n / (cols *
 * inner), cols, inner] (cols = params->softmax_cols, inner =
 * params->softmax_inner), of x / params->temperature, with
 * params->softmax_safe; this and simdact_backward{,_from_output} are the
 * entry points for those options (simdact_softmax etc. are the last axis
 * with the defaults). */
SIMDACT_API simdact_status simdact_forward(simdact_activation act,
                                           const simdact_params* params,
                                           const float* x, float* y, size_t n);

/* d = f'(x), element-wise. Conventions as PyTorch: relu'(0) = 0,
 * leaky_relu'(0) = prelu'(0) = alpha, elu'(0) = alpha, selu'(0) =
 * scale * alpha, celu'(0) = 1; relu6, hardtanh, hard_sigmoid: 0 at both
 * kinks; hard_swish'(-3) = -0.5, hard_swish'(3) = 1.5; softshrink and
 * hardshrink: 0 at +-lambda; softplus: 1 where beta x > threshold;
 * relu_general: negative_slope at x <= threshold (so at the threshold), 1
 * where x passes through (0 < x < max_value with a max_value), else 0;
 * hard_sigmoid_general: a where 0 < a x + b < 1 (as rounded to float),
 * 0 at the kinks; threshold: 0 at the threshold (threshold_backward);
 * sparse_sigmoid: 0 at +-1; sparse_plus' is continuous (0, (x + 1)/2, 1);
 * squareplus with b = 0 (ReLU): 0 at 0; rrelu: as leaky_relu.
 * Softmax has no element-wise derivative: SIMDACT_ERROR_UNDEFINED; use
 * simdact_softmax_jacobian. */
SIMDACT_API simdact_status simdact_derivative(simdact_activation act,
                                              const simdact_params* params,
                                              const float* x, float* d,
                                              size_t n);

/* dx = dy * f'(x), from the input x. Softmax: dx = y * (dy - sum(dy * y))
 * per row, y = softmax(x). PReLU: dx only; see simdact_prelu_backward for
 * the gradient of alpha. */
SIMDACT_API simdact_status simdact_backward(simdact_activation act,
                                            const simdact_params* params,
                                            const float* x, const float* dy,
                                            float* dx, size_t n);

/* dx = dy * f'(x) written in the output y = f(x). Defined for ReLU,
 * LeakyReLU and PReLU with alpha >= 0, ELU with alpha >= 0, Sigmoid
 * (y(1-y)), Tanh (1-y^2), Softmax, Softplus (1 - e^(-beta y)), SoftSign
 * ((1-|y|)^2), SELU, CELU (y/alpha + 1 for y <= 0), HardSigmoid, ReLU6,
 * HardTanh, LogSigmoid (-expm1(y)), SoftShrink and HardShrink (y != 0),
 * Exponential (y) and Linear; ReluGeneral with threshold 0 and
 * negative_slope >= 0, RReLU with (lower + upper) / 2 >= 0,
 * HardSigmoidGeneral (a where 0 < y < 1), Squareplus
 * (4y^2 / (4y^2 + b)), SparsePlus (0, sqrt(y), 1), SparseSigmoid (1/2
 * where 0 < y < 1). Not defined (SIMDACT_ERROR_UNDEFINED) for the
 * non-monotonic SiLU, GELU, GELU-tanh, Mish and HardSwish, for
 * TanhShrink (tanh^2 x has no closed form in y), for Threshold (constant
 * below the threshold) and for ReluGeneral with a threshold or a negative
 * slope. */
SIMDACT_API simdact_status simdact_backward_from_output(
    simdact_activation act, const simdact_params* params, const float* y,
    const float* dy, float* dx, size_t n);

/* --- Shaped entry points ------------------------------------------------ */

/* PReLU over x of shape [outer, channels, inner] with alpha[channels]. */
SIMDACT_API simdact_status simdact_prelu(const float* x, const float* alpha,
                                         float* y, size_t outer,
                                         size_t channels, size_t inner);
/* dx = dy * f'(x) and, if dalpha is not NULL,
 * dalpha[c] = sum over outer and inner of dy * x where x <= 0 (NaN x
 * propagates). dalpha is overwritten, not accumulated into. */
SIMDACT_API simdact_status simdact_prelu_backward(
    const float* x, const float* alpha, const float* dy, float* dx,
    float* dalpha, size_t outer, size_t channels, size_t inner);

/* Softmax over each of `rows` rows of `cols` elements (the defaults; for
 * any axis, a temperature or the safe option use simdact_forward with
 * simdact_params). */
SIMDACT_API simdact_status simdact_softmax(const float* x, float* y,
                                           size_t rows, size_t cols);
SIMDACT_API simdact_status simdact_softmax_backward(const float* x,
                                                    const float* dy, float* dx,
                                                    size_t rows, size_t cols);
SIMDACT_API simdact_status simdact_softmax_backward_from_output(
    const float* y, const float* dy, float* dx, size_t rows, size_t cols);
/* The Jacobian of softmax over one row x[n]: jacobian[i*n + j] =
 * y_i (delta_ij - y_j). Meant for small rows (n*n floats are written). */
/* Log-softmax over each row: y = (x - max) - log sum exp(x - max), <= 2 ULP
 * (also for a row dominated by one element, whose y is near 0); a row with
 * NaN or +inf, or all -inf, gives NaN. Backward: dx = dy - exp(y) sum(dy). */
SIMDACT_API simdact_status simdact_log_softmax(const float* x, float* y,
                                               size_t rows, size_t cols);
SIMDACT_API simdact_status simdact_log_softmax_backward(const float* x,
                                                        const float* dy,
                                                        float* dx, size_t rows,
                                                        size_t cols);
SIMDACT_API simdact_status simdact_log_softmax_backward_from_output(
    const float* y, const float* dy, float* dx, size_t rows, size_t cols);
SIMDACT_API simdact_status simdact_softmax_jacobian(const float* x, size_t n,
                                                    float* jacobian);

/* GLU (PyTorch F.glu(x, dim), Keras glu(x, axis)) over x of shape
 * [outer, cols, inner] along the middle axis (inner 0 means 1, the last
 * axis): a = the first cols/2 along the axis, b = the rest,
 * y = a * sigmoid(b) of shape [outer, cols/2, inner]. cols must be even
 * (else SIMDACT_ERROR_SHAPE). Forward <= 3 ULP. Backward from x: dy has y's
 * shape, dx x's: dx_a = dy sigmoid(b), dx_b = dy a sigmoid(b)(1 -
 * sigmoid(b)), <= 4 ULP; dx_a does not depend on a (a NaN a does not reach
 * it, as in PyTorch). No derivative kind and no backward from the output
 * (SIMDACT_ERROR_UNDEFINED). y and dx may not overlap any input
 * (SIMDACT_ERROR_OVERLAP), not even in place.
 * Names "glu" and "sparsemax". Both also run through simdact_forward /
 * simdact_backward (/ _from_output for Sparsemax) with params.softmax_cols =
 * the axis length and params.softmax_inner = inner; for GLU n is x's size
 * and y (forward) and dy (backward) have n / 2 elements. */
SIMDACT_API simdact_status simdact_glu(const float* x, float* y, size_t outer,
                                       size_t cols, size_t inner);
SIMDACT_API simdact_status simdact_glu_backward(const float* x, const float* dy,
                                                float* dx, size_t outer,
                                                size_t cols, size_t inner);
/* Sparsemax (Martins & Astudillo 2016; Keras sparsemax(x, axis)) along the
 * middle axis of [outer, cols, inner]: y = max(x - tau, 0) with tau such
 * that y sums to 1. |y - exact| <= 1 ULP(y) + 2^-20 ULP(max(max|x|, 1)).
 * A NaN or +inf anywhere in a row, or a row of all -inf, gives a row of NaN
 * (as softmax); -inf elements among finite ones give 0. Backward:
 * dx_i = [y_i > 0] (dy_i - mean of dy over {y > 0}), the indicator
 * multiplying in IEEE arithmetic (as TF Addons; PyTorch's entmax writes
 * exact zeros off the support even for a NaN dy there); from x the support
 * is recomputed. In place allowed (y = x; dx = dy). No derivative kind
 * (SIMDACT_ERROR_UNDEFINED). */
SIMDACT_API simdact_status simdact_sparsemax(const float* x, float* y,
                                             size_t outer, size_t cols,
                                             size_t inner);
SIMDACT_API simdact_status simdact_sparsemax_backward(const float* x,
                                                      const float* dy,
                                                      float* dx, size_t outer,
                                                      size_t cols,
                                                      size_t inner);
SIMDACT_API simdact_status simdact_sparsemax_backward_from_output(
    const float* y, const float* dy, float* dx, size_t outer, size_t cols,
    size_t inner);

/* --- Targets (instruction sets) ------------------------------------------
 * Names are Highway's, lower case: "avx3", "avx2", "sse4", "ssse3",
 * "neon", "sve", "sve2", "sve_256", "sve2_128", "scalar" or "emu128"; plus
 * "reference", the scalar double-precision oracle. The environment variable
 * SIMDACT_TARGET forces a target at start-up; an unknown or unsupported
 * name there is reported on stderr and aborts, rather than silently
 * running another target. */

/* Fill names[0..capacity) with the targets compiled into the library, best
 * first, "reference" last; returns how many there are (names may be NULL to
 * only count). */
SIMDACT_API size_t simdact_compiled_targets(const char** names,
                                            size_t capacity);
/* Same for the compiled targets this CPU can run. */
SIMDACT_API size_t simdact_supported_targets(const char** names,
                                             size_t capacity);
/* The target every call goes to now. */
SIMDACT_API const char* simdact_active_target(void);
/* Route every call to `name` (case-insensitive), or "auto" for the best
 * supported target. Unknown name: SIMDACT_ERROR_UNKNOWN_TARGET; compiled
 * but not runnable here: SIMDACT_ERROR_UNSUPPORTED_TARGET. Process-wide;
 * safe to call from any thread, but calls in flight may use either. */
SIMDACT_API simdact_status simdact_set_target(const char* name);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SIMDACT_SIMDACT_H_ */
