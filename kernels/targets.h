// The table of targets and the active one (targets.cc).
#ifndef SIMDACT_KERNELS_TARGETS_H_
#define SIMDACT_KERNELS_TARGETS_H_

#include <stdint.h>

#include <atomic>
#include <string>
#include <vector>

#include "kernels/kernel_set.h"
#include "simdact/simdact.h"

namespace simdact {
namespace internal {

struct Target {
  std::string name;  // lower case, as in the public API
  int64_t bit;       // HWY_TARGETS bit; 0 for "reference"
  bool supported;    // this CPU can run it
  KernelSet kernels;
};

// Compiled targets, best first, "reference" last.
const std::vector<Target>& AllTargets();
// Looks a name up (case-insensitive, or "auto").
simdact_status FindTarget(const char* name, const Target** out);
// The target calls go to; reads SIMDACT_TARGET on first use.
// The active target, read on every call: the fast path is one atomic load,
// inlined; the first call reads SIMDACT_TARGET (InitActiveTarget).
extern std::atomic<const Target*> g_active_target;
const Target& InitActiveTarget();
inline const Target& ActiveTarget() {
  const Target* t = g_active_target.load(std::memory_order_acquire);
  return t != nullptr ? *t : InitActiveTarget();
}
void SetActiveTarget(const Target* target);

}  // namespace internal
}  // namespace simdact

#endif  // SIMDACT_KERNELS_TARGETS_H_
