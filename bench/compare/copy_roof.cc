// The memory roof of the comparison: a loop that reads what a kernel reads
// (x, or y; and dy for the backward kinds) and writes its output with plain
// stores, doing nothing else: out = x, or out = x + dy. Issue 4 asks every
// kernel for >= 0.95x of it at DRAM size. It is not a peer: the best-peer
// ratio leaves it out, and the table shows simdact / copy beside it.
//
// 128-bit SSE2 vectors on x86 (written with intrinsics, so that the
// compiler cannot turn the copy into a call of memcpy, whose large copies
// follow other rules): at 64 MiB on Zen 4 they were the fastest plain
// copy, 3.2-3.7 elements/ns, against 2.7-3.3 for 256-bit and 2.6-3.0 for
// 512-bit stores, so this is the strictest roof. Elsewhere a scalar loop.
#include <stddef.h>

#include <functional>
#include <memory>
#include <string>

#include "bench/compare/peer.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace compare {
namespace {

void CopyLoop(const float* x, float* out, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(out + i, _mm_loadu_ps(x + i));
#endif
  for (; i < n; ++i) out[i] = x[i];
}

void AddLoop(const float* x, const float* dy, float* out, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) {
    _mm_storeu_ps(out + i,
                  _mm_add_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(dy + i)));
  }
#endif
  for (; i < n; ++i) out[i] = x[i] + dy[i];
}

class CopyRoof : public Peer {
 public:
  std::string Name() const override { return "copy"; }
  std::string Info() const override {
    return "copy: the memory roof, out = x (forward) or x + dy (backward), "
           "plain 128-bit stores; not a peer";
  }
  std::function<void()> Prepare(const Problem& p, const Buffers& b) override {
    const float* in = p.kind == Kind::kBackwardFromY ? b.y : b.x;
    float* out = b.out;
    const size_t n = p.n;
    if (p.kind == Kind::kForward) return [=] { CopyLoop(in, out, n); };
    const float* dy = b.dy;
    return [=] { AddLoop(in, dy, out, n); };
  }
};

}  // namespace

std::unique_ptr<Peer> MakeCopyRoof() { return std::make_unique<CopyRoof>(); }

}  // namespace compare
