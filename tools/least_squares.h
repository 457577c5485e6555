// Weighted least squares in long double for the coefficient fitters in
// tools/ (gelu_fit.cc, tanh_rational_fit.cc); not part of the library.
#ifndef SIMDACT_TOOLS_LEAST_SQUARES_H_
#define SIMDACT_TOOLS_LEAST_SQUARES_H_

#include <math.h>

#include <vector>

using LD = long double;

// Solves the least-squares problem min |W (A c - b)| with Householder QR.
inline std::vector<LD> LeastSquares(std::vector<std::vector<LD>> a,
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

#endif  // SIMDACT_TOOLS_LEAST_SQUARES_H_
