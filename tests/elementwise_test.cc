// Element-wise kernels on every supported target against the double
// reference: a sweep of 2^20 inputs over the whole float range with the
// special values, every length up to several vectors at every misalignment,
// in place, and agreement between targets.
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/accuracy_report.h"
#include "tests/elementwise_cases.h"
#include "tests/test_util.h"

namespace simdact {
namespace test {
namespace {

// 2^20 inputs natively; SIMDACT_TEST_SWEEP=k makes it 2^k (emulated runs,
// which are 30-130x slower, use 2^15).
const size_t kSweep = [] {
  const char* env = getenv("SIMDACT_TEST_SWEEP");
  return size_t{1} << (env != nullptr ? atoi(env) : 20);
}();

// Inputs of one case: x (or y = f(x) for from-output kernels) and dy.
struct CaseInputs {
  std::vector<float> in, dy;
  std::vector<double> expected;
};

CaseInputs MakeInputs(const ElementwiseCase& c, size_t n, uint32_t seed) {
  CaseInputs inputs;
  inputs.in = SweepInputs(n, seed);
  if (c.kind == Kind::kBackwardFromOutput) {
    const ElementwiseCase f = ForwardOf(c);
    for (float& v : inputs.in) v = static_cast<float>(f.Reference(v, 0.0));
  }
  inputs.dy = GradientInputs(n, seed + 1);
  inputs.expected.resize(n);
  for (size_t i = 0; i < n; ++i) {
    inputs.expected[i] = c.Reference(inputs.in[i], inputs.dy[i]);
  }
  return inputs;
}

// Error of out[i] in ULPs of the expected value, or 0 when a backward
// kernel is within |dy| 2^-148 (where f' is subnormal). Also returns whether
// it is within the case's bound.
double ErrorUlps(const ElementwiseCase& c, float out, double expected, float in,
                 float dy, bool* ok) {
  const double dist = c.Distance(out, expected, in, dy);
  *ok = dist <= c.max_ulp;
  // An exact kernel also gets the sign of a zero right (relu(-0) = +0).
  if (c.max_ulp == 0 && out == 0 && expected == 0 &&
      signbit(out) != signbit(expected)) {
    *ok = false;
    return 1.0;
  }
  if (*ok) return dist;
  if (c.Backward() && fabs(c.Math(in)) < FLT_MIN) {
    // f' is subnormal or below the float range, where it cannot be more
    // precise than 2^-149: allow |dy| 2^-148, and NaN for inf * 0.
    *ok = fabs(out - expected) <= fabs(dy) * std::ldexp(1.0, -148) ||
          (isinf(dy) && isnan(out));
    return 0.0;  // not counted in the ULP statistics
  }
  return dist;
}

// Checks n outputs; reports the first few failures with their inputs.
void ExpectWithinBound(const ElementwiseCase& c, const CaseInputs& inputs,
                       const float* out, size_t n, double* max_err) {
  int reported = 0;
  for (size_t i = 0; i < n; ++i) {
    bool ok;
    const double err = ErrorUlps(c, out[i], inputs.expected[i], inputs.in[i],
                                 inputs.dy[i], &ok);
    if (max_err != nullptr && ok && err > *max_err) *max_err = err;
    if (!ok && reported++ < 5) {
      ADD_FAILURE() << c.Name() << " in=" << inputs.in[i]
                    << " dy=" << inputs.dy[i] << " got " << out[i] << " want "
                    << inputs.expected[i] << " (" << err << " ULP, bound "
                    << c.max_ulp << ")";
    }
  }
}

const CaseInputs& CachedSweep(const ElementwiseCase& c) {
  static std::map<std::string, CaseInputs> cache;
  auto it = cache.find(c.Name());
  if (it == cache.end()) {
    it = cache.emplace(c.Name(), MakeInputs(c, kSweep, 1234)).first;
  }
  return it->second;
}

using ElementwiseTest = TargetTest;

TEST_P(ElementwiseTest, SweepWithinBound) {
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const CaseInputs& inputs = CachedSweep(c);
    std::vector<float> out(kSweep);
    ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), out.data(), kSweep),
              SIMDACT_OK);
    double max_err = 0.0;
    ExpectWithinBound(c, inputs, out.data(), kSweep, &max_err);
    AccuracyReport::Get().Record(c.Name(), GetParam(), max_err);
  }
}

// NaN in gives NaN out, in every kernel (dy NaN too for backward kinds).
TEST_P(ElementwiseTest, NaNPropagates) {
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const std::vector<float> in = {NAN, 1.0f, -1.0f, 0.0f, NAN};
    const std::vector<float> dy = {1.0f, NAN, NAN, NAN, NAN};
    std::vector<float> out(in.size(), 0.0f);
    ASSERT_EQ(c.Run(in.data(), dy.data(), out.data(), in.size()), SIMDACT_OK);
    EXPECT_TRUE(isnan(out[0]));
    if (c.Backward()) {
      for (float v : out) EXPECT_TRUE(isnan(v));
    }
  }
}

// Every length from 0 to 5 vectors of the widest target (and 200, for SVE's
// longest vectors), at misalignments 0..3 floats, out of place and in place.
// Elements around the output must stay untouched, and each result must not
// depend on where its input sits in a vector: the same bits at every
// misalignment.
TEST_P(ElementwiseTest, LengthsAlignmentsInPlace) {
  constexpr float kCanary = 12345.0f;
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const CaseInputs inputs = MakeInputs(c, 256, 99);
    std::vector<size_t> lengths;
    for (size_t n = 0; n <= 80; ++n) lengths.push_back(n);
    lengths.push_back(200);
    for (size_t n : lengths) {
      std::vector<float> aligned_out;
      for (size_t offset = 0; offset < 4; ++offset) {
        std::vector<float> in(n + 8), dy(n + 8), out(n + 8, kCanary);
        std::copy(inputs.in.begin(), inputs.in.begin() + n,
                  in.begin() + offset);
        std::copy(inputs.dy.begin(), inputs.dy.begin() + n,
                  dy.begin() + offset);
        ASSERT_EQ(c.Run(in.data() + offset, dy.data() + offset,
                        out.data() + offset, n),
                  SIMDACT_OK);
        ExpectWithinBound(c, inputs, out.data() + offset, n, nullptr);
        if (offset == 0) aligned_out.assign(out.begin(), out.begin() + n);
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(memcmp(&aligned_out[i], &out[offset + i], sizeof(float)), 0)
              << "n=" << n << ": result " << i << " at offset " << offset
              << " differs from that at offset 0";
        }
        for (size_t i = 0; i < offset; ++i) ASSERT_EQ(out[i], kCanary);
        for (size_t i = offset + n; i < out.size(); ++i) {
          ASSERT_EQ(out[i], kCanary) << "n=" << n << " wrote past the end";
        }
        // In place: y over x (forward kinds) or dx over dy (backward kinds).
        std::vector<float>& target = c.Backward() ? dy : in;
        ASSERT_EQ(c.Run(in.data() + offset, dy.data() + offset,
                        target.data() + offset, n),
                  SIMDACT_OK);
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(UlpDistance(target[offset + i], out[offset + i]), 0u)
              << "in-place result differs at " << i << " of " << n;
        }
      }
    }
  }
}

// On AVX-512 the memory-bound loops can run on 256-bit vectors
// (internal::g_narrow_loops_from, set on AMD Zen 4 for long buffers): both
// ways give the same bits, at lengths around the unrolled groups and
// misaligned.
TEST_P(ElementwiseTest, NarrowLoopsGiveTheSameBits) {
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const CaseInputs inputs = MakeInputs(c, 4100, 7);
    for (size_t n : {1, 7, 9, 15, 17, 33, 64, 67, 200, 4099}) {
      for (size_t offset : {size_t{0}, size_t{1}}) {
        const float* in = inputs.in.data() + offset;
        const float* dy = inputs.dy.data() + offset;
        std::vector<float> wide(n), narrow(n);
        {
          const ScopedNarrowLoopsFrom never(SIZE_MAX);
          ASSERT_EQ(c.Run(in, dy, wide.data(), n), SIMDACT_OK);
        }
        {
          const ScopedNarrowLoopsFrom always(0);
          ASSERT_EQ(c.Run(in, dy, narrow.data(), n), SIMDACT_OK);
        }
        ASSERT_EQ(memcmp(wide.data(), narrow.data(), n * sizeof(float)), 0)
            << "n=" << n << " offset=" << offset;
      }
    }
  }
}

// On x86, outputs larger than the last-level cache are written with
// streaming stores (internal::g_stream_stores_from): forced here at every
// length, they give the same bits as plain stores (as does a call in place,
// which keeps plain stores), at both AVX-512 widths, with the output 0, 1,
// 3, 9 and 13 floats past a 64-byte boundary (so 0 to 15 elements before
// the first aligned vector take the plain path).
TEST_P(ElementwiseTest, StreamingStoresGiveTheSameBits) {
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const CaseInputs inputs = MakeInputs(c, 4100, 11);
    for (size_t n : {1, 3, 8, 15, 17, 33, 64, 67, 200, 4099}) {
      std::vector<float> plain(n), storage(n + 32), in_place_storage(n + 32);
      {
        const ScopedStreamStoresFrom never(SIZE_MAX);
        ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), plain.data(), n),
                  SIMDACT_OK);
      }
      for (size_t narrow_from : {SIZE_MAX, size_t{0}}) {
        const ScopedNarrowLoopsFrom narrow(narrow_from);
        const ScopedStreamStoresFrom always(0);
        for (size_t offset : {0, 1, 3, 9, 13}) {
          float* out = Aligned64(storage) + offset;
          ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), out, n),
                    SIMDACT_OK);
          ASSERT_EQ(memcmp(plain.data(), out, n * sizeof(float)), 0)
              << "n=" << n << " output offset=" << offset
              << " narrow=" << (narrow_from == 0);
          // In place: y over x (forward kinds) or dx over dy (backward).
          float* io = Aligned64(in_place_storage) + offset;
          const std::vector<float>& over = c.Backward() ? inputs.dy : inputs.in;
          std::copy(over.begin(), over.begin() + n, io);
          ASSERT_EQ(c.Backward() ? c.Run(inputs.in.data(), io, io, n)
                                 : c.Run(io, inputs.dy.data(), io, n),
                    SIMDACT_OK);
          ASSERT_EQ(memcmp(plain.data(), io, n * sizeof(float)), 0)
              << "in place, n=" << n << " offset=" << offset
              << " narrow=" << (narrow_from == 0);
        }
      }
    }
  }
}

// A result does not depend on its neighbours in a vector (kernels branch per
// vector on the range of all its lanes: every path must give the same bits
// for a lane): each of 256 mixed inputs alone, as a call of length 1, gives
// what it gave in the whole buffer.
TEST_P(ElementwiseTest, ResultsDoNotDependOnNeighbours) {
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const size_t n = 256;
    const CaseInputs inputs = MakeInputs(c, n, 99);
    std::vector<float> whole(n);
    ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), whole.data(), n),
              SIMDACT_OK);
    for (size_t i = 0; i < n; ++i) {
      float alone;
      ASSERT_EQ(c.Run(&inputs.in[i], &inputs.dy[i], &alone, 1), SIMDACT_OK);
      if (isnan(alone) && isnan(whole[i])) continue;
      ASSERT_EQ(memcmp(&alone, &whole[i], sizeof(float)), 0)
          << "input " << inputs.in[i] << " (dy " << inputs.dy[i] << "): alone "
          << alone << ", in the buffer " << whole[i];
    }
  }
}

SIMDACT_INSTANTIATE_FOR_TARGETS(ElementwiseTest);

// Every supported target gives results within 2x the bound of the best one
// over the sweep; the largest difference is reported (0 = bit-identical).
TEST(CrossTarget, ElementwiseAgreement) {
  std::vector<std::string> targets = SupportedTargetNames();
  targets.pop_back();  // "reference" is the oracle, measured above
  for (const ElementwiseCase& c : AllElementwiseCases()) {
    SCOPED_TRACE(c.Name());
    const CaseInputs& inputs = CachedSweep(c);
    std::vector<float> first(kSweep), out(kSweep);
    ASSERT_EQ(simdact_set_target(targets[0].c_str()), SIMDACT_OK);
    ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), first.data(), kSweep),
              SIMDACT_OK);
    for (size_t t = 1; t < targets.size(); ++t) {
      ASSERT_EQ(simdact_set_target(targets[t].c_str()), SIMDACT_OK);
      ASSERT_EQ(c.Run(inputs.in.data(), inputs.dy.data(), out.data(), kSweep),
                SIMDACT_OK);
      double max_diff = 0;
      for (size_t i = 0; i < kSweep; ++i) {
        // Skip where a backward kernel's f' is below FLT_MIN (see ErrorUlps).
        if (c.Backward() && !(fabs(c.Math(inputs.in[i])) >= FLT_MIN)) {
          continue;
        }
        const double d =
            c.Distance(out[i], first[i], inputs.in[i], inputs.dy[i]);
        if (d > max_diff) max_diff = d;
      }
      EXPECT_LE(max_diff, 2.0 * c.max_ulp)
          << targets[t] << " vs " << targets[0];
      AccuracyReport::Get().Record("agree:" + c.Name(),
                                   targets[t] + "-" + targets[0], max_diff);
    }
  }
  simdact_set_target("auto");
}

}  // namespace
}  // namespace test
}  // namespace simdact
