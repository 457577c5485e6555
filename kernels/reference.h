// The scalar reference: each activation in plain C++ double precision. It is
// the oracle that tests measure every target against, and the "reference"
// target that users can route calls to. Written for clarity, not speed.
#ifndef SIMDACT_KERNELS_REFERENCE_H_
#define SIMDACT_KERNELS_REFERENCE_H_

#include <math.h>
#include <stddef.h>

#include <vector>

namespace simdact {
namespace reference {

inline double Relu(double x) { return isnan(x) ? x : (x > 0 ? x : 0.0); }
inline double ReluDerivative(double x) {
  return isnan(x) ? x : (x > 0 ? 1.0 : 0.0);
}

inline double LeakyRelu(double x, double alpha) {
  return x > 0 ? x : alpha * x;
}
inline double LeakyReluDerivative(double x, double alpha) {
  return isnan(x) ? x : (x > 0 ? 1.0 : alpha);
}

inline double Elu(double x, double alpha) {
  return x > 0 ? x : alpha * expm1(x);
}
inline double EluDerivative(double x, double alpha) {
  return x > 0 ? 1.0 : alpha * exp(x);
}
inline double EluDerivativeFromOutput(double y, double alpha) {
  return y > 0 ? 1.0 : y + alpha;
}

inline double Sigmoid(double x) {
  const double e = exp(-fabs(x));
  return (x < 0 ? e : 1.0) / (1.0 + e);
}
inline double SigmoidDerivative(double x) {
  const double e = exp(-fabs(x));
  return e / ((1.0 + e) * (1.0 + e));
}
inline double SigmoidDerivativeFromOutput(double y) { return y * (1.0 - y); }

inline double Tanh(double x) { return tanh(x); }
// sech^2(x), written so that it neither overflows nor cancels.
inline double TanhDerivative(double x) {
  const double e = exp(-2.0 * fabs(x));
  return 4.0 * e / ((1.0 + e) * (1.0 + e));
}
inline double TanhDerivativeFromOutput(double y) {
  return (1.0 - y) * (1.0 + y);
}

// Softmax of one row, in double: y_i = exp(x_i - max) / sum_j exp(x_j - max).
// Any NaN in the row makes every output NaN, as in the kernels.
inline std::vector<double> SoftmaxRow(const float* x, size_t n) {
  double max = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (isnan(x[i])) return std::vector<double>(n, NAN);
    max = x[i] > max ? x[i] : max;
  }
  std::vector<double> y(n);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    y[i] = exp(static_cast<double>(x[i]) - max);
    sum += y[i];
  }
  for (double& v : y) v /= sum;
  return y;
}

// dx_i = y_i (dy_i - sum_j dy_j y_j); also returns that sum in *s.
inline std::vector<double> SoftmaxBackwardRow(const double* y, const float* dy,
                                              size_t n, double* s = nullptr) {
  double dot = 0.0;
  for (size_t i = 0; i < n; ++i) dot += dy[i] * y[i];
  std::vector<double> dx(n);
  for (size_t i = 0; i < n; ++i) dx[i] = y[i] * (dy[i] - dot);
  if (s != nullptr) *s = dot;
  return dx;
}

}  // namespace reference
}  // namespace simdact

#endif  // SIMDACT_KERNELS_REFERENCE_H_
