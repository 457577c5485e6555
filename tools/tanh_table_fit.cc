// Generator of the AVX-512 tanh's coefficient tables in
// kernels/tanh_table-inl.h (not part of the library). Build and run from the
// repository root:
//   g++ -O2 -mfma -I . -o /tmp/tanh_table_fit tools/tanh_table_fit.cc
//   /tmp/tanh_table_fit [STEP]   # checks every STEP-th float (default 1)
//
// tanh(a), a = |x| clamped to kClamp, is a polynomial of degree 5 in
// t = a - center on each of 30 intervals, chosen by the exponent and the top
// two mantissa bits of a: [2^k (1 + j/4), 2^k (1 + (j+1)/4)) for k in
// [-4, 3], plus [0, 2^-4) (Taylor: a - a^3/3 + 2a^5/15, center 0; the next
// term is 0.05 ULP there). Each interval is fitted in long double by least
// squares on Chebyshev nodes with Lawson's reweighting towards the minimax
// relative error; the coefficients are rounded to float one at a time from
// the constant term up, refitting the remaining ones after each rounding.
// It prints the tables, then the error of the float evaluation (FMA Horner,
// as the kernel does) against tanh in double, in ULPs of the correctly
// rounded result, per interval and overall, over [0, 9.5].
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "tools/least_squares.h"

namespace {

// Degree 4 errs up to 4.7 ULP on [2, 2.5) (and 35 ULP below 2^-4, where
// Taylor would need the x^5 term): 5 it is.
constexpr int kDegree = 5;
constexpr int kIntervals = 30;
constexpr float kClamp = 9.02f;  // tanh rounds to 1 above 9.0109

uint32_t Bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof(b));
  return b;
}
float FromBits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof(f));
  return f;
}

// The interval of a >= 0 (a <= kClamp): as the kernel computes it.
int IntervalOf(float a) {
  const uint32_t b = Bits(a) > 0x3D7FFFFFu ? Bits(a) : 0x3D7FFFFFu;
  return static_cast<int>(b >> 21) - 491;
}

LD Horner(const std::vector<LD>& c, LD t) {
  LD r = 0;
  for (size_t i = c.size(); i-- > 0;) r = r * t + c[i];
  return r;
}

// Fits tanh(center + t) ~ sum c_i t^i on [t0, t1] minimizing the relative
// error; coefficients below `fixed` keep their values in c.
void Fit(LD center, LD t0, LD t1, std::vector<LD>& c, size_t fixed) {
  const int m = 40 * (kDegree + 1);
  std::vector<LD> ts(m), fs(m), w(m, 1);
  for (int i = 0; i < m; ++i) {
    ts[i] = (t0 + t1) / 2 + (t1 - t0) / 2 * cosl(M_PIl * (i + 0.5L) / m);
    fs[i] = tanhl(center + ts[i]);
  }
  for (int iter = 0; iter < 30; ++iter) {
    std::vector<std::vector<LD>> a(m, std::vector<LD>(c.size() - fixed));
    std::vector<LD> b(m);
    for (int i = 0; i < m; ++i) {
      const LD wi = sqrtl(w[i]) / fs[i];
      LD known = 0, p = 1;
      for (size_t j = 0; j < c.size(); ++j, p *= ts[i]) {
        if (j < fixed) {
          known += c[j] * p;
        } else {
          a[i][j - fixed] = p * wi;
        }
      }
      b[i] = (fs[i] - known) * wi;
    }
    const std::vector<LD> s = LeastSquares(a, b);
    for (size_t j = fixed; j < c.size(); ++j) c[j] = s[j - fixed];
    // Lawson: weight each node by its error.
    LD sum = 0;
    for (int i = 0; i < m; ++i) {
      w[i] *= fabsl(Horner(c, ts[i]) / fs[i] - 1) + 1e-30L;
      sum += w[i];
    }
    for (int i = 0; i < m; ++i) w[i] /= sum;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t step = argc > 1 ? static_cast<uint32_t>(atoi(argv[1])) : 1;
  std::vector<float> center(32, 0.0f);
  std::vector<std::vector<float>> coef(kDegree + 1, std::vector<float>(32));
  // Interval 0: Taylor, center 0.
  coef[1][0] = 1.0f;
  coef[3][0] = static_cast<float>(-1.0L / 3);
  coef[5][0] = static_cast<float>(2.0L / 15);
  for (int i = 1; i < kIntervals; ++i) {
    const int k = (i - 1) / 4 - 4, j = (i - 1) % 4;
    const LD lo = ldexpl(1 + j / 4.0L, k);
    LD hi = ldexpl(1 + (j + 1) / 4.0L, k);
    if (hi > kClamp) hi = kClamp;
    const float ctr = static_cast<float>((lo + hi) / 2);
    center[i] = ctr;
    std::vector<LD> c(kDegree + 1, 0);
    for (size_t fixed = 0; fixed <= c.size(); ++fixed) {
      if (fixed < c.size()) Fit(ctr, lo - ctr, hi - ctr, c, fixed);
      if (fixed > 0) c[fixed - 1] = static_cast<float>(c[fixed - 1]);
    }
    for (int d = 0; d <= kDegree; ++d) coef[d][i] = static_cast<float>(c[d]);
  }
  // The kernel indexes the tables with the low 5 bits of (bits >> 21),
  // which are interval + 491 mod 32: print them in that order.
  const auto print = [](const char* name, const std::vector<float>& v) {
    printf("alignas(64) constexpr float %s[32] = {", name);
    for (int pos = 0; pos < 32; ++pos) {
      printf("%s%a%s", pos % 4 ? " " : "\n    ", v[(pos + 32 - 11) % 32],
             pos < 31 ? "," : "");
    }
    printf("};\n");
  };
  print("kTanhCenter", center);
  for (int d = 0; d <= kDegree; ++d) {
    char name[16];
    snprintf(name, sizeof(name), "kTanhC%d", d);
    print(name, coef[d]);
  }

  std::vector<double> worst(32, 0);
  double worst_all = 0, worst_x = 0;
  for (uint32_t bits = 0;; bits += step) {
    const float x = FromBits(bits);
    if (x > 9.5f) break;
    const float a = fminf(x, kClamp);
    const int i = IntervalOf(a);
    const float t = a - center[i];
    float p = coef[kDegree][i];
    for (int d = kDegree; d-- > 0;) p = fmaf(p, t, coef[d][i]);
    const double want = tanh(static_cast<double>(x));
    const float rounded = static_cast<float>(want);
    if (rounded == 0.0f) continue;  // x == 0
    const double ulp =
        rounded == 1.0f && want < 1.0
            ? ldexp(1.0, -24)
            : ldexp(1.0,
                    ilogbf(rounded) - 23 < -149 ? -149 : ilogbf(rounded) - 23);
    const double err = fabs(p - want) / ulp;
    const int bucket = x > kClamp ? 31 : i;
    if (err > worst[bucket]) worst[bucket] = err;
    if (err > worst_all) worst_all = err, worst_x = x;
  }
  for (int i = 0; i < 32; ++i) {
    if (worst[i] > 0) printf("interval %d: max %.3f ULP\n", i, worst[i]);
  }
  printf("max %.3f ULP at x = %.9g\n", worst_all, worst_x);
  return 0;
}
