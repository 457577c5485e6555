// Generator of the polynomial coefficients in kernels/erf-inl.h (not part of
// the library). Build and run from the repository root: g++ -O2 -I . -o
// /tmp/gelu_fit tools/gelu_fit.cc
// && /tmp/gelu_fit
//
// Each function is fitted in long double by weighted least squares on
// Chebyshev nodes, with Lawson's reweighting towards the minimax relative
// error; the coefficients are then rounded to float one at a time, from the
// linear term up, refitting the remaining ones after each rounding (the
// constant term is kept as hi + lo). The
// printed errors are relative, over a dense grid: of the float polynomial
// evaluated exactly, then with float Horner (FMA) down to the linear term
// and the last step exact, as the kernel does.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <functional>
#include <vector>

#include "tools/least_squares.h"

using Fn = std::function<LD(LD)>;

static LD Horner(const std::vector<LD>& c, LD t) {
  LD r = 0;
  for (size_t i = c.size(); i-- > 0;) r = r * t + c[i];
  return r;
}

// Fits f(t) ~ sum c_i t^i on [t0, t1], minimizing the relative error.
static std::vector<LD> Fit(const Fn& f, LD t0, LD t1, int degree,
                           const char* name) {
  const int m = 60 * (degree + 1);
  std::vector<LD> ts(m), fs(m), w(m, 1);
  for (int i = 0; i < m; ++i) {
    ts[i] = (t0 + t1) / 2 + (t1 - t0) / 2 * cosl(M_PIl * (i + 0.5L) / m);
    fs[i] = f(ts[i]);
  }
  std::vector<LD> c;
  auto solve = [&](const std::vector<LD>& fixed) {
    const size_t k0 = fixed.size();
    std::vector<std::vector<LD>> a(m, std::vector<LD>(degree + 1 - k0));
    std::vector<LD> b(m);
    for (int i = 0; i < m; ++i) {
      const LD s = w[i] / fabsl(fs[i]);
      LD p = 1, known = 0;
      for (size_t j = 0; j <= static_cast<size_t>(degree); ++j, p *= ts[i]) {
        if (j < k0) {
          known += fixed[j] * p;
        } else {
          a[i][j - k0] = p * s;
        }
      }
      b[i] = (fs[i] - known) * s;
    }
    std::vector<LD> rest = LeastSquares(a, b);
    std::vector<LD> all = fixed;
    all.insert(all.end(), rest.begin(), rest.end());
    return all;
  };
  for (int it = 0; it < 40; ++it) {  // Lawson
    c = solve({});
    LD sum = 0;
    for (int i = 0; i < m; ++i) {
      w[i] *= fabsl(Horner(c, ts[i]) / fs[i] - 1) + 1e-30L;
      sum += w[i];
    }
    for (int i = 0; i < m; ++i) w[i] /= sum / m;
  }
  std::vector<LD> fixed;
  for (int j = 0; j <= degree; ++j) {
    c = solve(fixed);
    // The constant term is kept exact (hi + lo in float).
    fixed.push_back(j == 0 ? c[0] : static_cast<float>(c[j]));
  }
  LD worst = 0, worst_t = 0;
  for (int i = 0; i <= 200000; ++i) {
    const LD t = t0 + (t1 - t0) * i / 200000;
    const LD e = fabsl(Horner(fixed, t) / f(t) - 1);
    if (e > worst) worst = e, worst_t = t;
  }
  printf(
      "%s: degree %d on [%.6Lg, %.6Lg], max rel error %.3Lg (2^%.1Lf) at "
      "%.6Lg\n",
      name, degree, t0, t1, worst, log2l(worst), worst_t);
  LD fworst = 0;
  for (int i = 0; i <= 200000; ++i) {
    const float t = static_cast<float>(t0 + (t1 - t0) * i / 200000);
    // Float Horner down to the linear term, then c0 + t p' exactly (the
    // kernel carries that last step in two floats).
    float r = static_cast<float>(fixed[degree]);
    for (int j = degree; j-- > 1;) r = fmaf(r, t, static_cast<float>(fixed[j]));
    const LD v = fixed[0] + static_cast<LD>(t) * r;
    fworst = fmaxl(fworst, fabsl(v / f(t) - 1));
  }
  printf("  float Horner (fma): max rel error 2^%.2Lf\n", log2l(fworst));
  for (int j = degree; j >= 0; --j) {
    printf("  %a\n", static_cast<float>(fixed[j]));
  }
  printf("  lo %a\n",
         static_cast<float>(fixed[0] - static_cast<float>(fixed[0])));
  return fixed;
}

// The Mills ratio U(a) = Q(a) e^(a^2/2), Q(a) = erfc(a / sqrt 2) / 2.
static LD U(LD a) { return expl(a * a / 2) * erfcl(a / sqrtl(2)) / 2; }
// V(a) = a U(a).
static LD V(LD a) { return a * U(a); }

int main() {
  // The three pieces of kernels/erf-inl.h (kMills0, kMills1, kMills2); each
  // prints its coefficients from the highest degree down, then the low part
  // of the constant term.
  Fit([](LD t) { return U(t + 0.625L); }, -0.625L, 0.625L, 9,
      "U(a), t = a - 0.625, a in [0, 1.25]");
  Fit([](LD t) { return U(t + 1.875L); }, -0.625L, 0.625L, 9,
      "U(a), t = a - 1.875, a in [1.25, 2.5]");
  Fit([](LD w) { return V(1 / sqrtl(w)); }, 1 / 225.0L, 1 / 6.25L, 9,
      "V(a), w = 1/a^2, a in [2.5, 15]");
  return 0;
}
