// The scalar reference: each activation in plain C++ double precision. It is
// the oracle that tests measure every target against, and the "reference"
// target that users can route calls to. Written for clarity, not speed.
#ifndef SIMDACT_KERNELS_REFERENCE_H_
#define SIMDACT_KERNELS_REFERENCE_H_

#include <math.h>
#include <stddef.h>

#include <algorithm>
#include <functional>
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

// --- Issue 5 activations. Infinite inputs are handled explicitly where the
// formula would give inf * 0; parameters as in simdact_params. ---

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSqrt2OverPi = 0.79788456080286535587989211986876;
constexpr double kGeluTanhK = 0.044715;

// x * sigmoid(beta x); beta * x is exact in double.
inline double Silu(double x, double beta) {
  if (isinf(x)) {
    if (beta == 0) return 0.5 * x;
    return beta * x > 0 ? x : (x > 0 ? 0.0 : -0.0);
  }
  return x * Sigmoid(beta * x);
}
// s (1 + beta x (1 - s)), s = sigmoid(beta x), 1 - s = sigmoid(-beta x).
inline double SiluDerivative(double x, double beta) {
  const double z = beta * x;
  if (isinf(z)) return z > 0 ? 1.0 : 0.0;
  const double s = Sigmoid(z);
  return s * (1.0 + z * Sigmoid(-z));
}
// The sum of the magnitudes of the two terms of the derivative.
inline double SiluDerivativeScale(double x, double beta) {
  const double z = beta * x;
  if (isinf(z) || isnan(z)) return 1.0;
  const double s = Sigmoid(z);
  return s + fabs(s * z * Sigmoid(-z));
}

// x Phi(x) = x erfc(-x / sqrt 2) / 2.
inline double Gelu(double x) {
  if (isinf(x)) return x > 0 ? x : -0.0;
  return 0.5 * x * erfc(-x * M_SQRT1_2);
}
// Phi(x) + x phi(x).
inline double GeluDerivative(double x) {
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  return 0.5 * erfc(-x * M_SQRT1_2) +
         x * exp(-0.5 * x * x) * 0.5 * M_2_SQRTPI * M_SQRT1_2;
}
inline double GeluDerivativeScale(double x) {
  if (isinf(x) || isnan(x)) return 1.0;
  return 0.5 * erfc(-x * M_SQRT1_2) +
         fabs(x * exp(-0.5 * x * x) * 0.5 * M_2_SQRTPI * M_SQRT1_2);
}

// x (1 + tanh z) / 2 = x sigmoid(2z), z = sqrt(2/pi) (x + 0.044715 x^3).
inline double GeluTanh(double x) {
  if (isinf(x)) return x > 0 ? x : -0.0;
  const double z2 = 2.0 * kSqrt2OverPi * (x + kGeluTanhK * x * x * x);
  return x * Sigmoid(z2);
}
// s (1 + 2 c x (1 - s) (1 + 3 k x^2)), s = sigmoid(2z).
inline double GeluTanhDerivative(double x) {
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  const double z2 = 2.0 * kSqrt2OverPi * (x + kGeluTanhK * x * x * x);
  const double s = Sigmoid(z2);
  const double t =
      2.0 * kSqrt2OverPi * x * Sigmoid(-z2) * (1.0 + 3.0 * kGeluTanhK * x * x);
  return s * (1.0 + t);
}
inline double GeluTanhDerivativeScale(double x) {
  if (isinf(x) || isnan(x)) return 1.0;
  const double z2 = 2.0 * kSqrt2OverPi * (x + kGeluTanhK * x * x * x);
  const double s = Sigmoid(z2);
  const double t =
      2.0 * kSqrt2OverPi * x * Sigmoid(-z2) * (1.0 + 3.0 * kGeluTanhK * x * x);
  return s + fabs(s * t);
}

// log(1 + e^x), without overflow or cancellation.
inline double Softplus1(double x) {
  return (x > 0 ? x : 0.0) + log1p(exp(-fabs(x)));
}
// x * tanh(softplus(x)). With u = e^x: tanh(softplus) = u(u+2)/(u(u+2)+2);
// with w = e^-x: (1 + 2w) / (1 + 2w + 2w^2).
inline double Mish(double x) {
  if (isinf(x)) return x > 0 ? x : -0.0;
  if (x <= 0) {
    const double u = exp(x), n = u * (u + 2.0);
    return x * n / (n + 2.0);
  }
  const double w = exp(-x);
  return x * (1.0 + 2.0 * w) / (1.0 + 2.0 * w + 2.0 * w * w);
}
// tanh(sp) + x sech^2(sp) sigmoid(x); returns the two terms.
inline void MishDerivativeTerms(double x, double* t1, double* t2) {
  if (x <= 0) {
    const double u = exp(x), n = u * (u + 2.0), d = n + 2.0;
    *t1 = n / d;
    *t2 = 4.0 * x * u * (1.0 + u) / (d * d);
  } else {
    const double w = exp(-x), den = 1.0 + 2.0 * w + 2.0 * w * w;
    *t1 = (1.0 + 2.0 * w) / den;
    *t2 = 4.0 * x * w * w * (1.0 + w) / (den * den);
  }
}
inline double MishDerivative(double x) {
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  double t1, t2;
  MishDerivativeTerms(x, &t1, &t2);
  return t1 + t2;
}
inline double MishDerivativeScale(double x) {
  if (isinf(x) || isnan(x)) return 1.0;
  double t1, t2;
  MishDerivativeTerms(x, &t1, &t2);
  return fabs(t1) + fabs(t2);
}

// PyTorch: beta x > threshold ? x : log(1 + e^(beta x)) / beta.
inline double Softplus(double x, double beta, double threshold) {
  const double z = beta * x;
  return z > threshold ? x : Softplus1(z) / beta;
}
inline double SoftplusDerivative(double x, double beta, double threshold) {
  const double z = beta * x;
  return z > threshold ? 1.0 : Sigmoid(z);
}
// sigmoid(beta x) = 1 - e^(-beta y).
inline double SoftplusDerivativeFromOutput(double y, double beta,
                                           double threshold) {
  const double z = beta * y;
  return z > threshold ? 1.0 : -expm1(-z);
}

inline double Softsign(double x) {
  if (isinf(x)) return x > 0 ? 1.0 : -1.0;
  return x / (1.0 + fabs(x));
}
inline double SoftsignDerivative(double x) {
  const double r = 1.0 / (1.0 + fabs(x));
  return r * r;
}
inline double SoftsignDerivativeFromOutput(double y) {
  return (1.0 - fabs(y)) * (1.0 - fabs(y));
}

inline double Selu(double x) {
  return x > 0 ? kSeluScale * x : kSeluScale * kSeluAlpha * expm1(x);
}
inline double SeluDerivative(double x) {
  return x > 0 ? kSeluScale : kSeluScale * kSeluAlpha * exp(x);
}
inline double SeluDerivativeFromOutput(double y) {
  return y > 0 ? kSeluScale : y + kSeluScale * kSeluAlpha;
}

// max(0, x) + min(0, alpha expm1(x / alpha)), alpha > 0.
inline double Celu(double x, double alpha) {
  return x > 0 ? x : alpha * expm1(x / alpha);
}
inline double CeluDerivative(double x, double alpha) {
  return x > 0 ? 1.0 : exp(x / alpha);
}
inline double CeluDerivativeFromOutput(double y, double alpha) {
  return y > 0 ? 1.0 : y / alpha + 1.0;
}

inline double HardSigmoid(double x) {
  return x <= -3 ? 0.0 : (x >= 3 ? 1.0 : x / 6.0 + 0.5);
}
inline double HardSigmoidDerivative(double x) {
  return isnan(x) ? x : ((x > -3 && x < 3) ? 1.0 / 6.0 : 0.0);
}
inline double HardSigmoidDerivativeFromOutput(double y) {
  return isnan(y) ? y : ((y > 0 && y < 1) ? 1.0 / 6.0 : 0.0);
}

inline double HardSwish(double x) {
  return x <= -3 ? 0.0 : (x >= 3 ? x : x * (x + 3.0) / 6.0);
}
// PyTorch: 0 below -3, x/3 + 1/2 on [-3, 3], 1 above.
inline double HardSwishDerivative(double x) {
  if (isnan(x)) return x;
  return x < -3 ? 0.0 : (x <= 3 ? x / 3.0 + 0.5 : 1.0);
}

inline double Hardtanh(double x, double lo, double hi) {
  return isnan(x) ? x : (x <= lo ? lo : (x >= hi ? hi : x));
}
inline double HardtanhDerivative(double x, double lo, double hi) {
  return isnan(x) ? x : ((x > lo && x < hi) ? 1.0 : 0.0);
}
inline double Relu6(double x) { return Hardtanh(x, 0.0, 6.0); }
inline double Relu6Derivative(double x) {
  return HardtanhDerivative(x, 0.0, 6.0);
}

// log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|).
inline double LogSigmoid(double x) {
  return (x < 0 ? x : 0.0) - log1p(exp(-fabs(x)));
}
inline double LogSigmoidDerivative(double x) { return Sigmoid(-x); }
inline double LogSigmoidDerivativeFromOutput(double y) { return -expm1(y); }

// x - tanh x; below 0.1 by its Taylor series (x - tanh x cancels).
inline double Tanhshrink(double x) {
  if (fabs(x) < 0.1) {
    const double x2 = x * x;
    double p = 929569.0 / 638512875.0;
    p = p * x2 - 21844.0 / 6081075.0;
    p = p * x2 + 1382.0 / 155925.0;
    p = p * x2 - 62.0 / 2835.0;
    p = p * x2 + 17.0 / 315.0;
    p = p * x2 - 2.0 / 15.0;
    p = p * x2 + 1.0 / 3.0;
    return x * x2 * p;
  }
  if (isinf(x)) return x;
  return x - tanh(x);
}
inline double TanhshrinkDerivative(double x) { return tanh(x) * tanh(x); }

inline double Softshrink(double x, double lambda) {
  if (isnan(x)) return x;
  return x > lambda ? x - lambda : (x < -lambda ? x + lambda : 0.0);
}
inline double Hardshrink(double x, double lambda) {
  return (x >= -lambda && x <= lambda) ? 0.0 : x;
}
// Both: 0 on [-lambda, lambda], 1 outside (PyTorch).
inline double ShrinkDerivative(double x, double lambda) {
  if (isnan(x)) return x;
  return (x >= -lambda && x <= lambda) ? 0.0 : 1.0;
}
// y != 0 exactly where |x| > lambda (lambda >= 0).
inline double ShrinkDerivativeFromOutput(double y) {
  return isnan(y) ? y : (y != 0 ? 1.0 : 0.0);
}

inline double Exponential(double x) { return exp(x); }
// e^x as a float: inf beyond FLT_MAX (x > 88.72), as in the kernels, whose
// backward is dy * f' with f' in float.
inline double ExponentialDerivative(double x) {
  const double e = exp(x);
  return e > 0x1.fffffeffffffffp+127 ? INFINITY : e;
}
inline double Linear(double x) { return x; }
inline double LinearDerivative(double x) { return isnan(x) ? x : 1.0; }

// --- Piecewise activations (kernels/piecewise-inl.h). ---

// Keras 3 relu(x, negative_slope = a, max_value = m (+inf: None),
// threshold = t): x > t: x, clipped to [0, m] when m is finite; x <= t:
// a (x - t) (Keras: pos - a relu(t - x) with pos = 0 there).
inline double ReluGeneral(double x, double a, double m, double t) {
  if (isnan(x)) return x;
  if (x > t) return isfinite(m) ? fmin(fmax(x, 0.0), m) : x;
  return a == 0 ? 0.0 : a * (x - t);
}
// a for x <= t; 1 where x passes through (0 < x < m with a max), else 0.
inline double ReluGeneralDerivative(double x, double a, double m, double t) {
  if (isnan(x)) return x;
  if (x <= t) return a;
  return (!isfinite(m) || (x > 0 && x < m)) ? 1.0 : 0.0;
}

// clamp(a x + b, 0, 1); a x is exact in double. a = 0: clamp(b, 0, 1).
inline double HardSigmoidGeneral(double x, double a, double b) {
  if (isnan(x)) return x;
  const double v = a == 0 ? b : a * x + b;
  return fmin(fmax(v, 0.0), 1.0);
}
// a where 0 < a x + b < 1 as float rounds it (fmaf: correctly rounded), so
// that f' agrees with f about which side of a kink x is on; 0 elsewhere.
inline double HardSigmoidGeneralDerivative(double x, double a, double b) {
  if (isnan(x)) return x;
  const float v = a == 0 ? static_cast<float>(b)
                         : fmaf(static_cast<float>(a), static_cast<float>(x),
                                static_cast<float>(b));
  return (v > 0 && v < 1) ? a : 0.0;
}
inline double HardSigmoidGeneralDerivativeFromOutput(double y, double a) {
  if (isnan(y)) return y;
  return (y > 0 && y < 1) ? a : 0.0;
}

// PyTorch Threshold: x > t ? x : value.
inline double Threshold(double x, double t, double value) {
  if (isnan(x)) return x;
  return x > t ? x : value;
}
inline double ThresholdDerivative(double x, double t) {
  if (isnan(x)) return x;
  return x > t ? 1.0 : 0.0;
}

// Keras 3 squareplus: (x + sqrt(x^2 + b)) / 2, written without
// cancellation for x < 0 (b / (2 (s - x))); b = 0 is ReLU (f'(0) = 0).
inline double Squareplus(double x, double b) {
  if (b == 0) return Relu(x);
  const double s = sqrt(x * x + b);
  return x < 0 ? b / (2.0 * (s - x)) : (x + s) / 2.0;
}
// (1 + x/s) / 2 = b / (2 s (s - x)) for x < 0.
inline double SquareplusDerivative(double x, double b) {
  if (b == 0) return ReluDerivative(x);
  if (isinf(x)) return x > 0 ? 1.0 : 0.0;
  const double s = sqrt(x * x + b);
  return x < 0 ? b / (2.0 * s * (s - x)) : (1.0 + x / s) / 2.0;
}
// y = (x + s) / 2 and (s - x)(s + x) = b give s = y + b / (4y), so
// f' = y / s = 4y^2 / (4y^2 + b).
inline double SquareplusDerivativeFromOutput(double y, double b) {
  if (b == 0) return ReluDerivative(y);
  if (isinf(y)) return 1.0;
  const double w2 = 4.0 * y * y;
  return w2 / (w2 + b);
}

// Keras 3 sparse_plus and sparse_sigmoid.
inline double SparsePlus(double x) {
  if (isnan(x)) return x;
  return x <= -1 ? 0.0 : (x < 1 ? (x + 1) * (x + 1) / 4.0 : x);
}
inline double SparsePlusDerivative(double x) {
  if (isnan(x)) return x;
  return x <= -1 ? 0.0 : (x < 1 ? (x + 1) / 2.0 : 1.0);
}
// (x + 1) / 2 = sqrt(y) where -1 < x < 1.
inline double SparsePlusDerivativeFromOutput(double y) {
  if (isnan(y)) return y;
  return y <= 0 ? 0.0 : (y < 1 ? sqrt(y) : 1.0);
}
inline double SparseSigmoid(double x) {
  if (isnan(x)) return x;
  return x <= -1 ? 0.0 : (x >= 1 ? 1.0 : (x + 1) / 2.0);
}
inline double SparseSigmoidDerivative(double x) {
  if (isnan(x)) return x;
  return (x > -1 && x < 1) ? 0.5 : 0.0;
}
inline double SparseSigmoidDerivativeFromOutput(double y) {
  if (isnan(y)) return y;
  return (y > 0 && y < 1) ? 0.5 : 0.0;
}

// PyTorch RReLU in evaluation mode: the slope (lower + upper) / 2, computed
// in double and rounded to float (PyTorch passes a Python float to
// leaky_relu, whose kernel works in the tensor's float type).
inline double RreluSlope(double lower, double upper) {
  return static_cast<float>((lower + upper) / 2.0);
}

// Softmax of one row of x / t, in double: y_i = exp((x_i - max) / t) /
// sum_j exp((x_j - max) / t). Any NaN in the row makes every output NaN, as
// in the kernels; so do +inf, and a row of all -inf unless `safe` (then 0).
inline std::vector<double> SoftmaxRow(const float* x, size_t n, double t = 1.0,
                                      bool safe = false) {
  double max = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (isnan(x[i])) return std::vector<double>(n, NAN);
    max = x[i] > max ? x[i] : max;
  }
  if (safe && max == -INFINITY) return std::vector<double>(n, 0.0);
  std::vector<double> y(n);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    y[i] = exp((static_cast<double>(x[i]) - max) / t);
    sum += y[i];
  }
  for (double& v : y) v /= sum;
  return y;
}

// Log-softmax of one row of x / t: (x_i - max) / t - log S, with log S =
// log1p of the sum without one maximal element (whose term is 1), so that
// rows dominated by one element stay accurate. NaN, +inf or all -inf: a row
// of NaN; all -inf with `safe`: a row of -inf (log of safe softmax's 0).
inline std::vector<double> LogSoftmaxRow(const float* x, size_t n,
                                         double t = 1.0, bool safe = false) {
  double max = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (isnan(x[i])) return std::vector<double>(n, NAN);
    max = x[i] > max ? x[i] : max;
  }
  if (safe && max == -INFINITY) return std::vector<double>(n, -INFINITY);
  if (!isfinite(max)) return std::vector<double>(n, NAN);
  double rest = 0.0;
  bool skipped = false;
  for (size_t i = 0; i < n; ++i) {
    if (!skipped && x[i] == max) {
      skipped = true;
      continue;
    }
    rest += exp((static_cast<double>(x[i]) - max) / t);
  }
  const double log_s = log1p(rest);
  std::vector<double> y(n);
  for (size_t i = 0; i < n; ++i)
    y[i] = (static_cast<double>(x[i]) - max) / t - log_s;
  return y;
}

// The gradient of a safe row of all -inf: dx_i = 0 (dy_i - sum_j 0 dy_j),
// zeros, or NaN throughout where dy has a NaN or inf (softmax's formula
// with y = 0).
inline std::vector<double> ZeroGradientRow(const float* dy, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += 0.0 * dy[i];
  std::vector<double> dx(n);
  for (size_t i = 0; i < n; ++i) dx[i] = 0.0 * (dy[i] - s);
  return dx;
}

// Log-softmax backward from y: dx_i = dy_i - exp(y_i) sum_j dy_j.
inline std::vector<double> LogSoftmaxBackwardRow(const double* y,
                                                 const float* dy, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += dy[i];
  std::vector<double> dx(n);
  for (size_t i = 0; i < n; ++i) dx[i] = dy[i] - exp(y[i]) * sum;
  return dx;
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

// --- GLU and Sparsemax ---

// sigmoid(b) and sigmoid'(b) as the kernels' IEEE arithmetic sees them: 0
// where the float value underflows to 0, so that inf * 0 gives NaN there as
// in float (PyTorch).
inline double SigmoidAsFloat(double b) {
  const double s = Sigmoid(b);
  return static_cast<float>(s) == 0.0f ? 0.0 : s;
}
inline double SigmoidDerivativeAsFloat(double b) {
  const double d = SigmoidDerivative(b);
  return static_cast<float>(d) == 0.0f ? 0.0 : d;
}
// GLU: a * sigmoid(b). Backward: dx_a = dy s, dx_b = dy a s (1 - s).
inline double Glu(double a, double b) { return a * SigmoidAsFloat(b); }
inline double GluBackwardA(double b, double dy) {
  return dy * SigmoidAsFloat(b);
}
inline double GluBackwardB(double a, double b, double dy) {
  return dy * (a * SigmoidDerivativeAsFloat(b));
}

// Neumaier's compensated sum.
struct CompensatedSum {
  double sum = 0.0, err = 0.0;
  void Add(double v) {
    const double t = sum + v;
    err += fabs(sum) >= fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  double Total() const { return isfinite(sum) ? sum + err : sum; }
};

// Sparsemax of one row (Martins & Astudillo 2016) by sorting: with
// z = x - max, the support is the k largest z for the largest k with
// 1 + k z_(k) > sum_{j <= k} z_(j), tau' = (that sum - 1) / k and
// y = max(z - tau', 0). NaN or +inf anywhere, or all -inf: a row of NaN.
inline std::vector<double> SparsemaxRow(const float* x, size_t n) {
  double max = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (isnan(x[i])) return std::vector<double>(n, NAN);
    max = x[i] > max ? x[i] : max;
  }
  if (!isfinite(max)) return std::vector<double>(n, NAN);
  std::vector<double> z(n);
  for (size_t i = 0; i < n; ++i) z[i] = static_cast<double>(x[i]) - max;
  std::vector<double> sorted = z;
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  CompensatedSum sum;
  double tau = -1.0;
  for (size_t k = 1; k <= n; ++k) {
    sum.Add(sorted[k - 1]);
    if (!(1.0 + static_cast<double>(k) * sorted[k - 1] > sum.Total())) break;
    tau = (sum.Total() - 1.0) / static_cast<double>(k);
  }
  for (double& v : z) v = v > tau ? v - tau : 0.0;
  return z;
}

// Sparsemax backward over the support {y > 0}: dx_i = [y_i > 0] (dy_i - v),
// v = mean of dy over the support (0 if empty); the indicator multiplies, so
// a non-finite dy_i - v gives NaN off the support, and a NaN y gives NaN.
template <class Y>
inline std::vector<double> SparsemaxBackwardRow(const Y* y, const float* dy,
                                                size_t n) {
  CompensatedSum sum;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (y[i] > 0) {
      sum.Add(dy[i]);
      ++k;
    }
  }
  const double v = k > 0 ? sum.Total() / static_cast<double>(k) : 0.0;
  std::vector<double> dx(n);
  for (size_t i = 0; i < n; ++i) {
    const double in_support = isnan(y[i]) ? NAN : (y[i] > 0 ? 1.0 : 0.0);
    dx[i] = in_support * (dy[i] - v);
  }
  return dx;
}

}  // namespace reference
}  // namespace simdact

#endif  // SIMDACT_KERNELS_REFERENCE_H_
