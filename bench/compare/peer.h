// The interface between the comparison benchmark (bench/simdact_compare.cc)
// and each library it runs: simdact itself and the optional peers (XNNPACK,
// oneDNN, Eigen), one source file each in bench/compare/. A peer turns a
// Problem on given buffers into a ready-to-run call: all set-up (operator
// creation, weight packing, memory descriptors) happens in Prepare, only the
// returned call is timed.
#ifndef SIMDACT_BENCH_COMPARE_PEER_H_
#define SIMDACT_BENCH_COMPARE_PEER_H_

#include <stddef.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace compare {

enum class Func { kRelu, kLeakyRelu, kPrelu, kElu, kSigmoid, kTanh, kSoftmax };
enum class Kind { kForward, kBackward, kBackwardFromY };  // backward: from x

constexpr float kLeakyAlpha = 0.01f;  // PyTorch's default
constexpr float kEluAlpha = 1.0f;
constexpr size_t kPreluChannels = 64;  // channels-last: [n / 64, 64]

struct Problem {
  Func func;
  Kind kind;
  size_t n;     // elements
  size_t cols;  // softmax: row length (n = rows * cols); otherwise 0
};

// Every buffer holds at least n floats plus 64 floats of padding (XNNPACK may
// read a little past the end). y = f(x); alpha has kPreluChannels slopes.
struct Buffers {
  const float* x;
  const float* y;
  const float* dy;
  float* out;
  float* dalpha;  // PReLU backward: gradient of alpha
  const float* alpha;
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string Name() const = 0;
  // Called before a batch of timed calls (simdact sets its target here).
  virtual void Activate() {}
  // A call computing the problem into b.out, or an empty function when this
  // library does not offer that problem.
  virtual std::function<void()> Prepare(const Problem& p, const Buffers& b) = 0;
  // One line about the library's version and configuration.
  virtual std::string Info() const { return ""; }
};

// simdact on its best target ("auto"), or forced to `target` (e.g. avx2).
// Named "simdact", or "simdact-TARGET" when `suffixed`.
std::unique_ptr<Peer> MakeSimdact(const std::string& target, bool suffixed);
// Not a library: the memory roof, a loop that only reads the kernel's
// inputs and writes its output (bench/compare/copy_roof.cc), named "copy".
std::unique_ptr<Peer> MakeCopyRoof();
#ifdef SIMDACT_COMPARE_XNNPACK
std::unique_ptr<Peer> MakeXnnpack();
#endif
#ifdef SIMDACT_COMPARE_DNNL
// With max_isa_avx2, oneDNN's JIT is limited to AVX2 (dnnl::set_max_cpu_isa,
// which must come before oneDNN's first primitive in this process).
std::unique_ptr<Peer> MakeDnnl(bool max_isa_avx2);
#endif
#ifdef SIMDACT_COMPARE_EIGEN
std::unique_ptr<Peer> MakeEigen();  // SIMDACT_COMPARE_EIGEN_FLAGS
#endif
#ifdef SIMDACT_COMPARE_EIGEN_AVX2
std::unique_ptr<Peer> MakeEigenAvx2();  // -mavx2 -mfma
#endif

inline size_t Rows(const Problem& p) {
  return p.func == Func::kSoftmax ? p.n / p.cols
         : p.func == Func::kPrelu ? p.n / kPreluChannels
                                  : 1;
}

}  // namespace compare

#endif  // SIMDACT_BENCH_COMPARE_PEER_H_
