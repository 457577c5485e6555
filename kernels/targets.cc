// Which kernels every call goes to: the compiled Highway targets, best
// first, then "reference". The choice is process-wide, starts at the best
// target the CPU supports (or SIMDACT_TARGET), and changes with
// simdact_set_target. It is kept apart from Highway's own global chosen
// target, so nothing else in the process can reset it.
#include "kernels/targets.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "hwy/targets.h"
#include "kernels/kernel_set.h"

#if HWY_ARCH_X86 && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

namespace simdact {
namespace internal {
namespace {

struct TargetTable {
  std::vector<Target> targets;   // compiled, best first; reference last
  const Target* best = nullptr;  // best supported
};

std::string Lower(const char* s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

const TargetTable& Table() {
  static const TargetTable* table = [] {
    auto* t = new TargetTable;
    const int64_t compiled = CompiledTargetBits();
    const int64_t supported = hwy::SupportedTargets() & compiled;
    t->targets.reserve(64);
    // In HWY_TARGETS, a lower bit is a better target.
    for (int64_t bits = compiled; bits != 0; bits &= bits - 1) {
      const int64_t bit = bits & -bits;
      t->targets.push_back(Target{Lower(hwy::TargetName(bit)), bit,
                                  (supported & bit) != 0,
                                  KernelsForTarget(bit)});
    }
    t->targets.push_back(Target{"reference", 0, true, ReferenceKernels()});
    for (const Target& target : t->targets) {
      if (target.supported) {
        t->best = &target;
        break;
      }
    }
    return t;
  }();
  return *table;
}

// Bytes of the largest data or unified cache that CPU 0 reports in Linux's
// sysfs (the last level: an L3 of 32 MiB per Zen 4 CCD), or 0. sysconf's
// _SC_LEVEL3_CACHE_SIZE is not used: under this project's VM it reports
// 320 MiB, the whole package's L3.
size_t LastLevelCacheBytes() {
  size_t largest = 0;
#if defined(__linux__)
  for (int index = 0; index < 16; ++index) {
    char path[96];
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/",
             index);
    const std::string dir = path;
    char type[32] = "", size[32] = "";
    FILE* f = fopen((dir + "type").c_str(), "r");
    if (f == nullptr) break;
    const bool have_type = fscanf(f, "%31s", type) == 1;
    fclose(f);
    if (!have_type || strcmp(type, "Instruction") == 0) continue;
    f = fopen((dir + "size").c_str(), "r");
    if (f == nullptr) continue;
    const bool have_size = fscanf(f, "%31s", size) == 1;
    fclose(f);
    if (!have_size) continue;
    char* unit = nullptr;
    size_t bytes = strtoull(size, &unit, 10);
    if (*unit == 'K') bytes <<= 10;
    if (*unit == 'M') bytes <<= 20;
    if (*unit == 'G') bytes <<= 30;
    largest = bytes > largest ? bytes : largest;
  }
#endif
  return largest;
}

void InitFromEnvironment() {
  const size_t cache_bytes = LastLevelCacheBytes();
  if (cache_bytes != 0) g_stream_stores_from = cache_bytes / sizeof(float);
  const Target* chosen = Table().best;
  const char* env = getenv("SIMDACT_TARGET");
  if (env != nullptr && env[0] != '\0') {
    const simdact_status status = FindTarget(env, &chosen);
    if (status != SIMDACT_OK) {
      fprintf(stderr,
              "simdact: SIMDACT_TARGET=%s: %s. Supported targets here:", env,
              simdact_status_string(status));
      for (const Target& t : Table().targets) {
        if (t.supported) fprintf(stderr, " %s", t.name.c_str());
      }
      fprintf(stderr, " (or auto).\n");
      abort();
    }
  }
  g_active_target.store(chosen);
}

}  // namespace

const std::vector<Target>& AllTargets() { return Table().targets; }

simdact_status FindTarget(const char* name, const Target** out) {
  const std::string wanted = Lower(name);
  if (wanted == "auto") {
    *out = Table().best;
    return SIMDACT_OK;
  }
  for (const Target& t : Table().targets) {
    if (t.name == wanted) {
      if (!t.supported) return SIMDACT_ERROR_UNSUPPORTED_TARGET;
      *out = &t;
      return SIMDACT_OK;
    }
  }
  return SIMDACT_ERROR_UNKNOWN_TARGET;
}

std::atomic<const Target*> g_active_target{nullptr};

namespace {
// AMD family 0x19 (Zen 3, Zen 4): of these only Zen 4 has AVX-512, whose
// memory-bound loops are faster on 256-bit vectors (kernel_set.h).
bool IsAmdFamily19h() {
#if HWY_ARCH_X86 && (defined(__GNUC__) || defined(__clang__))
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return false;
  // "AuthenticAMD" in b, d, c.
  if (b != 0x68747541 || d != 0x69746e65 || c != 0x444d4163) return false;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const unsigned base_family = (a >> 8) & 0xF;
  const unsigned extended_family = (a >> 20) & 0xFF;
  return base_family == 0xF && base_family + extended_family == 0x19;
#else
  return false;
#endif
}
}  // namespace

size_t g_narrow_loops_from = IsAmdFamily19h() ? size_t{1} << 18 : SIZE_MAX;
size_t g_stream_stores_from = SIZE_MAX;

const Target& InitActiveTarget() {
  static std::once_flag once;
  std::call_once(once, InitFromEnvironment);
  return *g_active_target.load(std::memory_order_acquire);
}

void SetActiveTarget(const Target* target) {
  InitActiveTarget();  // the environment is read first, so it cannot win
  g_active_target.store(target, std::memory_order_release);
}

}  // namespace internal
}  // namespace simdact
