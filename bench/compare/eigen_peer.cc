// Eigen 3.4 (Debian's libeigen3-dev) in the comparison benchmark: the
// activations written as Eigen array expressions over Map<ArrayXf>, as a
// user of Eigen would write them (Eigen's vectorized exp, expm1, logistic
// and tanh).
// Header-only, so this file is compiled with SIMDACT_COMPARE_EIGEN_FLAGS
// (default -march=native) to let Eigen use this CPU's widest vectors.
// PReLU is channels-last ([rows, 64]: a 64 x rows column-major array).
// eigen_peer_avx2.cc compiles this file a second time, for AVX2 only.
#include <Eigen/Core>

#include "bench/compare/peer.h"

namespace compare {
namespace {

using Eigen::ArrayXf;
using Eigen::ArrayXXf;
using Vec = Eigen::Map<const ArrayXf>;
using Out = Eigen::Map<ArrayXf>;

// AVX2 and FMA where SimdInstructionSetsInUse() leaves them out (Eigen 3.4
// names them only with AVX-512).
std::string WiderSets() {
  const std::string in_use = Eigen::SimdInstructionSetsInUse();
  std::string s;
#ifdef EIGEN_VECTORIZE_AVX2
  if (in_use.find("AVX2") == std::string::npos) s += ", AVX2";
#endif
#ifdef EIGEN_VECTORIZE_FMA
  if (in_use.find("FMA") == std::string::npos) s += ", FMA";
#endif
  return s;
}

class EigenPeer : public Peer {
 public:
  std::string Name() const override { return "eigen"; }
  std::string Info() const override {
    return "eigen: " + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) + ", " +
           Eigen::SimdInstructionSetsInUse() + WiderSets();
  }

  std::function<void()> Prepare(const Problem& p, const Buffers& b) override {
    const auto n = static_cast<Eigen::Index>(p.n);
    if (p.func == Func::kSoftmax) return Softmax(p, b);
    if (p.func == Func::kPrelu) return Prelu(p, b);
    const float a = p.func == Func::kLeakyRelu ? kLeakyAlpha : kEluAlpha;
    const Func f = p.func;
    if (p.kind == Kind::kForward) {
      return [=] {
        Vec x(b.x, n);
        Out y(b.out, n);
        switch (f) {
          case Func::kRelu:
            y = x.max(0.0f);
            break;
          case Func::kLeakyRelu:
            y = (x > 0.0f).select(x, a * x);
            break;
          case Func::kElu:
            y = (x > 0.0f).select(x, a * x.expm1());
            break;
          case Func::kSigmoid:
            y = x.logistic();
            break;
          case Func::kTanh:
            y = x.tanh();
            break;
          default:
            break;
        }
      };
    }
    if (p.kind == Kind::kBackward) {
      return [=] {
        Vec x(b.x, n), dy(b.dy, n);
        Out dx(b.out, n);
        switch (f) {
          case Func::kRelu:
            dx = (x > 0.0f).select(dy, 0.0f);
            break;
          case Func::kLeakyRelu:
            dx = (x > 0.0f).select(dy, a * dy);
            break;
          case Func::kElu:
            dx = (x > 0.0f).select(dy, a * dy * x.exp());
            break;
          case Func::kSigmoid:
            dx = dy * x.logistic() * (1.0f - x.logistic());
            break;
          case Func::kTanh:
            dx = dy * (1.0f - x.tanh().square());
            break;
          default:
            break;
        }
      };
    }
    return [=] {
      Vec y(b.y, n), dy(b.dy, n);
      Out dx(b.out, n);
      switch (f) {
        case Func::kRelu:
          dx = (y > 0.0f).select(dy, 0.0f);
          break;
        case Func::kLeakyRelu:
          dx = (y > 0.0f).select(dy, a * dy);
          break;
        case Func::kElu:
          dx = (y > 0.0f).select(dy, dy * (y + a));
          break;
        case Func::kSigmoid:
          dx = dy * y * (1.0f - y);
          break;
        case Func::kTanh:
          dx = dy * (1.0f - y.square());
          break;
        default:
          break;
      }
    };
  }

 private:
  static std::function<void()> Prelu(const Problem& p, const Buffers& b) {
    if (p.kind == Kind::kBackwardFromY) return {};
    const auto c = static_cast<Eigen::Index>(kPreluChannels);
    const auto rows = static_cast<Eigen::Index>(Rows(p));
    using Mat = Eigen::Map<const ArrayXXf>;
    using MatOut = Eigen::Map<ArrayXXf>;
    if (p.kind == Kind::kForward) {
      return [=] {
        Mat x(b.x, c, rows);
        MatOut(b.out, c, rows) =
            (x > 0.0f).select(x, x.colwise() * Vec(b.alpha, c));
      };
    }
    return [=] {
      Mat x(b.x, c, rows), dy(b.dy, c, rows);
      MatOut(b.out, c, rows) =
          (x > 0.0f).select(dy, dy.colwise() * Vec(b.alpha, c));
      Out(b.dalpha, c) = (x > 0.0f).select(0.0f, dy * x).rowwise().sum();
    };
  }

  // Row by row: y = e^(x - max) / sum; backward dx = y (dy - sum(dy y)).
  static std::function<void()> Softmax(const Problem& p, const Buffers& b) {
    const auto cols = static_cast<Eigen::Index>(p.cols);
    const size_t rows = Rows(p);
    auto scratch = std::make_shared<ArrayXf>(cols);
    const Kind kind = p.kind;
    return [=] {
      for (size_t r = 0; r < rows; ++r) {
        const size_t o = r * p.cols;
        Out out(b.out + o, cols);
        if (kind == Kind::kBackwardFromY) {
          Vec y(b.y + o, cols), dy(b.dy + o, cols);
          out = y * (dy - (dy * y).sum());
          continue;
        }
        Vec x(b.x + o, cols);
        if (kind == Kind::kForward) {
          out = (x - x.maxCoeff()).exp();
          out /= out.sum();
          continue;
        }
        ArrayXf& y = *scratch;  // backward from x: softmax first
        y = (x - x.maxCoeff()).exp();
        y /= y.sum();
        Vec dy(b.dy + o, cols);
        out = y * (dy - (dy * y).sum());
      }
    };
  }
};

}  // namespace

#ifndef SIMDACT_EIGEN_PEER_FACTORY
#define SIMDACT_EIGEN_PEER_FACTORY MakeEigen
#endif
std::unique_ptr<Peer> SIMDACT_EIGEN_PEER_FACTORY() {
  return std::make_unique<EigenPeer>();
}

}  // namespace compare
