// Helpers shared by the tests: ULP distances, input generators, and the
// target parameterisation (every supported target plus "reference").
#ifndef SIMDACT_TESTS_TEST_UTIL_H_
#define SIMDACT_TESTS_TEST_UTIL_H_

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernels/kernel_set.h"
#include "simdact/simdact.h"

namespace simdact {
namespace test {

// Maps a float to an integer so that adjacent floats differ by 1 and the
// order is kept; -0 and +0 both map to 0.
inline int64_t OrderedBits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof(u));
  const int64_t magnitude = u & 0x7FFFFFFFu;
  return (u >> 31) ? -magnitude : magnitude;
}

// Distance in float ULPs; 0 when both are NaN, huge when only one is.
inline uint64_t UlpDistance(float a, float b) {
  if (isnan(a) || isnan(b)) return (isnan(a) && isnan(b)) ? 0 : UINT64_MAX;
  const int64_t d = OrderedBits(a) - OrderedBits(b);
  return static_cast<uint64_t>(d < 0 ? -d : d);
}

// The spacing of floats at |v| (for normal v: 2^(exponent - 23)); the
// smallest subnormal below FLT_MIN.
inline double UlpOf(double v) {
  v = fabs(v);
  if (v < FLT_MIN) return std::ldexp(1.0, -149);
  int e;
  frexp(v, &e);  // v = m 2^e, m in [0.5, 1)
  return std::ldexp(1.0, e - 24);
}

inline float Bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof(f));
  return f;
}

// Sets one of the library's length thresholds (kernel_set.h) for a scope.
class ScopedThreshold {
 public:
  ScopedThreshold(size_t& threshold, size_t value)
      : threshold_(threshold), saved_(threshold) {
    threshold = value;
  }
  ~ScopedThreshold() { threshold_ = saved_; }
  ScopedThreshold(const ScopedThreshold&) = delete;
  ScopedThreshold& operator=(const ScopedThreshold&) = delete;

 private:
  size_t& threshold_;
  size_t saved_;
};

// internal::g_narrow_loops_from: 0 makes the AVX-512 memory-bound loops run
// on 256-bit vectors at every length, SIZE_MAX on 512-bit ones, whatever
// this CPU would get.
struct ScopedNarrowLoopsFrom : ScopedThreshold {
  explicit ScopedNarrowLoopsFrom(size_t from)
      : ScopedThreshold(internal::g_narrow_loops_from, from) {}
};

// internal::g_stream_stores_from: 0 makes the x86 memory-bound loops write
// with streaming stores at every length, SIZE_MAX never, whatever this
// CPU's last-level cache would give.
struct ScopedStreamStoresFrom : ScopedThreshold {
  explicit ScopedStreamStoresFrom(size_t from)
      : ScopedThreshold(internal::g_stream_stores_from, from) {}
};

// The first element of v whose address is a multiple of 64 bytes (v must
// have 15 floats to spare), for tests that need a given alignment.
inline float* Aligned64(std::vector<float>& v) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(v.data());
  const uintptr_t misaligned = p % 64;
  return v.data() + (misaligned ? (64 - misaligned) / sizeof(float) : 0);
}

// Values every kernel must handle, whatever its range.
inline std::vector<float> SpecialValues() {
  std::vector<float> v = {
      0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, FLT_MAX, -FLT_MAX, FLT_MIN,
      -FLT_MIN, Bits(1), Bits(0x80000001u),  // denorm_min
      Bits(0x00400000u), Bits(0x80400000u),  // subnormals
      1.0f, -1.0f, 0.5f, -0.5f, 1e-30f, -1e-30f,
      // thresholds of the kernels' branches and of the
      // results' range (overflow, underflow, rounding)
      0.5493061f, -0.5493061f, 9.01f, -9.01f, 17.33f, -17.33f, 18.0f, -18.0f,
      87.33f, -87.33f, 88.72283f, -88.72283f, 89.0f, -89.0f, 103.97f, -103.97f,
      104.0f, -104.0f, 100.0f, -100.0f, 50.0f, -50.0f};
  return v;
}

// n inputs spread over the whole float range: a quarter random bit patterns
// of any exponent (NaN included), the rest uniform in ranges where the
// kernels change behaviour. Special values first. The kinds come in blocks
// of 64, so that whole vectors stay in range and the kernels' per-vector
// fast paths are tested as well as their general paths.
inline std::vector<float> SweepInputs(size_t n, uint32_t seed) {
  std::vector<float> v = SpecialValues();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> wide(-110.0f, 110.0f);
  std::uniform_real_distribution<float> mid(-10.0f, 10.0f);
  std::uniform_real_distribution<float> narrow(-1.0f, 1.0f);
  while (v.size() < n) {
    switch ((v.size() / 64) % 4) {
      case 0:
        v.push_back(Bits(rng()));
        break;
      case 1:
        v.push_back(wide(rng));
        break;
      case 2:
        v.push_back(mid(rng));
        break;
      default:
        v.push_back(narrow(rng) * std::ldexp(1.0f, -(rng() % 30)));
        break;
    }
  }
  v.resize(n);
  return v;
}

// Upstream gradients: mostly moderate, with special values mixed in.
inline std::vector<float> GradientInputs(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> g(-4.0f, 4.0f);
  std::vector<float> v(n);
  const std::vector<float> special = SpecialValues();
  for (size_t i = 0; i < n; ++i) {
    v[i] = (i % 97 == 3) ? special[(i / 97) % special.size()] : g(rng);
  }
  return v;
}

// n floats uniform in [lo, hi), reproducible from the seed.
inline std::vector<float> RandomRow(size_t n, float lo, float hi,
                                    uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float& f : v) f = u(rng);
  return v;
}

// A name (canonical or alias) and the activation it must map to.
struct NamedActivation {
  const char* name;
  simdact_activation act;
};

// Each name maps to its activation through simdact_activation_from_name.
inline void ExpectNamesMapTo(std::initializer_list<NamedActivation> names) {
  for (const auto& n : names) {
    simdact_activation act;
    ASSERT_EQ(simdact_activation_from_name(n.name, &act), SIMDACT_OK) << n.name;
    EXPECT_EQ(act, n.act) << n.name;
  }
}

// Every activation value in [first, last] has a canonical name that maps
// back to it.
inline void ExpectNamesRoundTrip(simdact_activation first,
                                 simdact_activation last) {
  for (int a = first; a <= last; ++a) {
    const auto act = static_cast<simdact_activation>(a);
    const char* name = simdact_activation_name(act);
    ASSERT_NE(name, nullptr) << a;
    simdact_activation back;
    ASSERT_EQ(simdact_activation_from_name(name, &back), SIMDACT_OK) << name;
    EXPECT_EQ(back, act) << name;
  }
}

// Targets this CPU can run, "reference" included: the test parameters.
inline std::vector<std::string> SupportedTargetNames() {
  const char* names[64];
  const size_t n = simdact_supported_targets(names, 64);
  return std::vector<std::string>(names, names + n);
}

// A fixture whose parameter is a target name; every call in the test goes
// to that target.
class TargetTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(simdact_set_target(GetParam().c_str()), SIMDACT_OK);
    ASSERT_EQ(std::string(simdact_active_target()), GetParam());
  }
  void TearDown() override { simdact_set_target("auto"); }
};

inline std::string TargetParamName(
    const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return name;
}

#define SIMDACT_INSTANTIATE_FOR_TARGETS(suite)                    \
  INSTANTIATE_TEST_SUITE_P(                                       \
      Targets, suite,                                             \
      testing::ValuesIn(::simdact::test::SupportedTargetNames()), \
      ::simdact::test::TargetParamName)

}  // namespace test
}  // namespace simdact

#endif  // SIMDACT_TESTS_TEST_UTIL_H_
