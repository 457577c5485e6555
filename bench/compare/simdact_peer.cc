// simdact as a "peer" of the comparison benchmark: every function and kind,
// on the target chosen by the name ("auto" = best this CPU supports).
#include <stdint.h>

#include <string>

#include "bench/compare/peer.h"
#include "kernels/kernel_set.h"
#include "simdact/simdact.h"

namespace compare {
namespace {

simdact_activation Act(Func f) {
  switch (f) {
    case Func::kRelu:
      return SIMDACT_RELU;
    case Func::kLeakyRelu:
      return SIMDACT_LEAKY_RELU;
    case Func::kPrelu:
      return SIMDACT_PRELU;
    case Func::kElu:
      return SIMDACT_ELU;
    case Func::kSigmoid:
      return SIMDACT_SIGMOID;
    case Func::kTanh:
      return SIMDACT_TANH;
    case Func::kSoftmax:
      return SIMDACT_SOFTMAX;
  }
  return SIMDACT_RELU;
}

class Simdact : public Peer {
 public:
  Simdact(std::string target, bool suffixed)
      : target_(std::move(target)), suffixed_(suffixed) {}
  std::string Name() const override {
    return suffixed_ ? "simdact-" + target_ : "simdact";
  }
  void Activate() override { simdact_set_target(target_.c_str()); }
  std::string Info() const override {
    simdact_set_target(target_.c_str());
    std::string s = Name() + ": target " + simdact_active_target();
    simdact_set_target("auto");
    const size_t from = simdact::internal::g_stream_stores_from;
    s += from == SIZE_MAX
             ? ", plain stores"
             : ", streaming stores from outputs of " +
                   std::to_string(from * sizeof(float) >> 20) + " MiB";
    return s;
  }

  std::function<void()> Prepare(const Problem& p, const Buffers& b) override {
    const simdact_activation act = Act(p.func);
    simdact_params params = simdact_default_params(act);
    params.alpha = p.func == Func::kLeakyRelu ? kLeakyAlpha
                   : p.func == Func::kElu     ? kEluAlpha
                                              : params.alpha;
    params.prelu_alpha = b.alpha;
    params.channels = kPreluChannels;
    params.inner = 1;
    params.softmax_cols = p.cols;
    const size_t n = p.n, rows = Rows(p);
    if (p.func == Func::kPrelu && p.kind == Kind::kBackward) {
      // With the gradient of alpha, as oneDNN's prelu_backward.
      return [=] {
        simdact_prelu_backward(b.x, b.alpha, b.dy, b.out, b.dalpha, rows,
                               kPreluChannels, 1);
      };
    }
    switch (p.kind) {
      case Kind::kForward:
        return [=] { simdact_forward(act, &params, b.x, b.out, n); };
      case Kind::kBackward:
        return [=] { simdact_backward(act, &params, b.x, b.dy, b.out, n); };
      case Kind::kBackwardFromY:
        return [=] {
          simdact_backward_from_output(act, &params, b.y, b.dy, b.out, n);
        };
    }
    return {};
  }

 private:
  std::string target_;
  bool suffixed_;
};

}  // namespace

std::unique_ptr<Peer> MakeSimdact(const std::string& target, bool suffixed) {
  return std::make_unique<Simdact>(target, suffixed);
}

}  // namespace compare
