// Why simdact's tanh is not a rational function like Eigen's (an experiment,
// not part of the library). Build and run from the repository root:
//   g++ -O2 -mfma -I . -o /tmp/tanh_rational_fit tools/tanh_rational_fit.cc
//   /tmp/tanh_rational_fit 6 3 9.01     # numerator terms, denominator terms
//
// Fits tanh(x) ~ x P(x^2) / Q(x^2), P(0) = Q(0) = 1, on [0, c] (c = 9.01,
// beyond which tanh rounds to 1), minimizing the relative error: linearized
// least squares (Sanathanan-Koerner weights 1/Q) on Chebyshev nodes with
// Lawson's reweighting; the coefficients are then rounded to float one at a
// time, refitting the rest. It prints the error with exact coefficients,
// with float ones, and of the float evaluation (FMA Horner, one multiply
// and one division, as a kernel would do it) against tanh in double, in
// ULPs of the result over every 256th float in [2^-126, 9.5].
//
// Measured (2026-11): the fit itself reaches 1e-10 to 1e-13 for 4+3 to 8+6
// terms, and 1e-8 with float coefficients, but the float evaluation errs
// 4.5-5.0 ULP near |x| = 7-9 for every shape tried (6+3 as Eigen's, 6+4,
// 7+4, 5+5, 7+5): there P and Q grow to 1e10 and each Horner step's
// rounding carries through. simdact's bound is 2 ULP, so tanh stays a
// polynomial below ln(3)/2 and 1 - 2e/(1 + e) above (kernels/math-inl.h).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "tools/least_squares.h"

namespace {

LD Horner(const std::vector<LD>& c, LD t) {
  LD r = 0;
  for (size_t i = c.size(); i-- > 0;) r = r * t + c[i];
  return r;
}

// tanh(x) / x as a function of t = x^2.
LD G(LD t) {
  if (t == 0) return 1;
  const LD x = sqrtl(t);
  return tanhl(x) / x;
}

struct Fit {
  std::vector<LD> p, q;  // [0] = 1, fixed
  std::vector<LD> ts, gs, w, q_prev;

  LD RelativeError(size_t i) const {
    return Horner(p, ts[i]) / Horner(q, ts[i]) / gs[i] - 1;
  }

  // Refits the coefficients from index free_p (free_q) on.
  void Solve(size_t free_p, size_t free_q) {
    const size_t m = ts.size();
    const size_t unknowns = (p.size() - free_p) + (q.size() - free_q);
    std::vector<std::vector<LD>> a(m, std::vector<LD>(unknowns));
    std::vector<LD> b(m);
    for (size_t i = 0; i < m; ++i) {
      // P(t) - g Q(t), relative to g Q(t).
      const LD s = w[i] / (gs[i] * q_prev[i]);
      LD known = 0, power = 1;
      size_t col = 0;
      for (size_t j = 0; j < p.size(); ++j, power *= ts[i]) {
        if (j < free_p) {
          known += p[j] * power;
        } else {
          a[i][col++] = power * s;
        }
      }
      power = 1;
      for (size_t j = 0; j < q.size(); ++j, power *= ts[i]) {
        if (j < free_q) {
          known -= gs[i] * q[j] * power;
        } else {
          a[i][col++] = -gs[i] * power * s;
        }
      }
      b[i] = -known * s;
    }
    const std::vector<LD> c = LeastSquares(a, b);
    size_t col = 0;
    for (size_t j = free_p; j < p.size(); ++j) p[j] = c[col++];
    for (size_t j = free_q; j < q.size(); ++j) q[j] = c[col++];
    for (size_t i = 0; i < m; ++i) q_prev[i] = Horner(q, ts[i]);
  }

  void Iterate(size_t free_p, size_t free_q, int steps, bool lawson) {
    for (int it = 0; it < steps; ++it) {
      Solve(free_p, free_q);
      if (!lawson) continue;
      LD sum = 0;
      for (size_t i = 0; i < ts.size(); ++i) {
        w[i] *= fabsl(RelativeError(i)) + 1e-30L;
        sum += w[i];
      }
      for (LD& v : w) v /= sum / ts.size();
    }
  }
};

LD MaxRelativeError(const Fit& f, LD c) {
  LD worst = 0;
  for (int i = 0; i <= 400000; ++i) {
    const LD x = c * i / 400000, t = x * x;
    worst = fmaxl(worst, fabsl(Horner(f.p, t) / Horner(f.q, t) / G(t) - 1));
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s NUM_TERMS DEN_TERMS C (e.g. 6 3 9.01)\n",
            argv[0]);
    return 2;
  }
  const int k = atoi(argv[1]), m = atoi(argv[2]);
  const LD c = strtold(argv[3], nullptr);
  Fit f;
  f.p.assign(k + 1, 0);
  f.q.assign(m + 1, 0);
  f.p[0] = f.q[0] = 1;
  const size_t nodes = 80 * (k + m + 2);
  for (size_t i = 0; i < nodes; ++i) {
    const LD x = c / 2 + c / 2 * cosl(M_PIl * (i + 0.5L) / nodes);
    f.ts.push_back(x * x);
    f.gs.push_back(G(x * x));
  }
  f.w.assign(nodes, 1);
  f.q_prev.assign(nodes, 1);
  f.Iterate(1, 1, 10, false);
  f.Iterate(1, 1, 110, true);
  printf("%d + %d terms on [0, %Lg]: max relative error %.3Lg\n", k, m, c,
         MaxRelativeError(f, c));
  // Round to float from the low terms up, alternating P and Q.
  size_t fp = 1, fq = 1;
  while (fp < f.p.size() || fq < f.q.size()) {
    if (fp < f.p.size() && (fp <= fq || fq >= f.q.size())) {
      f.p[fp] = static_cast<float>(f.p[fp]);
      ++fp;
    } else {
      f.q[fq] = static_cast<float>(f.q[fq]);
      ++fq;
    }
    if (fp < f.p.size() || fq < f.q.size()) f.Iterate(fp, fq, 30, true);
  }
  printf("  float coefficients: max relative error %.3Lg\n",
         MaxRelativeError(f, c));
  std::vector<float> p(f.p.begin(), f.p.end()), q(f.q.begin(), f.q.end());
  for (size_t j = p.size(); j-- > 0;) printf("  p%zu %a\n", j, p[j]);
  for (size_t j = q.size(); j-- > 0;) printf("  q%zu %a\n", j, q[j]);
  double worst_ulp = 0, worst_x = 0;
  for (uint32_t bits = 0x00800000u;; bits += 256) {
    float x;
    memcpy(&x, &bits, sizeof(x));
    if (x > 9.5f) break;
    const float xc = fminf(x, static_cast<float>(c)), t = xc * xc;
    float num = p.back(), den = q.back();
    for (size_t j = p.size() - 1; j-- > 0;) num = fmaf(num, t, p[j]);
    for (size_t j = q.size() - 1; j-- > 0;) den = fmaf(den, t, q[j]);
    const float y = xc * num / den;
    const double want = tanh(static_cast<double>(x));
    const float rounded = static_cast<float>(want);
    // The gap below 1 where the result rounds up to it.
    const double ulp = rounded == 1.0f && want < 1.0
                           ? ldexp(1.0, -24)
                           : ldexp(1.0, ilogbf(rounded) - 23);
    const double err = fabs(y - want) / ulp;
    if (err > worst_ulp) worst_ulp = err, worst_x = x;
  }
  printf("  float evaluation: max %.2f ULP at x = %.9g\n", worst_ulp, worst_x);
  return 0;
}
