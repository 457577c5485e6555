// XNNPACK (Debian's libxnnpack-dev 0.0~git20220216) in the comparison
// benchmark: its f32 "nc" operators, forward only (XNNPACK is an inference
// library). This version has no f32 tanh operator; ReLU is a clamp to
// [0, +inf]; PReLU is channels-last ([batch, 64]). No threadpool (NULL):
// single-threaded.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <xnnpack.h>

#include "bench/compare/peer.h"

namespace compare {
namespace {

void Check(xnn_status s, const char* what) {
  if (s != xnn_status_success) {
    fprintf(stderr, "XNNPACK: %s failed (status %d)\n", what,
            static_cast<int>(s));
    abort();
  }
}

class Xnnpack : public Peer {
 public:
  Xnnpack() { Check(xnn_initialize(nullptr), "xnn_initialize"); }
  std::string Name() const override { return "xnnpack"; }
  std::string Info() const override {
    return "xnnpack: 0.0~git20220216 (Debian), f32 nc operators, no threadpool";
  }

  std::function<void()> Prepare(const Problem& p, const Buffers& b) override {
    if (p.kind != Kind::kForward || p.func == Func::kTanh) return {};
    xnn_operator_t op = nullptr;
    size_t batch = p.n;  // element-wise: batch of n rows of 1 channel
    switch (p.func) {
      case Func::kRelu:
        Check(xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, INFINITY, 0, &op),
              "clamp");
        Check(xnn_setup_clamp_nc_f32(op, batch, b.x, b.out, nullptr), "setup");
        break;
      case Func::kLeakyRelu:
        Check(xnn_create_leaky_relu_nc_f32(1, 1, 1, kLeakyAlpha, 0, &op),
              "leaky");
        Check(xnn_setup_leaky_relu_nc_f32(op, batch, b.x, b.out, nullptr),
              "setup");
        break;
      case Func::kElu:
        Check(xnn_create_elu_nc_f32(1, 1, 1, kEluAlpha, 0, &op), "elu");
        Check(xnn_setup_elu_nc_f32(op, batch, b.x, b.out, nullptr), "setup");
        break;
      case Func::kSigmoid:
        Check(xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &op), "sigmoid");
        Check(xnn_setup_sigmoid_nc_f32(op, batch, b.x, b.out, nullptr),
              "setup");
        break;
      case Func::kPrelu: {
        const size_t c = kPreluChannels;
        Check(xnn_create_prelu_nc_f32(c, c, c, b.alpha, 0, &op), "prelu");
        Check(xnn_setup_prelu_nc_f32(op, Rows(p), b.x, b.out, nullptr),
              "setup");
        break;
      }
      case Func::kSoftmax:
        Check(xnn_create_softmax_nc_f32(p.cols, p.cols, p.cols, 0, &op),
              "softmax");
        Check(xnn_setup_softmax_nc_f32(op, Rows(p), b.x, b.out, nullptr),
              "setup");
        break;
      default:
        return {};
    }
    // The operator lives as long as the returned call.
    std::shared_ptr<xnn_operator> owned(op, xnn_delete_operator);
    return [owned] { xnn_run_operator(owned.get(), nullptr); };
  }
};

}  // namespace

std::unique_ptr<Peer> MakeXnnpack() { return std::make_unique<Xnnpack>(); }

}  // namespace compare
