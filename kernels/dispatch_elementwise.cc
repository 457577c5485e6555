// Compiles the element-wise kernels once per Highway target. A translation
// unit of its own (the shaped ones are in dispatch.cc), so that the two
// heaviest compilations run in parallel. This file re-includes itself
// through foreach_target.h.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/dispatch_elementwise.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/more_activations-inl.h"

#if HWY_ONCE
#include "kernels/kernel_set.h"

namespace simdact {
namespace internal {

HWY_EXPORT(ElementwiseKernels);

const ElementwiseKernelRow* ElementwiseKernelsForIndex(size_t index) {
  return HWY_DISPATCH_TABLE(ElementwiseKernels)[index]();
}

}  // namespace internal
}  // namespace simdact
#endif  // HWY_ONCE
