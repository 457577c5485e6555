// oneDNN (Debian's libdnnl-dev 2.6, OpenMP runtime) in the comparison
// benchmark, through its C++ API: eltwise_forward / eltwise_backward (from x;
// from y with the *_use_dst_for_bwd algorithms), prelu forward / backward
// (channels-last [rows, 64] with weights [1, 64]; backward also computes the
// gradient of the weights), softmax forward / backward (oneDNN's softmax
// backward takes y, so it is listed as "from y"). One thread
// (omp_set_num_threads(1)), one CPU engine and stream; user buffers are
// wrapped, not copied.
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include <dnnl.hpp>
#include <unordered_map>

#include "bench/compare/peer.h"

namespace compare {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;
using dt = memory::data_type;

class Dnnl : public Peer {
 public:
  explicit Dnnl(bool max_isa_avx2)
      : capped_(max_isa_avx2 && dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx2) ==
                                    dnnl::status::success),
        engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_) {
    omp_set_num_threads(1);
    if (max_isa_avx2 && !capped_) {
      fprintf(stderr, "error: oneDNN refused to limit its ISA to AVX2\n");
      exit(1);
    }
  }
  std::string Name() const override { return "onednn"; }
  std::string Info() const override {
    const dnnl_version_t* v = dnnl_version();
    return "onednn: " + std::to_string(v->major) + "." +
           std::to_string(v->minor) + "." + std::to_string(v->patch) +
           ", cpu runtime OpenMP, threads " +
           std::to_string(omp_get_max_threads()) + ", ISA " +
           IsaName(dnnl::get_effective_cpu_isa()) +
           (capped_ ? " (limited to avx2)" : "");
  }

  std::function<void()> Prepare(const Problem& p, const Buffers& b) override {
    if (p.func == Func::kSoftmax) return Softmax(p, b);
    if (p.func == Func::kPrelu) return Prelu(p, b);
    return Eltwise(p, b);
  }

 private:
  static std::string IsaName(dnnl::cpu_isa isa) {
    switch (isa) {
      case dnnl::cpu_isa::avx2:
        return "avx2";
      case dnnl::cpu_isa::avx512_core:
        return "avx512_core";
      case dnnl::cpu_isa::avx512_core_vnni:
        return "avx512_core_vnni";
      case dnnl::cpu_isa::avx512_core_bf16:
        return "avx512_core_bf16";
      case dnnl::cpu_isa::avx512_core_amx:
        return "avx512_core_amx";
      default:
        return std::to_string(static_cast<int>(isa));
    }
  }

  memory Mem(const memory::desc& md, const float* ptr) {
    return memory(md, engine_, const_cast<float*>(ptr));
  }
  std::function<void()> Run(dnnl::primitive prim,
                            std::unordered_map<int, memory> args) {
    return [this, prim, args] {
      prim.execute(stream_, args);
      stream_.wait();
    };
  }

  std::function<void()> Eltwise(const Problem& p, const Buffers& b) {
    algorithm alg = algorithm::eltwise_relu, alg_dst = alg;
    float alpha = 0.0f;
    switch (p.func) {
      case Func::kLeakyRelu:
        alpha = kLeakyAlpha;
        break;
      case Func::kElu:
        alg = algorithm::eltwise_elu;
        alg_dst = algorithm::eltwise_elu_use_dst_for_bwd;
        alpha = kEluAlpha;
        break;
      case Func::kSigmoid:
        alg = algorithm::eltwise_logistic;
        alg_dst = algorithm::eltwise_logistic_use_dst_for_bwd;
        break;
      case Func::kTanh:
        alg = algorithm::eltwise_tanh;
        alg_dst = algorithm::eltwise_tanh_use_dst_for_bwd;
        break;
      default:
        break;
    }
    if (p.func == Func::kRelu || p.func == Func::kLeakyRelu) {
      alg_dst = algorithm::eltwise_relu_use_dst_for_bwd;
    }
    const memory::desc md({static_cast<memory::dim>(p.n)}, dt::f32, tag::a);
    if (p.kind == Kind::kForward) {
      dnnl::eltwise_forward::primitive_desc pd(
          {prop_kind::forward_inference, alg, md, alpha}, engine_);
      return Run(dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, Mem(md, b.x)},
                                             {DNNL_ARG_DST, Mem(md, b.out)}});
    }
    const bool from_y = p.kind == Kind::kBackwardFromY;
    const algorithm a = from_y ? alg_dst : alg;
    dnnl::eltwise_forward::primitive_desc hint(
        {prop_kind::forward_training, a, md, alpha}, engine_);
    dnnl::eltwise_backward::primitive_desc pd({a, md, md, alpha}, engine_,
                                              hint);
    return Run(
        dnnl::eltwise_backward(pd),
        {{from_y ? DNNL_ARG_DST : DNNL_ARG_SRC, Mem(md, from_y ? b.y : b.x)},
         {DNNL_ARG_DIFF_DST, Mem(md, b.dy)},
         {DNNL_ARG_DIFF_SRC, Mem(md, b.out)}});
  }

  std::function<void()> Prelu(const Problem& p, const Buffers& b) {
    if (p.kind == Kind::kBackwardFromY) return {};
    const auto c = static_cast<memory::dim>(kPreluChannels);
    const memory::desc md({static_cast<memory::dim>(Rows(p)), c}, dt::f32,
                          tag::ab);
    const memory::desc wd({1, c}, dt::f32, tag::ab);
    dnnl::prelu_forward::primitive_desc fwd(
        {prop_kind::forward_training, md, wd}, engine_);
    if (p.kind == Kind::kForward) {
      return Run(dnnl::prelu_forward(fwd),
                 {{DNNL_ARG_SRC, Mem(md, b.x)},
                  {DNNL_ARG_WEIGHTS, Mem(wd, b.alpha)},
                  {DNNL_ARG_DST, Mem(md, b.out)}});
    }
    dnnl::prelu_backward::primitive_desc pd({md, wd, md, wd}, engine_, fwd);
    return Run(dnnl::prelu_backward(pd),
               {{DNNL_ARG_SRC, Mem(md, b.x)},
                {DNNL_ARG_WEIGHTS, Mem(wd, b.alpha)},
                {DNNL_ARG_DIFF_DST, Mem(md, b.dy)},
                {DNNL_ARG_DIFF_SRC, Mem(md, b.out)},
                {DNNL_ARG_DIFF_WEIGHTS, Mem(wd, b.dalpha)}});
  }

  std::function<void()> Softmax(const Problem& p, const Buffers& b) {
    if (p.kind == Kind::kBackward) return {};  // oneDNN's backward takes y
    const memory::desc md(
        {static_cast<memory::dim>(Rows(p)), static_cast<memory::dim>(p.cols)},
        dt::f32, tag::ab);
    dnnl::softmax_forward::primitive_desc fwd(
        {p.kind == Kind::kForward ? prop_kind::forward_inference
                                  : prop_kind::forward_training,
         md, 1},
        engine_);
    if (p.kind == Kind::kForward) {
      return Run(dnnl::softmax_forward(fwd), {{DNNL_ARG_SRC, Mem(md, b.x)},
                                              {DNNL_ARG_DST, Mem(md, b.out)}});
    }
    dnnl::softmax_backward::primitive_desc pd({md, md, 1}, engine_, fwd);
    return Run(dnnl::softmax_backward(pd),
               {{DNNL_ARG_DST, Mem(md, b.y)},
                {DNNL_ARG_DIFF_DST, Mem(md, b.dy)},
                {DNNL_ARG_DIFF_SRC, Mem(md, b.out)}});
  }

  bool capped_;  // first member: set_max_cpu_isa must precede the engine
  dnnl::engine engine_;
  dnnl::stream stream_;
};

}  // namespace

std::unique_ptr<Peer> MakeDnnl(bool max_isa_avx2) {
  return std::make_unique<Dnnl>(max_isa_avx2);
}

}  // namespace compare
