// Compiles the shaped kernels (softmax, log-softmax, PReLU, GLU, sparsemax)
// once per Highway target and exposes every kernel as KernelSets; the
// element-wise ones come from dispatch_elementwise.cc. This file re-includes
// itself through foreach_target.h.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/dispatch.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/glu_sparsemax-inl.h"
#include "kernels/rows-inl.h"

#if HWY_ONCE
#include "kernels/kernel_set.h"

namespace simdact {
namespace internal {

HWY_EXPORT(SoftmaxRows);
HWY_EXPORT(PRelu);
HWY_EXPORT(LogSoftmaxRows);
HWY_EXPORT(Glu);
HWY_EXPORT(Sparsemax);
HWY_EXPORT(AllFinite);

int64_t CompiledTargetBits() { return HWY_TARGETS; }

KernelSet KernelsForTarget(int64_t target_bit) {
#if (HWY_TARGETS & (HWY_TARGETS - 1)) == 0
  // A single target: the tables have one entry.
  (void)target_bit;
  const size_t index = 0;
#else
  // A private ChosenTarget maps the target bit to its table index; the
  // process-wide hwy::GetChosenTarget() is left alone.
  hwy::ChosenTarget chosen;
  chosen.Update(target_bit);
  const size_t index = chosen.GetIndex();
#endif
  return KernelSet{ElementwiseKernelsForIndex(index),
                   HWY_DISPATCH_TABLE(SoftmaxRows)[index],
                   HWY_DISPATCH_TABLE(PRelu)[index],
                   HWY_DISPATCH_TABLE(LogSoftmaxRows)[index],
                   HWY_DISPATCH_TABLE(Glu)[index],
                   HWY_DISPATCH_TABLE(Sparsemax)[index],
                   HWY_DISPATCH_TABLE(AllFinite)[index]};
}

}  // namespace internal
}  // namespace simdact
#endif  // HWY_ONCE
