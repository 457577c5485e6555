// Side-by-side comparison of simdact with the peer libraries found at build
// time (XNNPACK, oneDNN, Eigen; see bench/compare/): throughput of forward and
// backward kernels at 4 KiB, 256 KiB and 64 MiB, and the worst ULP error of
// each library's forward kernels against the double-precision reference.
//
// Every library gets the same buffers; set-up happens before timing; the
// libraries take turns (rotating order) for --reps repetitions of at least
// --min_ms each, and the best repetition counts. One thread throughout.
//
//   simdact_compare [--json FILE] [--filter REGEX] [--min_ms 20] [--reps 5]
//                   [--no_accuracy] [--isa native|avx2] [--list_peers]
// --isa avx2 limits everyone to AVX2 and FMA on a CPU with wider vectors:
// simdact's avx2 target, oneDNN capped at AVX2, an Eigen compiled with -mavx2
// -mfma; XNNPACK, which cannot be limited, is left out.
// --list_peers prints the peer libraries compiled in (none: nothing) and exits.
// REGEX matches names like "sigmoid.forward/4KiB" or
// "softmax1000.backward_from_y".
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <regex>

#include "bench/compare/peer.h"
#include "kernels/reference.h"
#include "simdact/simdact.h"

namespace compare {
namespace {

const char* FuncName(Func f) {
  static const char* names[] = {"relu",    "leaky_relu", "prelu",  "elu",
                                "sigmoid", "tanh",       "softmax"};
  return names[static_cast<int>(f)];
}
const char* KindName(Kind k) {
  static const char* names[] = {"forward", "backward", "backward_from_y"};
  return names[static_cast<int>(k)];
}

struct Size {
  const char* name;
  size_t floats;
};
constexpr Size kSizes[] = {
    {"4KiB", 1024}, {"256KiB", 64 * 1024}, {"64MiB", 16 * 1024 * 1024}};
// Where the memory roof (the "copy" loop, bench/compare/copy_roof.cc) is the
// target: issue 4 asks for >= 0.95x of it there.
const std::string kDramSize = "64MiB";

// The roof is measured with the libraries but is not one of them.
bool IsRoof(const std::string& name) { return name == "copy"; }

struct Case {
  std::string name, size;  // e.g. "softmax1000.forward", "256KiB"
  Problem problem;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const Size& s : kSizes) {
    for (int f = 0; f <= static_cast<int>(Func::kSoftmax); ++f) {
      for (int k = 0; k < 3; ++k) {
        const Func func = static_cast<Func>(f);
        const Kind kind = static_cast<Kind>(k);
        // No peer offers PReLU backward from y.
        if (func == Func::kPrelu && kind == Kind::kBackwardFromY) continue;
        std::vector<size_t> cols = {0};
        if (func == Func::kSoftmax) cols = {1000, 32000};
        for (size_t c : cols) {
          const size_t n = c ? s.floats / c * c : s.floats;
          if (n == 0) continue;  // a row of 32000 does not fit 4 KiB
          std::string name = FuncName(func);
          if (c) name += std::to_string(c);
          cases.push_back(
              {name + "." + KindName(kind), s.name, {func, kind, n, c}});
        }
      }
    }
  }
  return cases;
}

// 64-byte aligned floats with 64 floats of padding.
struct Floats {
  explicit Floats(size_t n)
      : p(static_cast<float*>(aligned_alloc(64, (n + 64) * sizeof(float))),
          free) {
    std::fill(p.get(), p.get() + n + 64, 0.0f);  // touch every page now
  }
  float* data() const { return p.get(); }
  std::unique_ptr<float, decltype(&free)> p;
};

std::string CpuName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double NowNs() {
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Nanoseconds per call over `iters` calls.
double Time(const std::function<void()>& fn, size_t iters) {
  const double t0 = NowNs();
  for (size_t i = 0; i < iters; ++i) fn();
  return (NowNs() - t0) / static_cast<double>(iters);
}

struct Options {
  std::string json, filter = ".*";
  double min_ms = 20;
  int reps = 5;
  bool accuracy = true;
  std::string isa = "native";  // or "avx2": everyone limited to AVX2
};

// elements/ns per library name (absent: not offered), for one case.
using Rates = std::map<std::string, double>;

Rates Measure(const Case& c, const Buffers& b,
              const std::vector<std::unique_ptr<Peer>>& peers,
              const Options& o) {
  struct Call {
    Peer* peer;
    std::function<void()> fn;
    size_t iters;
    double best_ns;
  };
  std::vector<Call> calls;
  std::vector<float> expected;
  for (const auto& peer : peers) {
    std::function<void()> fn = peer->Prepare(c.problem, b);
    if (!fn) continue;
    peer->Activate();
    size_t iters = 1;  // calibrate (and warm up): double until >= 0.2 ms
    double ns = Time(fn, iters);
    while (ns * static_cast<double>(iters) < 2e5) ns = Time(fn, iters *= 2);
    iters = std::max<size_t>(1, static_cast<size_t>(o.min_ms * 1e6 / ns));
    calls.push_back(
        {peer.get(), fn, iters, std::numeric_limits<double>::max()});
    if (c.problem.n > (1u << 20) || IsRoof(peer->Name())) continue;
    // Sanity: every library computes the same thing as simdact.
    if (expected.empty()) {
      expected.assign(b.out, b.out + c.problem.n);
      continue;
    }
    for (size_t i = 0; i < c.problem.n; ++i) {
      const float e = expected[i], g = b.out[i];
      if (!(fabsf(g - e) <= 1e-4f + 1e-3f * fabsf(e))) {
        fprintf(stderr,
                "warning: %s %s differs from simdact at %zu: %g vs %g\n",
                peer->Name().c_str(), c.name.c_str(), i, g, e);
        break;
      }
    }
  }
  for (int r = 0; r < o.reps; ++r) {
    for (size_t j = 0; j < calls.size(); ++j) {
      Call& call = calls[(j + r) % calls.size()];  // rotate who goes first
      call.peer->Activate();
      call.best_ns = std::min(call.best_ns, Time(call.fn, call.iters));
    }
  }
  simdact_set_target("auto");
  Rates rates;
  for (const Call& call : calls) {
    rates[call.peer->Name()] = static_cast<double>(c.problem.n) / call.best_ns;
  }
  return rates;
}

// --- Accuracy -------------------------------------------------------------

struct Accuracy {
  std::string func, library;
  int64_t max_ulp = 0;      // where the reference result is a normal float
  float worst_x = 0;        // where that max is reached
  int64_t max_ulp_all = 0;  // including subnormal and flushed results
  float at_nan = 0;         // f(NaN)
  int wrong_nan = 0;        // NaN where the reference is not, or the reverse
};

int64_t Ordered(float f) {
  int32_t i;
  memcpy(&i, &f, sizeof(i));
  return i >= 0 ? i : -static_cast<int64_t>(i & 0x7fffffff);
}

double Reference(Func f, double x) {
  namespace ref = simdact::reference;
  switch (f) {
    case Func::kRelu:
      return ref::Relu(x);
    case Func::kLeakyRelu:
      return ref::LeakyRelu(x, kLeakyAlpha);
    case Func::kElu:
      return ref::Elu(x, kEluAlpha);
    case Func::kSigmoid:
      return ref::Sigmoid(x);
    default:
      return ref::Tanh(x);
  }
}

std::vector<Accuracy> MeasureAccuracy(
    const std::vector<std::unique_ptr<Peer>>& peers) {
  std::vector<float> in;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-110.0f, 110.0f);
  for (int i = 0; i < (1 << 16); ++i) in.push_back(u(rng));
  const float inf = INFINITY, big = 3.4028235e38f;
  for (float s : {NAN,
                  -NAN,
                  inf,
                  -inf,
                  0.0f,
                  -0.0f,
                  big,
                  -big,
                  1.17549435e-38f,
                  -1.17549435e-38f,
                  1e-40f,
                  -1e-40f,
                  1e-7f,
                  -1e-7f,
                  9.0f,
                  -9.0f,
                  20.0f,
                  -20.0f,
                  88.7f,
                  -88.7f,
                  104.0f,
                  -104.0f}) {
    in.push_back(s);
  }
  const size_t n = in.size();
  Floats x(n), out(n), zeros(n);
  std::copy(in.begin(), in.end(), x.data());
  const Buffers b{x.data(),   zeros.data(), zeros.data(),
                  out.data(), zeros.data(), zeros.data()};
  std::vector<Accuracy> results;
  for (Func f : {Func::kRelu, Func::kLeakyRelu, Func::kElu, Func::kSigmoid,
                 Func::kTanh}) {
    for (const auto& peer : peers) {
      if (IsRoof(peer->Name())) continue;
      std::function<void()> fn = peer->Prepare({f, Kind::kForward, n, 0}, b);
      if (!fn) continue;
      peer->Activate();
      fn();
      Accuracy a{FuncName(f), peer->Name()};
      for (size_t i = 0; i < n; ++i) {
        const float want = static_cast<float>(Reference(f, in[i])),
                    got = out.data()[i];
        if (isnan(in[i])) a.at_nan = got;
        if (isnan(want) != isnan(got)) {
          ++a.wrong_nan;
        } else if (!isnan(want)) {
          const int64_t d = std::llabs(Ordered(got) - Ordered(want));
          a.max_ulp_all = std::max(a.max_ulp_all, d);
          const bool normal = want == 0 || fabsf(want) >= 1.17549435e-38f;
          if (normal && d > a.max_ulp) a.max_ulp = d, a.worst_x = in[i];
        }
      }
      results.push_back(a);
    }
  }
  simdact_set_target("auto");
  return results;
}

// --- Output ---------------------------------------------------------------

std::vector<std::string> PeerNames(
    const std::vector<std::unique_ptr<Peer>>& peers) {
  std::vector<std::string> names;
  for (const auto& p : peers) names.push_back(p->Name());
  return names;
}

// simdact (or simdact-TARGET) over the best library not named simdact*
// (the roof is not a library).
double Ratio(const Rates& r, const std::string& lib) {
  double best_peer = 0;
  for (const auto& [name, rate] : r) {
    if (name.rfind("simdact", 0) != 0 && !IsRoof(name)) {
      best_peer = std::max(best_peer, rate);
    }
  }
  const auto it = r.find(lib);
  return it == r.end() || best_peer == 0 ? 0 : it->second / best_peer;
}

// simdact over the memory roof, or 0 where it was not measured.
double RoofRatio(const Rates& r) {
  const auto roof = r.find("copy"), it = r.find("simdact");
  return roof == r.end() || it == r.end() ? 0 : it->second / roof->second;
}

void PrintTable(const std::vector<Case>& cases, const std::vector<Rates>& rates,
                const std::vector<std::string>& libs) {
  const bool avx2 = std::count(libs.begin(), libs.end(), "simdact-avx2") > 0;
  std::string size;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].size != size) {
      size = cases[i].size;
      printf("\n[%s]\n%-30s", size.c_str(), "elements/ns");
      for (const std::string& l : libs) printf("%13s", l.c_str());
      printf("%9s%s%s\n", "ratio", avx2 ? "  ratio-avx2" : "",
             size == kDramSize ? "  vs copy" : "");
    }
    printf("%-30s", cases[i].name.c_str());
    for (const std::string& l : libs) {
      const auto it = rates[i].find(l);
      if (it == rates[i].end())
        printf("%13s", "-");
      else
        printf("%13.3f", it->second);
    }
    const double ratio = Ratio(rates[i], "simdact");
    if (ratio > 0)
      printf("%8.2fx", ratio);
    else
      printf("%9s", "-");
    if (avx2 && ratio > 0) printf("%11.2fx", Ratio(rates[i], "simdact-avx2"));
    if (size == kDramSize && RoofRatio(rates[i]) > 0) {
      printf("%8.2fx", RoofRatio(rates[i]));
    }
    printf("\n");
  }
}

void PrintAccuracy(const std::vector<Accuracy>& acc) {
  printf(
      "\nAccuracy of forward kernels vs the double reference: 2^16 inputs in "
      "[-110, 110] plus specials (NaN, +-inf, +-0, +-FLT_MAX, subnormals)\n");
  printf(
      "max ULP: where the exact result is a normal float (or 0); with "
      "subnormals: over all results (flushing a subnormal to 0 costs up to "
      "2^23)\n");
  printf("%-12s%-14s%10s%14s%16s%10s%11s\n", "function", "library", "max ULP",
         "worst at x", "with subnormal", "f(NaN)", "NaN wrong");
  for (const Accuracy& a : acc) {
    printf("%-12s%-14s%10lld%14.6g%16lld%10g%11d\n", a.func.c_str(),
           a.library.c_str(), static_cast<long long>(a.max_ulp), a.worst_x,
           static_cast<long long>(a.max_ulp_all), fabsf(a.at_nan), a.wrong_nan);
  }
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

void WriteJson(const std::string& path, const std::vector<Case>& cases,
               const std::vector<Rates>& rates,
               const std::vector<Accuracy>& acc,
               const std::vector<std::unique_ptr<Peer>>& peers,
               const Options& o) {
  std::ofstream f(path);
  f << "{\n  \"cpu\": \"" << CpuName() << "\",\n  \"isa\": \"" << o.isa
    << "\",\n  \"threads\": 1,\n"
    << "  \"repetitions\": " << o.reps << ",\n  \"min_ms\": " << o.min_ms
    << ",\n  \"libraries\": [";
  std::string roof;  // the roof's "info" (its rates are in elements_per_ns)
  bool first_lib = true;
  for (const auto& peer : peers) {
    if (IsRoof(peer->Name())) {
      roof = peer->Info();
      continue;
    }
    f << (first_lib ? "" : ", ") << "{\"name\": \"" << peer->Name()
      << "\", \"info\": \"" << peer->Info() << "\"}";
    first_lib = false;
  }
  f << "],\n  \"roof\": {\"name\": \"copy\", \"info\": \"" << roof
    << "\"},\n  \"results\": [\n";
  for (size_t i = 0; i < cases.size(); ++i) {
    const Problem& p = cases[i].problem;
    f << "    {\"name\": \"" << cases[i].name << "\", \"function\": \""
      << FuncName(p.func) << "\", \"kind\": \"" << KindName(p.kind)
      << "\", \"size\": \"" << cases[i].size << "\", \"n\": " << p.n
      << ", \"cols\": " << p.cols << ", \"elements_per_ns\": {";
    bool first = true;
    for (const auto& [name, rate] : rates[i]) {
      f << (first ? "" : ", ") << "\"" << name << "\": " << Num(rate);
      first = false;
    }
    const double r = Ratio(rates[i], "simdact");
    const double roof = RoofRatio(rates[i]);
    f << "}, \"ratio_simdact_best_peer\": " << (r > 0 ? Num(r) : "null")
      << ", \"ratio_simdact_copy\": " << (roof > 0 ? Num(roof) : "null") << "}"
      << (i + 1 < cases.size() ? "," : "") << "\n";
  }
  f << "  ],\n  \"accuracy\": [\n";
  for (size_t i = 0; i < acc.size(); ++i) {
    const Accuracy& a = acc[i];
    f << "    {\"function\": \"" << a.func << "\", \"library\": \"" << a.library
      << "\", \"max_ulp\": " << a.max_ulp << ", \"worst_x\": " << Num(a.worst_x)
      << ", \"max_ulp_with_subnormals\": " << a.max_ulp_all
      << ", \"f_of_nan\": " << (isnan(a.at_nan) ? "\"nan\"" : Num(a.at_nan))
      << ", \"wrong_nan\": " << a.wrong_nan << "}"
      << (i + 1 < acc.size() ? "," : "") << "\n";
  }
  f << "  ]\n}\n";
}

// Every peer compiled in, on the widest vectors it uses on this CPU.
void AddNativePeers(std::vector<std::unique_ptr<Peer>>& peers) {
#ifdef SIMDACT_COMPARE_XNNPACK
  peers.push_back(MakeXnnpack());
#endif
#ifdef SIMDACT_COMPARE_DNNL
  peers.push_back(MakeDnnl(/*max_isa_avx2=*/false));
#endif
#ifdef SIMDACT_COMPARE_EIGEN
  peers.push_back(MakeEigen());
#endif
  (void)peers;
}

// The peers that can be limited to AVX2 (with FMA), for a CPU that also has
// AVX-512: oneDNN (set_max_cpu_isa) and Eigen (compiled with -mavx2 -mfma).
// XNNPACK chooses its kernels from CPUID and offers no limit, so it is left
// out. Adds to `notes` what was left out; false (with a message) where this
// build or CPU cannot do it.
bool AddAvx2Peers(std::vector<std::unique_ptr<Peer>>& peers,
                  std::vector<std::string>& notes) {
  if (simdact_set_target("avx2") != SIMDACT_OK) {
    fprintf(stderr, "error: --isa avx2: this CPU (or build) has no AVX2\n");
    return false;
  }
  simdact_set_target("auto");
#ifdef SIMDACT_COMPARE_XNNPACK
  notes.push_back(
      "xnnpack: left out (it picks its kernels from CPUID and cannot be "
      "limited to AVX2)");
#endif
#ifdef SIMDACT_COMPARE_DNNL
  peers.push_back(MakeDnnl(/*max_isa_avx2=*/true));
#endif
#if defined(SIMDACT_COMPARE_EIGEN_AVX2)
  peers.push_back(MakeEigenAvx2());
#elif defined(SIMDACT_COMPARE_EIGEN)
  notes.push_back("eigen: left out (no AVX2 build of it on this platform)");
#endif
  (void)peers, (void)notes;
  return true;
}

}  // namespace
}  // namespace compare

int main(int argc, char** argv) {
  using namespace compare;
  Options o;
  bool list_peers = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--json" && has_value)
      o.json = argv[++i];
    else if (a == "--filter" && has_value)
      o.filter = argv[++i];
    else if (a == "--min_ms" && has_value)
      o.min_ms = atof(argv[++i]);
    else if (a == "--reps" && has_value)
      o.reps = std::max(1, atoi(argv[++i]));
    else if (a == "--no_accuracy")
      o.accuracy = false;
    else if (a == "--list_peers")
      list_peers = true;
    else if (a == "--isa" && has_value &&
             (argv[i + 1] == std::string("native") ||
              argv[i + 1] == std::string("avx2")))
      o.isa = argv[++i];
    else {
      fprintf(stderr,
              "usage: %s [--json FILE] [--filter REGEX] [--min_ms MS] "
              "[--reps N] [--no_accuracy] [--isa native|avx2] "
              "[--list_peers]\n",
              argv[0]);
      return 2;
    }
  }

  std::vector<std::unique_ptr<Peer>> peers;
  std::vector<std::string> notes;
  if (o.isa == "avx2") {
    if (!AddAvx2Peers(peers, notes)) return 1;
  } else {
    AddNativePeers(peers);
  }
  if (list_peers) {
    for (const auto& p : peers) printf("%s\n", p->Name().c_str());
    return 0;
  }
  const bool alone = peers.empty();
  peers.insert(peers.begin(), MakeSimdact(o.isa == "avx2" ? "avx2" : "auto",
                                          /*suffixed=*/false));
  // Also simdact on AVX2 where the best target is wider (AVX-512).
  const std::string best =
      (simdact_set_target("auto"), simdact_active_target());
  if (o.isa == "native" && best != "avx2" &&
      simdact_set_target("avx2") == SIMDACT_OK) {
    peers.insert(peers.begin() + 1, MakeSimdact("avx2", /*suffixed=*/true));
  }
  simdact_set_target("auto");
  peers.push_back(MakeCopyRoof());

  printf("simdact vs peers, one thread, CPU: %s%s\n", CpuName().c_str(),
         o.isa == "avx2" ? ", everyone limited to AVX2" : "");
  for (const auto& p : peers) printf("  %s\n", p->Info().c_str());
  for (const std::string& note : notes) printf("  %s\n", note.c_str());
  if (alone) {
    printf("  (no peer library was found at build time: simdact alone)\n");
  }
  printf(
      "elements/ns (higher is better), best of %d interleaved repetitions of "
      ">= %g ms; ratio = simdact / best peer (> 1: simdact faster)\n",
      o.reps, o.min_ms);
  fflush(stdout);

  std::vector<Case> cases;
  const std::regex filter(o.filter);
  for (const Case& c : Cases()) {
    if (std::regex_search(c.name + "/" + c.size, filter)) cases.push_back(c);
  }
  size_t max_n = 0;
  for (const Case& c : cases) max_n = std::max(max_n, c.problem.n);
  Floats x(max_n), y(max_n), dy(max_n), out(max_n), dalpha(kPreluChannels),
      alpha(kPreluChannels);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-10.0f, 10.0f);
  for (size_t i = 0; i < max_n; ++i) {
    x.data()[i] = u(rng);
    dy.data()[i] = u(rng) * 0.1f;
  }
  for (size_t c = 0; c < kPreluChannels; ++c)
    alpha.data()[c] = 0.25f + 0.001f * c;
  const Buffers b{x.data(),   y.data(),      dy.data(),
                  out.data(), dalpha.data(), alpha.data()};

  std::vector<Rates> rates;
  for (const Case& c : cases) {
    // y = f(x), by simdact, for the backward-from-y kernels.
    Problem fwd = c.problem;
    fwd.kind = Kind::kForward;
    const Buffers to_y{b.x, b.y, b.dy, y.data(), b.dalpha, b.alpha};
    peers[0]->Activate();
    peers[0]->Prepare(fwd, to_y)();
    rates.push_back(Measure(c, b, peers, o));
  }
  const std::vector<std::string> libs = PeerNames(peers);
  PrintTable(cases, rates, libs);

  std::vector<Accuracy> acc;
  if (o.accuracy) {
    acc = MeasureAccuracy(peers);
    PrintAccuracy(acc);
  }
  if (!o.json.empty()) {
    WriteJson(o.json, cases, rates, acc, peers, o);
    printf("\nwrote %s\n", o.json.c_str());
  }
  return 0;
}
