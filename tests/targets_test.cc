// The target API: listing, forcing, errors, the reference pseudo-target, and
// that forcing survives calls into Highway's own target detection.
#include "hwy/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "simdact/simdact.h"
#include "simdact/simdact.hpp"

namespace simdact {
namespace test {
namespace {

TEST(Targets, SupportedIsSubsetOfCompiled) {
  const std::vector<std::string> compiled = CompiledTargets();
  const std::vector<std::string> supported = SupportedTargets();
  ASSERT_GE(supported.size(), 2u);  // at least one SIMD/scalar + reference
  EXPECT_EQ(compiled.back(), "reference");
  EXPECT_EQ(supported.back(), "reference");
  for (const std::string& s : supported) {
    EXPECT_NE(std::find(compiled.begin(), compiled.end(), s), compiled.end())
        << s;
  }
  EXPECT_EQ(simdact_compiled_targets(nullptr, 0), compiled.size());
}

TEST(Targets, ForceEachSupportedAndBack) {
  for (const std::string& name : SupportedTargets()) {
    ASSERT_EQ(SetTarget(name), Status::kOk);
    EXPECT_EQ(ActiveTarget(), name);
  }
  // Case-insensitive; "auto" is the best supported target.
  ASSERT_EQ(simdact_set_target("REFERENCE"), SIMDACT_OK);
  EXPECT_STREQ(simdact_active_target(), "reference");
  ASSERT_EQ(simdact_set_target("auto"), SIMDACT_OK);
  EXPECT_EQ(ActiveTarget(), SupportedTargets().front());
}

TEST(Targets, UnknownAndUnsupportedAreErrors) {
  const std::string before = ActiveTarget();
  EXPECT_EQ(simdact_set_target("avx9000"), SIMDACT_ERROR_UNKNOWN_TARGET);
  EXPECT_EQ(simdact_set_target(""), SIMDACT_ERROR_UNKNOWN_TARGET);
  EXPECT_EQ(simdact_set_target(nullptr), SIMDACT_ERROR_NULL_POINTER);
  const std::vector<std::string> supported = SupportedTargets();
  for (const std::string& name : CompiledTargets()) {
    if (std::find(supported.begin(), supported.end(), name) ==
        supported.end()) {
      EXPECT_EQ(simdact_set_target(name.c_str()),
                SIMDACT_ERROR_UNSUPPORTED_TARGET)
          << name;
    }
  }
  EXPECT_EQ(ActiveTarget(), before);  // no silent fallback
}

// When SIMDACT_EXPECT_TARGETS lists the targets a run must exercise (as the
// emulated runs do, per CPU model), the supported list must be exactly that:
// a missing target fails instead of passing by running nothing.
TEST(Targets, ExpectedTargetsAreSupported) {
  const char* env = getenv("SIMDACT_EXPECT_TARGETS");
  if (env == nullptr) GTEST_SKIP() << "SIMDACT_EXPECT_TARGETS not set";
  std::string joined;
  for (const std::string& t : SupportedTargets()) {
    joined += (joined.empty() ? "" : ",") + t;
  }
  EXPECT_EQ(joined, env);
  printf("targets run: %s\n", joined.c_str());
}

// Highway 1.0.3's SupportedTargets() resets Highway's global chosen target;
// simdact keeps its own, so a forced target survives.
TEST(Targets, ForcingSurvivesHighwayDetection) {
  const std::vector<std::string> supported = SupportedTargets();
  const std::string last_simd = supported[supported.size() - 2];
  ASSERT_EQ(SetTarget(last_simd), Status::kOk);
  (void)hwy::SupportedTargets();
  hwy::SetSupportedTargetsForTest(0);
  EXPECT_EQ(ActiveTarget(), last_simd);
  const float x[3] = {1.0f, -1.0f, 0.0f};
  float y[3];
  ASSERT_EQ(Sigmoid(x, y, 3), Status::kOk);
  EXPECT_EQ(ActiveTarget(), last_simd);
  ASSERT_EQ(SetTarget("auto"), Status::kOk);
}

// The reference target computes in double: sigmoid(1) rounded once.
TEST(Targets, ReferenceIsCorrectlyRounded) {
  ASSERT_EQ(SetTarget("reference"), Status::kOk);
  const float x[1] = {1.0f};
  float y[1];
  ASSERT_EQ(Sigmoid(x, y, 1), Status::kOk);
  EXPECT_EQ(y[0], static_cast<float>(1.0 / (1.0 + 0.36787944117144233)));
  ASSERT_EQ(SetTarget("auto"), Status::kOk);
}

}  // namespace
}  // namespace test
}  // namespace simdact

namespace simdact {
namespace test {
namespace {

// Under emulation the death tests' re-executed child would run natively.
bool UnderEmulation() { return getenv("SIMDACT_UNDER_EMULATION") != nullptr; }

// SIMDACT_TARGET is read once, at the first call that needs a target. These
// run in a fresh process (death-test "threadsafe" style re-executes the
// binary) so that first call happens inside the statement.
TEST(TargetsDeathTest, EnvironmentForcesTarget) {
  if (UnderEmulation()) GTEST_SKIP() << "death tests re-execute the binary";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("SIMDACT_TARGET", "Reference", 1);
        const bool ok = strcmp(simdact_active_target(), "reference") == 0;
        fprintf(stderr, "active=%s\n", simdact_active_target());
        exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "active=reference");
}

TEST(TargetsDeathTest, UnknownEnvironmentTargetAborts) {
  if (UnderEmulation()) GTEST_SKIP() << "death tests re-execute the binary";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        setenv("SIMDACT_TARGET", "bogus", 1);
        simdact_active_target();
      },
      "SIMDACT_TARGET=bogus: unknown target");
}

}  // namespace
}  // namespace test
}  // namespace simdact
