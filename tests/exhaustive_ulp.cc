// Exhaustive accuracy check: every float (2^32 bit patterns, or a range of
// them) through one element-wise kernel on one target, against the double
// reference. Not part of ctest (minutes per kernel); run it when a kernel's
// math changes:
//   build/native/tests/simdact_exhaustive sigmoid.forward avx2
//   build/native/tests/simdact_exhaustive all avx2
// Prints the largest ULP error, where it occurs, and how many inputs exceed
// the kernel's bound (tests/elementwise_cases.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "tests/elementwise_cases.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

int Check(const ElementwiseCase& c) {
  constexpr size_t kChunk = size_t{1} << 20;
  std::vector<float> in(kChunk), dy(kChunk, 1.0f), out(kChunk);
  const ElementwiseCase forward = ForwardOf(c);
  double worst = 0;
  uint64_t over = 0;
  float worst_in = 0.0f;
  for (uint64_t base = 0; base < (uint64_t{1} << 32); base += kChunk) {
    for (size_t i = 0; i < kChunk; ++i) {
      in[i] = Bits(static_cast<uint32_t>(base + i));
      if (c.kind == Kind::kBackwardFromOutput) {
        in[i] = static_cast<float>(forward.Reference(in[i], 0.0));
      }
    }
    if (c.Run(in.data(), dy.data(), out.data(), kChunk) != SIMDACT_OK) return 2;
    for (size_t i = 0; i < kChunk; ++i) {
      // ULPs of the result, or of the case's scale where it has one.
      const double d = c.Distance(out[i], c.Reference(in[i], 1.0), in[i], 1.0f);
      if (d > c.max_ulp) ++over;
      if (d > worst) {
        worst = d;
        worst_in = in[i];
      }
    }
  }
  printf("%-36s max %.3g ULP at x=%.9g (bound %d, %llu inputs over)\n",
         c.Name().c_str(), worst, worst_in, c.max_ulp,
         static_cast<unsigned long long>(over));
  return over == 0 ? 0 : 1;
}

}  // namespace
}  // namespace test
}  // namespace simdact

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s KERNEL|all TARGET  (e.g. tanh.forward avx2)\n",
            argv[0]);
    return 2;
  }
  if (simdact_set_target(argv[2]) != SIMDACT_OK) {
    fprintf(stderr, "cannot use target %s\n", argv[2]);
    return 2;
  }
  int status = 0;
  bool found = false;
  for (const auto& c : simdact::test::AllElementwiseCases()) {
    // Forward and derivative kinds: dy plays no part; the backward kinds
    // are products of those with dy, covered by the sweep tests.
    if (c.Backward() && c.kind != simdact::test::Kind::kBackwardFromOutput) {
      continue;
    }
    if (strcmp(argv[1], "all") != 0 && c.Name() != argv[1]) continue;
    found = true;
    status |= simdact::test::Check(c);
  }
  if (!found) fprintf(stderr, "no kernel named %s\n", argv[1]);
  return found ? status : 2;
}
