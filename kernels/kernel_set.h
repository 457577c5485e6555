// The internal interface between the C API (c_api.cc) and the kernels: one
// KernelSet per Highway target (dispatch.cc) and one for the double-precision
// reference (reference.cc). Arguments are validated before they get here.
#ifndef SIMDACT_KERNELS_KERNEL_SET_H_
#define SIMDACT_KERNELS_KERNEL_SET_H_

#include <stddef.h>
#include <stdint.h>

#include <utility>

#include "simdact/export.h"

namespace simdact {
namespace internal {

// Which function of an activation to compute.
enum Kind : int {
  kForward = 0,             // out = f(in)
  kDerivative = 1,          // out = f'(in)
  kBackward = 2,            // out = dy * f'(x), in = x
  kBackwardFromOutput = 3,  // out = dy * f'(x) written in y, in = y
};

// Element-wise activations (values of simdact_activation).
enum ElementwiseOp : int {
  kRelu = 1,
  kLeakyRelu = 2,
  kElu = 4,
  kSigmoid = 5,
  kTanh = 6,
  // Issue 5 (kernels/more_activations-inl.h).
  kSilu = 8,
  kGelu = 9,
  kGeluTanh = 10,
  kMish = 11,
  kSoftplus = 12,
  kSoftsign = 13,
  kSelu = 14,
  kCelu = 15,
  kHardSigmoid = 16,
  kHardSwish = 17,
  kRelu6 = 18,
  kHardtanh = 19,
  kLogSigmoid = 20,
  kTanhshrink = 21,
  kSoftshrink = 22,
  kHardshrink = 23,
  kExponential = 24,
  kLinear = 25,
  kReluGeneral = 27,
  kHardSigmoidGeneral = 28,
  kThreshold = 29,
  kSquareplus = 30,
  kSparsePlus = 31,
  kSparseSigmoid = 32,
  kRrelu = 33,
};

// The scalar parameters of an element-wise activation (see simdact_params
// for which activation reads which).
struct ElementwiseParams {
  float alpha;
  float beta;
  float threshold;
};

struct PReluArgs {
  Kind kind;
  const float* in;
  const float* dy;  // backward kinds only
  float* out;
  const float* alpha;  // [channels]
  size_t outer, channels, inner;
  // kBackward only, may be null: receives sum of dy*x where !(x > 0), per
  // channel; zeroed by the caller.
  double* dalpha;
};

// Softmax and log-softmax along the middle axis of [outer, cols, inner].
struct SoftmaxArgs {
  int kind;  // kForward, kBackward or kBackwardFromOutput
  const float* in;
  const float* dy;  // backward kinds only
  float* out;
  size_t outer, cols, inner;  // inner >= 1; 1 is the last axis (rows)
  float temperature;          // f(x / temperature); finite, > 0
  // A row whose elements are all -inf gives 0 (softmax) or -inf
  // (log-softmax) and a zero gradient (NaN where dy is NaN or inf).
  bool safe;
};

// One element-wise activation (op) and kind over a buffer of n floats.
// Returns 0 (SIMDACT_OK) and takes the parameters by value (three floats,
// passed in registers), so that the C API can end with a tail call to it.
using ElementwiseKernel = int (*)(ElementwiseParams params, const float* in,
                                  const float* dy, float* out, size_t n);
// Its four kinds, indexed by Kind.
using ElementwiseKernelRow = ElementwiseKernel[4];
// The values of ElementwiseOp are below this.
constexpr int kElementwiseOpEnd = 34;
static_assert(kRrelu + 1 == kElementwiseOpEnd, "the largest ElementwiseOp");

// The table [op][kind] of a target's element-wise kernels, from K<kOp,
// kKind>::Run: each entry runs the loop of one activation and kind, so a
// call goes straight to it. Through one function per target with switches
// over the activation and the kind, a call of 16 floats took 9.4-10.8 ns
// (relu forward) and 11.0-11.3 ns (tanh backward from y); this way 8.0 and
// 9.3-9.9 (Zen 4, avx3; bench: call16/). The entries of op values that are
// not element-wise do nothing; the C API never calls them.
template <template <int, int> class K, int... kOps>
struct ElementwiseKernelTable {
  static constexpr ElementwiseKernelRow kRows[] = {
      {K<kOps, kForward>::Run, K<kOps, kDerivative>::Run,
       K<kOps, kBackward>::Run, K<kOps, kBackwardFromOutput>::Run}...};
};
template <template <int, int> class K, int... kOps>
const ElementwiseKernelRow* ElementwiseKernelRows(
    std::integer_sequence<int, kOps...>) {
  return ElementwiseKernelTable<K, kOps...>::kRows;
}
template <template <int, int> class K>
const ElementwiseKernelRow* MakeElementwiseKernels() {
  return ElementwiseKernelRows<K>(
      std::make_integer_sequence<int, kElementwiseOpEnd>());
}

struct KernelSet {
  // [op][kind], op an ElementwiseOp.
  const ElementwiseKernelRow* elementwise;
  void (*softmax)(const SoftmaxArgs& args);
  void (*prelu)(const PReluArgs& args);
  void (*log_softmax)(const SoftmaxArgs& args);
  // GLU over [outer, cols, inner] (cols even, inner >= 1): kForward writes
  // [outer, cols/2, inner]; kBackward reads dy of that shape and writes dx
  // of the input's shape.
  void (*glu)(int kind, const float* in, const float* dy, float* out,
              size_t outer, size_t cols, size_t inner);
  // Sparsemax along the middle axis of [outer, cols, inner] (inner >= 1);
  // kind as softmax.
  void (*sparsemax)(int kind, const float* in, const float* dy, float* out,
                    size_t outer, size_t cols, size_t inner);
  // Whether all n floats are finite (the C API checks PReLU's slopes on
  // every call).
  bool (*all_finite)(const float* p, size_t n);
};

// The element-wise kernels at a dispatch-table index
// (dispatch_elementwise.cc).
const ElementwiseKernelRow* ElementwiseKernelsForIndex(size_t index);

// From which length n the AVX-512 kernels run their memory-bound loops
// (the unrolled ones: element-wise activations of a few operations, and f'
// from y) on 256-bit vectors. Set at load time to 2^18 (1 MiB a buffer,
// Zen 4's L2) on AMD family 0x19, whose only AVX-512 cores are Zen 4:
// there, beyond L2, loops of 512-bit loads and stores ran 5-10% slower than
// on 256-bit vectors (relu backward on 2^20 floats: 168 us, 155 us; AVX2
// 145 us), while at 2^16 and 2^18 floats all three were within 2%, and at
// 2^10 either was up to 12% faster, by kernel. Elsewhere, and read before
// it is set (by another library's static initializers), it is SIZE_MAX:
// 512-bit loops, as correct. Tests set it to check both ways.
SIMDACT_API extern size_t g_narrow_loops_from;

// From which length n the x86 element-wise kernels write their output with
// non-temporal (streaming) stores (Map1 in elementwise-inl.h): from the size
// of the last-level cache, read from Linux's sysfs when the active target is
// first chosen (32 MiB, 2^23 floats, on this project's Zen 4: an output that
// large would leave the cache anyway). Unknown size, other systems, and
// before that first choice: SIZE_MAX, never. Tests set it to check both
// ways.
SIMDACT_API extern size_t g_stream_stores_from;

// Highway targets compiled into the library (HWY_TARGETS bits).
int64_t CompiledTargetBits();
// The kernels of one compiled target (a single HWY_TARGETS bit).
KernelSet KernelsForTarget(int64_t target_bit);
// The double-precision scalar reference.
const KernelSet& ReferenceKernels();

}  // namespace internal
}  // namespace simdact

#endif  // SIMDACT_KERNELS_KERNEL_SET_H_
