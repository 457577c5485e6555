// Throughput of every kernel on every target this CPU supports (and the
// double-precision reference), at sizes that sit in L1 (4 KiB), L2 (256 KiB)
// and DRAM (64 MiB). Google Benchmark; names are kernel/target/size, so
// --benchmark_filter selects, e.g. 'sigmoid.*/avx2/'. call16/... time calls
// of 16 floats, whose cost is mostly the call's own (checks, dispatch).
//
// With --table, a compact summary follows the usual output: for each size,
// Gelem/s per kernel and target, and the speed-up of the best target over
// the reference.
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "simdact/simdact.h"

namespace {

struct Size {
  const char* name;
  size_t floats;
};
constexpr Size kSizes[] = {
    {"4KiB", 1024}, {"256KiB", 64 * 1024}, {"64MiB", 16 * 1024 * 1024}};

// One benchmarked call: which activation, which entry point.
struct Kernel {
  std::string name;
  simdact_activation act;
  int kind;  // 0 forward, 1 derivative, 2 backward, 3 backward from output
  int buffers_read;  // for the bytes/s counter
  // 0: the activation's defaults; kAlongInner: softmax / log_softmax along
  // a middle axis, [outer, 16, 64] (the lanes run across the 64).
  int variant = 0;
};

simdact_status Call(const Kernel& k, const simdact_params& p, const float* x,
                    const float* dy, float* out, size_t n);
constexpr int kAlongInner = 1;
simdact_params ParamsFor(simdact_activation act, int variant = 0);

// Every activation and kind the library offers (a kind it refuses, such as
// softmax's element-wise derivative or an undefined backward from y, is
// left out), found by asking it once on a small buffer.
const std::vector<Kernel>& Kernels() {
  static const std::vector<Kernel> kernels = [] {
    std::vector<Kernel> list;
    const char* kinds[] = {"forward", "derivative", "backward",
                           "backward_from_output"};
    std::vector<float> x(1024, 0.5f), dy(1024, 1.0f), out(1024);
    for (int a = 1; a < 64; ++a) {
      const auto act = static_cast<simdact_activation>(a);
      const char* name = simdact_activation_name(act);
      if (name == nullptr) continue;
      for (int kind = 0; kind < 4; ++kind) {
        const Kernel k{std::string(name) + "." + kinds[kind], act, kind,
                       kind >= 2 ? 2 : 1};
        const simdact_params p = ParamsFor(act);
        if (Call(k, p, x.data(), dy.data(), out.data(), x.size()) ==
            SIMDACT_OK) {
          list.push_back(k);
          if (act == SIMDACT_SOFTMAX || act == SIMDACT_LOG_SOFTMAX) {
            Kernel along = k;
            along.name = std::string(name) + "_inner64." + kinds[kind];
            along.variant = kAlongInner;
            list.push_back(along);
          }
        }
      }
    }
    return list;
  }();
  return kernels;
}

// Shared input buffers, made once per size.
struct Buffers {
  std::vector<float> x, dy, out;
};

Buffers& BuffersFor(size_t n) {
  static std::map<size_t, Buffers> cache;
  Buffers& b = cache[n];
  if (b.x.empty()) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> u(-10.0f, 10.0f);
    b.x.resize(n);
    b.dy.resize(n);
    b.out.resize(n);
    for (size_t i = 0; i < n; ++i) {
      b.x[i] = u(rng);
      b.dy[i] = u(rng) * 0.1f;
    }
  }
  return b;
}

// PReLU as NCHW with 64 channels of 16; softmax rows of 1024.
simdact_params ParamsFor(simdact_activation act, int variant) {
  static const std::vector<float> alpha(64, 0.25f);
  simdact_params p = simdact_default_params(act);
  if (act == SIMDACT_PRELU) {
    p.prelu_alpha = alpha.data();
    p.channels = 64;
    p.inner = 16;
  }
  if (act == SIMDACT_SOFTMAX || act == SIMDACT_LOG_SOFTMAX) {
    p.softmax_cols = variant == kAlongInner ? 16 : 1024;
    p.softmax_inner = variant == kAlongInner ? 64 : 1;
  }
  // GLU halves rows of 1024 (y and dy have n / 2 elements); sparsemax rows
  // of 1024.
  if (act == SIMDACT_GLU || act == SIMDACT_SPARSEMAX) p.softmax_cols = 1024;
  return p;
}

simdact_status Call(const Kernel& k, const simdact_params& p, const float* x,
                    const float* dy, float* out, size_t n) {
  switch (k.kind) {
    case 0:
      return simdact_forward(k.act, &p, x, out, n);
    case 1:
      return simdact_derivative(k.act, &p, x, out, n);
    case 2:
      return simdact_backward(k.act, &p, x, dy, out, n);
    default:
      return simdact_backward_from_output(k.act, &p, x, dy, out, n);
  }
}

void Run(benchmark::State& state, const Kernel& k, const std::string& target,
         size_t n) {
  if (simdact_set_target(target.c_str()) != SIMDACT_OK) {
    state.SkipWithError("cannot set target");
    return;
  }
  Buffers& b = BuffersFor(n);
  simdact_params p = ParamsFor(k.act, k.variant);
  // A call shorter than a row (call16/) is one row of n.
  if ((k.act == SIMDACT_SOFTMAX || k.act == SIMDACT_LOG_SOFTMAX) &&
      p.softmax_inner <= 1 && n < p.softmax_cols) {
    p.softmax_cols = n;
  }
  for (auto _ : state) {
    const simdact_status s =
        Call(k, p, b.x.data(), b.dy.data(), b.out.data(), n);
    if (s != SIMDACT_OK) {
      state.SkipWithError(simdact_status_string(s));
      break;
    }
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(
      state.iterations() * n * sizeof(float) * (k.buffers_read + 1)));
  simdact_set_target("auto");
}

std::vector<std::string> SupportedTargets() {
  const char* names[64];
  const size_t n = simdact_supported_targets(names, 64);
  return std::vector<std::string>(names, names + n);
}

// Collects items/s per benchmark name while printing as usual.
class TableReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> items_per_second;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) {
        items_per_second[run.benchmark_name()] = it->second.value;
      }
    }
  }
};

std::string CpuName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 || line.rfind("CPU part", 0) == 0) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "unknown CPU";
}

void PrintTable(const TableReporter& r,
                const std::vector<std::string>& targets) {
  printf("\nsimdact throughput, Gelem/s (one thread), CPU: %s\n",
         CpuName().c_str());
  printf("speed-up = best SIMD target / reference (scalar double)\n");
  for (const Size& size : kSizes) {
    const std::string suffix = std::string("/") + size.name;
    bool measured = false;
    for (const auto& [name, rate] : r.items_per_second) {
      measured |=
          name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    if (!measured) continue;  // filtered out
    printf("\n[%s]\n%-32s", size.name, "kernel");
    for (const std::string& t : targets) printf("%10s", t.c_str());
    printf("%10s\n", "speed-up");
    for (const Kernel& k : Kernels()) {
      printf("%-32s", k.name.c_str());
      double best = 0.0, reference = 0.0;
      for (const std::string& t : targets) {
        const auto it =
            r.items_per_second.find(k.name + "/" + t + "/" + size.name);
        if (it == r.items_per_second.end()) {
          printf("%10s", "-");
          continue;
        }
        const double g = it->second * 1e-9;
        printf("%10.3f", g);
        if (t == "reference")
          reference = g;
        else
          best = std::max(best, g);
      }
      if (reference > 0) printf("%9.1fx", best / reference);
      printf("\n");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool table = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "--table") == 0) {
      table = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n_args = static_cast<int>(args.size());
  const std::vector<std::string> targets = SupportedTargets();
  for (const Kernel& k : Kernels()) {
    for (const std::string& t : targets) {
      for (const Size& size : kSizes) {
        benchmark::RegisterBenchmark(
            (k.name + "/" + t + "/" + size.name).c_str(),
            [k, t, size](benchmark::State& s) { Run(s, k, t, size.floats); });
      }
    }
  }
  // The fixed cost of a call (argument checks, dispatch): 16 floats, e.g.
  // --benchmark_filter=call16/ (not in --table).
  for (const Kernel& k : Kernels()) {
    if (k.name != "relu.forward" && k.name != "tanh.backward_from_output" &&
        k.name != "softmax.backward_from_output") {
      continue;
    }
    for (const std::string& t : targets) {
      benchmark::RegisterBenchmark(
          ("call16/" + k.name + "/" + t).c_str(),
          [k, t](benchmark::State& s) { Run(s, k, t, 16); });
    }
  }
  benchmark::Initialize(&n_args, args.data());
  if (benchmark::ReportUnrecognizedArguments(n_args, args.data())) return 1;
  TableReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (table) PrintTable(reporter, targets);
  benchmark::Shutdown();
  return 0;
}
