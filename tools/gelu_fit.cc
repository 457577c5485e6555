// Generator of the polynomial coefficients in kernels/erf-inl.h (not part of
// the library). Build and run: g++ -O2 -o /tmp/gelu_fit tools/gelu_fit.cc
// && /tmp/gelu_fit
//
// Each function is fitted in long double by weighted least squares on
// Chebyshev nodes, with Lawson's reweighting towards the minimax relative
// error; the coefficients are then rounded to float one at a time, from the
// constant term up, refitting the remaining ones after each rounding. The
// printed error is the relative error of the float polynomial (evaluated
// exactly) against the function, over a dense grid.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <functional>
#include <vector>

using LD = long double;
using Fn = std::function<LD(LD)>;

// Solves the least-squares problem min |W (A c - b)| with Householder QR.
static std::vector<LD> LeastSquares(std::vector<std::vector<LD>> a,
                                    std::vector<LD> b) {
  const size_t m = a.size(), n = a[0].size();
  for (size_t k = 0; k < n; ++k) {
    LD norm = 0;
    for (size_t i = k; i < m; ++i) norm += a[i][k] * a[i][k];
    norm = sqrtl(norm);
    if (a[k][k] > 0) norm = -norm;
    std::vector<LD> v(m, 0);
    for (size_t i = k; i < m; ++i) v[i] = a[i][k];
    v[k] -= norm;
    LD vv = 0;
    for (size_t i = k; i < m; ++i) vv += v[i] * v[i];
    if (vv == 0) continue;
    for (size_t j = k; j < n; ++j) {
      LD d = 0;
      for (size_t i = k; i < m; ++i) d += v[i] * a[i][j];
      for (size_t i = k; i < m; ++i) a[i][j] -= 2 * d / vv * v[i];
    }
    LD d = 0;
    for (size_t i = k; i < m; ++i) d += v[i] * b[i];
    for (size_t i = k; i < m; ++i) b[i] -= 2 * d / vv * v[i];
  }
  std::vector<LD> c(n);
  for (size_t k = n; k-- > 0;) {
    LD s = b[k];
    for (size_t j = k + 1; j < n; ++j) s -= a[k][j] * c[j];
    c[k] = s / a[k][k];
  }
  return c;
}

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
  printf(
      "%s: degree %d on [%.6Lg, %.6Lg], max rel error %.3Lg (2^%.1Lf) at "
      "%.6Lg\n",
      name, degree, t0, t1, worst, log2l(worst), worst_t);
  for (int j = degree; j >= 0; --j) {
    printf("  %a\n", static_cast<float>(fixed[j]));
  }
  printf("  lo %a\n",
         static_cast<float>(fixed[0] - static_cast<float>(fixed[0])));
  return fixed;
}

static const LD kC = 1 / sqrtl(2 * M_PIl);  // 1/sqrt(2 pi)

// a Q(a) e^(a^2/2), Q(a) = erfc(a / sqrt 2) / 2.
static LD V(LD a) { return a * expl(a * a / 2) * erfcl(a / sqrtl(2)) / 2; }
// (Phi(x) - 1/2) / x = erf(x / sqrt 2) / (2x), s = x^2.
static LD P(LD s) {
  if (s == 0) return kC;
  const LD x = sqrtl(s);
  return erfl(x / sqrtl(2)) / (2 * x);
}
// (Phi(x) + x phi(x) - 1/2) / x.
static LD D(LD s) { return P(s) + kC * expl(-s / 2); }

int main_old(int argc, char** argv) {
  const LD a0 = argc > 1 ? strtold(argv[1], nullptr) : 0.5L;
  const LD a1 = argc > 2 ? strtold(argv[2], nullptr) : 14.5L;
  const LD k = argc > 3 ? strtold(argv[3], nullptr) : 2.0L;
  const int dv = argc > 4 ? atoi(argv[4]) : 12;
  const int dp = argc > 5 ? atoi(argv[5]) : 5;
  Fit(P, 0, a0 * a0, dp, "P(x^2) = erf(x/sqrt2)/(2x)");
  Fit(D, 0, a0 * a0, dp, "D(x^2) = (Phi + x phi - 1/2)/x");
  // V in t = (a - k) / (a + k).
  auto vt = [k](LD t) { return V(k * (1 + t) / (1 - t)); };
  Fit(vt, (a0 - k) / (a0 + k), (a1 - k) / (a1 + k), dv,
      "V(t) = a Q(a) e^(a^2/2), t = (a - k)/(a + k)");
  // Sensitivity of V to a relative error in t: max |t V'(t) / V|.
  LD sens = 0;
  for (int i = 0; i <= 10000; ++i) {
    const LD a = a0 + (a1 - a0) * i / 10000;
    const LD t = (a - k) / (a + k), h = 1e-7L;
    const LD dv = (vt(t + h) - vt(t - h)) / (2 * h);
    sens = fmaxl(sens, fabsl(t * dv / vt(t)));
  }
  printf("max |t V'(t) / V| = %.3Lg\n", sens);
  return 0;
}

int main_old2(int argc, char** argv) {
  const LD a0 = strtold(argv[1], nullptr), a1 = strtold(argv[2], nullptr);
  const LD m = strtold(argv[3], nullptr);
  const int d1 = atoi(argv[4]), d2 = atoi(argv[5]), dp = atoi(argv[6]);
  const LD a2 = 14.5L;
  Fit(P, 0, a0 * a0, dp, "P(x^2) = erf(x/sqrt2)/(2x)");
  Fit(D, 0, a0 * a0, dp, "D(x^2) = (Phi + x phi - 1/2)/x");
  Fit([m](LD t) { return V(t + m); }, a0 - m, a1 - m, d1, "V(a), in a - m");
  Fit([](LD w) { return V(1 / sqrtl(w)); }, 1 / (a2 * a2), 1 / (a1 * a1), d2,
      "V(a), in w = 1/a^2");
  return 0;
}
// Mills ratio e^(a^2/2) Q(a).
static LD U(LD a) { return expl(a * a / 2) * erfcl(a / sqrtl(2)) / 2; }
int main_old3(int argc, char** argv) {
  const LD a1 = strtold(argv[1], nullptr), m = strtold(argv[2], nullptr);
  const int d1 = atoi(argv[3]), d2 = atoi(argv[4]);
  const LD a2 = 14.5L;
  Fit([m](LD t) { return U(t + m); }, -m, a1 - m, d1, "U(a), in a - m");
  Fit([](LD w) { return V(1 / sqrtl(w)); }, 1 / (a2 * a2), 1 / (a1 * a1), d2,
      "V(a), in w = 1/a^2");
  return 0;
}
int main(int argc, char** argv) {
  const LD lo = strtold(argv[1], nullptr), hi = strtold(argv[2], nullptr);
  const LD m = strtold(argv[3], nullptr);
  const int d = atoi(argv[4]);
  if (m < 0) {
    Fit([](LD w) { return V(1 / sqrtl(w)); }, 1 / (hi * hi), 1 / (lo * lo), d,
        "V(a), in w = 1/a^2");
  } else {
    Fit([m](LD t) { return U(t + m); }, lo - m, hi - m, d, "U(a), in a - m");
  }
  return 0;
}
