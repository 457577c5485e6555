// Element-wise activations: each is a struct whose vector functions give the
// forward value, the derivative in x and the derivative written in y. The
// loops (Map1, Map2) apply them to buffers of any length and alignment.
//
// Error bounds (float ULPs vs. the double reference, measured by
// tests/elementwise_test.cc over 2^20 inputs plus special values on every
// target, and over every float by tests/exhaustive_ulp.cc):
//   ReLU, LeakyReLU, PReLU: exact. ELU, Sigmoid, Tanh forward: <= 2.
//   Derivatives and backward: <= 4 (see README for each kernel's measured max).

#if defined(SIMDACT_KERNELS_ELEMENTWISE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef SIMDACT_KERNELS_ELEMENTWISE_INL_H_
#undef SIMDACT_KERNELS_ELEMENTWISE_INL_H_
#else
#define SIMDACT_KERNELS_ELEMENTWISE_INL_H_
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <type_traits>

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "kernels/kernel_set.h"
#include "kernels/math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace simdact {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);

// Whether this target's masked loads and stores leave the memory of the
// masked-off lanes alone (AVX2 maskload/maskstore, AVX-512 masked moves,
// SVE predicates): then a partial vector is read and written in place. The
// other targets (SSE4, NEON, scalar) go through a stack buffer, whose
// memcpy and store-forwarding stall cost ~40 cycles a partial vector.
constexpr bool kMaskedMemoryIsSafe =
#if HWY_ARCH_X86
    HWY_TARGET <= HWY_AVX2;
#else
    (HWY_TARGET & (HWY_SVE | HWY_SVE2 | HWY_SVE_256 | HWY_SVE2_128)) != 0;
#endif

// x86 with SIMD (SSE4, AVX2, AVX-512), whose instructions' behaviour on NaN
// and zeros some kernels rely on.
#undef SIMDACT_X86_SIMD
#if HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128
#define SIMDACT_X86_SIMD 1
#else
#define SIMDACT_X86_SIMD 0
#endif

// Whether this target writes long outputs with non-temporal (streaming)
// stores, MOVNTPS: x86 with SIMD. Elsewhere Highway's Stream is a plain
// store, so the streaming loops are not compiled at all.
#undef SIMDACT_STREAMING_STORES
#define SIMDACT_STREAMING_STORES SIMDACT_X86_SIMD

// Whether a memory-bound loop writing n floats to out (reading in and dy)
// should use streaming stores (Map1): an output at least as large as the
// last-level cache, float aligned, and not in place. In place the load has
// already brought each line in, so a plain store costs no extra read and a
// streaming one only evicts the line (relu in place at 64 MiB: 7.1-7.8
// elements/ns plain, 5.8 streamed).
HWY_INLINE bool StreamsOutput(size_t n, const float* in, const float* dy,
                              const float* out) {
  return SIMDACT_STREAMING_STORES && n >= internal::g_stream_stores_from &&
         out != in && out != dy &&
         reinterpret_cast<uintptr_t>(out) % sizeof(float) == 0;
}

// Stores v at p: with a non-temporal store when kStream (p aligned to the
// vector; see Map1), else a plain one (any alignment).
template <bool kStream, class D>
HWY_INLINE void Put(D d, hn::Vec<D> v, float* p) {
  if constexpr (kStream) {
    hn::Stream(v, d, p);
  } else {
    hn::StoreU(v, d, p);
  }
}

// The whole vectors of Map1 from index 0: returns how many elements it did
// (a multiple of Lanes(d), > n - Lanes(d)).
template <size_t kUnroll, bool kStream, class D, class F>
HWY_INLINE size_t Map1Vectors(D d, const float* in, float* out, size_t n,
                              const F& f) {
  static_assert(kUnroll == 1 || kUnroll == 4, "unrolled by 4 or not at all");
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  if constexpr (kUnroll == 4) {  // (SVE's vectors cannot be array elements)
    for (; i + 4 * N <= n; i += 4 * N) {
      const auto v0 = hn::LoadU(d, in + i);
      const auto v1 = hn::LoadU(d, in + i + N);
      const auto v2 = hn::LoadU(d, in + i + 2 * N);
      const auto v3 = hn::LoadU(d, in + i + 3 * N);
      Put<kStream>(d, f(v0), out + i);
      Put<kStream>(d, f(v1), out + i + N);
      Put<kStream>(d, f(v2), out + i + 2 * N);
      Put<kStream>(d, f(v3), out + i + 3 * N);
    }
  }
  for (; i + N <= n; i += N) {
    Put<kStream>(d, f(hn::LoadU(d, in + i)), out + i);
  }
  return i;
}

// As Map1Vectors, for two inputs.
template <size_t kUnroll, bool kStream, class D, class F>
HWY_INLINE size_t Map2Vectors(D d, const float* a, const float* b, float* out,
                              size_t n, const F& f) {
  static_assert(kUnroll == 1 || kUnroll == 4, "unrolled by 4 or not at all");
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  if constexpr (kUnroll == 4) {
    for (; i + 4 * N <= n; i += 4 * N) {
      const auto a0 = hn::LoadU(d, a + i);
      const auto b0 = hn::LoadU(d, b + i);
      const auto a1 = hn::LoadU(d, a + i + N);
      const auto b1 = hn::LoadU(d, b + i + N);
      const auto a2 = hn::LoadU(d, a + i + 2 * N);
      const auto b2 = hn::LoadU(d, b + i + 2 * N);
      const auto a3 = hn::LoadU(d, a + i + 3 * N);
      const auto b3 = hn::LoadU(d, b + i + 3 * N);
      Put<kStream>(d, f(a0, b0), out + i);
      Put<kStream>(d, f(a1, b1), out + i + N);
      Put<kStream>(d, f(a2, b2), out + i + 2 * N);
      Put<kStream>(d, f(a3, b3), out + i + 3 * N);
    }
  }
  for (; i + N <= n; i += N) {
    Put<kStream>(d, f(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), out + i);
  }
  return i;
}

// Elements of out before the first address aligned to a whole vector of d
// (which Stream needs), at most n; out must be float aligned.
template <class D>
HWY_INLINE size_t ElementsBeforeVectorAligned(D d, const float* out, size_t n) {
  const size_t vector_bytes = hn::Lanes(d) * sizeof(float);
  const size_t misaligned = reinterpret_cast<uintptr_t>(out) % vector_bytes;
  const size_t head =
      misaligned ? (vector_bytes - misaligned) / sizeof(float) : 0;
  return HWY_MIN(head, n);
}

// Map1 and Map2 apply f to every vector of their inputs and store the
// results, for any n and alignment; out may be one of the inputs (in place).
// kUnroll vectors per iteration keep the loop overhead down for cheap f. The
// last partial vector is done as the whole vector that ends at n: it is
// loaded before anything is stored, so an in-place call sees only original
// inputs there, and its overlap with the vector before gets the same values
// again. Only n < Lanes is a partial vector: masked loads and stores where
// they are safe, else a stack buffer.
//
// kStream (x86 only, for outputs larger than the last-level cache; see
// internal::g_stream_stores_from): the whole vectors are written with
// non-temporal stores (MOVNTPS). A plain store first reads the line it
// writes, to own it in the cache; a streaming store skips that read, so a
// buffer in DRAM moves 8 bytes an element instead of 12 (one input) or 12
// instead of 16 (two), and the output does not evict the cache. out must be
// float aligned: the elements before its first vector-aligned address and
// after its last whole vector take the plain path. FlushStream (SFENCE)
// orders the streaming stores before the call returns.
template <size_t kUnroll = 1, bool kStream = false, class D, class F>
HWY_INLINE void Map1(D d, const float* in, float* out, size_t n, const F& f) {
  if constexpr (kStream) {
    const size_t head = ElementsBeforeVectorAligned(d, out, n);
    if (head != 0) Map1(d, in, out, head, f);
    const size_t i = head + Map1Vectors<kUnroll, true>(d, in + head, out + head,
                                                       n - head, f);
    hwy::FlushStream();
    if (i != n) Map1(d, in + i, out + i, n - i, f);
    return;
  }
  const size_t N = hn::Lanes(d);
  if (n < N && kMaskedMemoryIsSafe) {
    const auto m = hn::FirstN(d, n);
    hn::BlendedStore(f(hn::MaskedLoad(m, d, in)), m, d, out);
    return;
  }
  if (n < N) {
    HWY_ALIGN float buf[kMaxLanes] = {};
    memcpy(buf, in, n * sizeof(float));
    hn::Store(f(hn::Load(d, buf)), d, buf);
    memcpy(out, buf, n * sizeof(float));
    return;
  }
  const auto last = hn::LoadU(d, in + n - N);
  const size_t i = Map1Vectors<kUnroll, false>(d, in, out, n, f);
  if (i < n) hn::StoreU(f(last), d, out + n - N);
}

template <size_t kUnroll = 1, bool kStream = false, class D, class F>
HWY_INLINE void Map2(D d, const float* a, const float* b, float* out, size_t n,
                     const F& f) {
  if constexpr (kStream) {
    const size_t head = ElementsBeforeVectorAligned(d, out, n);
    if (head != 0) Map2(d, a, b, out, head, f);
    const size_t i = head + Map2Vectors<kUnroll, true>(d, a + head, b + head,
                                                       out + head, n - head, f);
    hwy::FlushStream();
    if (i != n) Map2(d, a + i, b + i, out + i, n - i, f);
    return;
  }
  const size_t N = hn::Lanes(d);
  if (n < N && kMaskedMemoryIsSafe) {
    const auto m = hn::FirstN(d, n);
    hn::BlendedStore(f(hn::MaskedLoad(m, d, a), hn::MaskedLoad(m, d, b)), m, d,
                     out);
    return;
  }
  if (n < N) {
    HWY_ALIGN float buf_a[kMaxLanes] = {};
    HWY_ALIGN float buf_b[kMaxLanes] = {};
    memcpy(buf_a, a, n * sizeof(float));
    memcpy(buf_b, b, n * sizeof(float));
    hn::Store(f(hn::Load(d, buf_a), hn::Load(d, buf_b)), d, buf_a);
    memcpy(out, buf_a, n * sizeof(float));
    return;
  }
  const auto last_a = hn::LoadU(d, a + n - N);
  const auto last_b = hn::LoadU(d, b + n - N);
  const size_t i = Map2Vectors<kUnroll, false>(d, a, b, out, n, f);
  if (i < n) hn::StoreU(f(last_a, last_b), d, out + n - N);
}

template <class V>
HWY_INLINE V KeepNaN(V x, V v) {
  return hn::IfThenElse(hn::IsNaN(x), x, v);
}

// Selects by the sign class of x, for the piecewise-linear activations:
//   PositivePart(d, x):        x > 0 ? x : +0          (NaN: x)
//   StepOrSlope(d, x, slope):  x > 0 ? 1 : slope lane  (NaN: x)
//   Step(d, x):                x > 0 ? 1 : +0          (NaN: x)
//   PositiveElse(d, x, v):     x > 0 ? x : v           (NaN: NaN)
// Generic targets spend a compare and a select on each case and another
// pair on NaN. AVX-512 does each but PositivePart in one FixupByClass
// (avx512-inl.h), with the same results (a NaN's payload aside): a ReLU
// backward is 2 instructions instead of 5.
#if SIMDACT_AVX512
// Codes by class, from bit 0: QNaN, SNaN, zero, +1, -inf, +inf, negative,
// positive. 1 = x, 8 = +0, 0 = pass, 0xA = +1.
constexpr int kStepOrSlopeTable = 0xA0A0A011;
constexpr int kPositiveElseTable = 0x10101011;

// (PositivePart is a MAXPS and an add instead, below: as one VFIXUPIMMPS a
// 4 KiB ReLU forward took 45-47 ns against 42-43 on Zen 4.)
template <class D, class V>
HWY_INLINE V StepOrSlope(D, V x, V slope) {
  return FixupByClass<kStepOrSlopeTable>(slope, x);
}
template <class D, class V>
HWY_INLINE V Step(D d, V x) {
  return StepOrSlope(d, x, hn::Zero(d));
}
template <class D, class V>
HWY_INLINE V PositiveElse(D, V x, V v) {
  return FixupByClass<kPositiveElseTable>(v, x);
}
// x > 0 ? x : slope * x, as x * StepOrSlope (x * 1 is x): 2 instructions.
template <class D, class V>
HWY_INLINE V LeakyValue(D d, V x, V slope) {
  return hn::Mul(x, StepOrSlope(d, x, slope));
}
#else
template <class D, class V>
HWY_INLINE V StepOrSlope(D d, V x, V slope) {
  return KeepNaN(
      x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f), slope));
}
// StepOrSlope(d, x, 0) in an AND instead of a blend.
template <class D, class V>
HWY_INLINE V Step(D d, V x) {
  return KeepNaN(x,
                 hn::IfThenElseZero(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f)));
}
// (A NaN x gives v, which the callers make NaN for NaN x.)
template <class D, class V>
HWY_INLINE V PositiveElse(D d, V x, V v) {
  return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, v);
}
// x * (x > 0 ? 1 : slope): the same bits as x > 0 ? x : slope * x, but in
// PReLU's loop GCC made a masked reload of x from memory of that one, 40%
// of the loop on Zen 4.
template <class D, class V>
HWY_INLINE V LeakyValue(D d, V x, V slope) {
  return hn::Mul(
      x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f), slope));
}
#endif

template <class D, class V>
HWY_INLINE V PositivePart(D d, V x) {
#if SIMDACT_X86_SIMD
  // MAXPS(+0, x) returns its second operand, x, where x is NaN and where
  // both are zeros (so -0 there), and + 0 turns -0 into +0: two operations
  // on the FP pipes, no compare, mask or blend. A 4 KiB ReLU forward on Zen
  // 4's avx3 went from 45.8 to 40.5 ns (avx2's compare and AND-NOT: 38.7 to
  // 39.5), 8 KiB from 89.6 to 75.2 ns: a compare into a mask register and
  // a masked move cost more there than their count says.
  return hn::Add(hn::Max(hn::Zero(d), x), hn::Zero(d));
#else
  return hn::IfThenZeroElse(hn::Le(x, hn::Zero(d)), x);
#endif
}

// max(x, 0) with relu(-0) = +0 and relu(NaN) = NaN. f'(0) = 0 (PyTorch).
struct ReluOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return PositivePart(d, x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return Step(d, x);
  }
  // y > 0 exactly when x > 0.
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);
  }
};

// x > 0 ? x : alpha x; f'(0) = alpha (PyTorch). From y: needs alpha >= 0,
// then y > 0 exactly when x > 0.
struct LeakyReluOp {
  static constexpr bool kCheap = true;  // a few operations: unroll
  float alpha;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return LeakyValue(d, x, hn::Set(d, alpha));
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    return StepOrSlope(d, x, hn::Set(d, alpha));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return Derivative(d, y);
  }
};

// x > 0 ? x : alpha (e^x - 1). f'(x) = alpha e^x for x <= 0 (so f'(0) =
// alpha, as PyTorch), 1 above. From y (alpha >= 0): y + alpha for y <= 0.
// Forward <= 2 ULP (expm1 1 ULP + one product); derivative <= 2 ULP.
struct EluOp {
  float alpha;
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    // ScaledExpm1NonPositive's value for x > 0 is discarded by the select.
    const V neg = ScaledExpm1NonPositive(d, x, hn::Set(d, alpha));
    return PositiveElse(d, x, neg);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V neg =
        hn::Mul(hn::Set(d, alpha), ExpNonPositive(d, hn::Min(x, hn::Zero(d))));
    return KeepNaN(
        x, hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Set(d, 1.0f), neg));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return hn::IfThenElse(hn::Gt(y, hn::Zero(d)), hn::Set(d, 1.0f),
                          hn::Add(y, hn::Set(d, alpha)));
  }
};

// -|x| in one operation.
template <class D, class V>
HWY_INLINE V NegAbs(D d, V x) {
  return hn::Or(x, hn::Set(d, -0.0f));
}

// (1 + e)^2 for e in [0, 1], to ~0.5 ULP: the rounding error of 1 + e is
// recovered exactly (Fast2Sum, since 1 >= e) and folded into the square.
template <class D, class V>
HWY_INLINE V OnePlusSquared(D d, V e) {
  const V one = hn::Set(d, 1.0f);
  const V sum = hn::Add(one, e);
  const V sum_err = hn::Sub(e, hn::Sub(sum, one));
  return hn::MulAdd(sum, sum, hn::Mul(hn::Add(sum, sum), sum_err));
}

// (1 + e)^2 for e >= 0 as 1 + e (2 + e), in two operations instead of six:
// the rounding of 2 + e (at most 2^-23) is scaled by e, and e / (1 + e)^2 <=
// 1/4, so it adds at most 0.25 ULP to the final rounding's 0.5 (and without
// FMA the product's rounding another 0.25).
template <class D, class V>
HWY_INLINE V OnePlusSquaredShort(D d, V e) {
  return hn::MulAdd(e, hn::Add(e, hn::Set(d, 2.0f)), hn::Set(d, 1.0f));
}

// 1 / (1 + e^-x): Sigmoid (math-inl.h), 2^m / (2^m + p) with no select on
// the sign, <= 2 ULP. f'(x) = e / (1 + e)^2 from e = exp(-|x|) in (0, 1],
// so nothing overflows: <= 3 ULP (measured 2 on every float; the square by
// OnePlusSquaredShort: 4 KiB backward on Zen 4, 331 -> 275 ns on AVX-512,
// 473-505 -> 361 on AVX2). From y: y (1 - y).
struct SigmoidOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return Sigmoid(d, x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V e = ExpNonPositive(d, NegAbs(d, x));
    return hn::Div(e, OnePlusSquaredShort(d, e));
  }
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    return hn::Mul(y, hn::Sub(hn::Set(d, 1.0f), y));
  }
};

// tanh(x): see math-inl.h. f'(x) = sech^2(x) = 4e / (1 + e)^2 with
// e = exp(-2|x|), which keeps relative accuracy in the tails where 1 - tanh^2
// would cancel; <= 3 ULP (measured 2 on every float). From y: (1 - y)(1 + y),
// <= 2 ULP.
struct TanhOp {
  template <class D, class V>
  HWY_INLINE V Forward(D d, V x) const {
    return Tanh(d, x);
  }
  template <class D, class V>
  HWY_INLINE V Derivative(D d, V x) const {
    const V minus_2x = hn::Add(NegAbs(d, x), NegAbs(d, x));
    // Where e is a normal float, 4e is exact: e = exp(-2|x|), then 4e (20
    // operations, not 31; OnePlusSquaredShort took 4 off: 4 KiB backward on
    // Zen 4, 365 -> 310 ns on AVX-512, 537-576 -> 418 on AVX2).
    const auto e_normal = hn::Ge(minus_2x, hn::Set(d, -kExpNormalRange));
    V e = ExpNormalRange(d, minus_2x);
    V four_e = hn::Mul(e, hn::Set(d, 4.0f));
    if (HWY_UNLIKELY(!hn::AllTrue(d, e_normal))) {
      // |x| > 43 or NaN in some lane: there 4e = exp(ln 4 - 2|x|) directly,
      // so that a subnormal 4e is rounded once (4 * a subnormal e would
      // quadruple e's rounding error). The other lanes keep the values
      // above, so that no result depends on its neighbours.
      const V four_e_tail =
          ExpOfDifference(d, minus_2x, hn::Set(d, -0x1.62e430p+0f));
      four_e = hn::IfThenElse(e_normal, four_e, four_e_tail);
      e = hn::IfThenElse(e_normal, e, hn::Mul(four_e_tail, hn::Set(d, 0.25f)));
    }
    return hn::Div(four_e, OnePlusSquaredShort(d, e));
  }
  // 1 - y^2: with FMA in one rounding (and two operations fewer); without,
  // as (1 - y)(1 + y), where 1 - y is exact near |y| = 1.
  template <class D, class V>
  HWY_INLINE V DerivativeFromOutput(D d, V y) const {
    const V one = hn::Set(d, 1.0f);
#if HWY_NATIVE_FMA
    return hn::NegMulAdd(y, y, one);
#else
    return hn::Mul(hn::Sub(one, y), hn::Add(one, y));
#endif
  }
};

template <class Act, class = void>
struct IsCheap : std::false_type {};
template <class Act>
struct IsCheap<Act, std::void_t<decltype(Act::kCheap)>>
    : std::bool_constant<Act::kCheap> {};

// f' from y, times dy: a loop of a few operations, unrolled.
template <bool kStream = false, class D, class Act>
HWY_INLINE void RunFromOutput(D d, const Act& act, const float* y,
                              const float* dy, float* out, size_t n) {
  Map2<4, kStream>(d, y, dy, out, n, [&](hn::Vec<D> yv, hn::Vec<D> g) HWY_ATTR {
    return hn::Mul(g, act.DerivativeFromOutput(d, yv));
  });
}

template <size_t kUnroll, bool kStream = false, class D, class Act>
HWY_INLINE void RunKind(D d, const Act& act, int kind, const float* in,
                        const float* dy, float* out, size_t n) {
  using V = hn::Vec<D>;
  switch (kind) {
    case internal::kForward:
      Map1<kUnroll, kStream>(d, in, out, n,
                             [&](V x) HWY_ATTR { return act.Forward(d, x); });
      break;
    case internal::kDerivative:
      Map1<kUnroll, kStream>(
          d, in, out, n, [&](V x) HWY_ATTR { return act.Derivative(d, x); });
      break;
    case internal::kBackward:
      Map2<kUnroll, kStream>(d, in, dy, out, n, [&](V x, V g) HWY_ATTR {
        return hn::Mul(g, act.Derivative(d, x));
      });
      break;
    case internal::kBackwardFromOutput:
      RunFromOutput<kStream>(d, act, in, dy, out, n);
      break;
  }
}

// The memory-bound loops of an activation: every kind of one of a few
// operations (kCheap), unrolled by four; else f' from y.
template <bool kStream, class D, class Act>
HWY_INLINE void RunMemoryBound(D d, const Act& act, int kind, const float* in,
                               const float* dy, float* out, size_t n) {
  if constexpr (IsCheap<Act>::value) {
    RunKind<4, kStream>(d, act, kind, in, dy, out, n);
  } else {
    RunFromOutput<kStream>(d, act, in, dy, out, n);
  }
}

// Runs one kind of one activation over a buffer. Inlined into one function
// for each activation and kind (ElementwiseOfKind in more_activations-inl.h,
// the entries of KernelSet::elementwise), so a call pays only for its own
// loop's prologue, not for switches over every activation and kind. Loops
// of a few operations (kCheap activations, and f' in y) are unrolled by
// four (a 4 KiB ReLU: about 0.65 ns a vector, kernel alone, on Zen 4);
// unrolling the long ones gained nothing measurable in tools/compare.sh
// and tripled their code. Those memory-bound loops run on 256-bit vectors
// from the length g_narrow_loops_from on (Zen 4, kernel_set.h), and write
// with streaming stores on x86 from g_stream_stores_from on (an output
// larger than the last-level cache): at 64 MiB on Zen 4, relu forward went
// from 2.9 to 4.0 elements/ns, relu backward from 2.0 to 2.7. The other
// loops keep plain stores: there streaming cost 10-40% (gelu forward 0.75
// to 0.45 elements/ns, sigmoid forward 3.5 to 2.6), as a slow loop leaves
// its half-written lines long enough in the write-combining buffers for
// them to be flushed in parts.
template <class Act>
HWY_INLINE void RunElementwiseInline(const Act& act_in, int kind,
                                     const float* in, const float* dy,
                                     float* out, size_t n) {
  // A copy whose address never escapes: through the reference, a store to
  // out might change the parameters, so GCC loaded them again for every
  // vector (leaky_relu forward, 4 KiB: 51 -> 45 ns kernel alone on Zen 4,
  // where a hand-written loop takes 40).
  const Act act = act_in;
  const hn::ScalableTag<float> d;
  if (!IsCheap<Act>::value && kind != internal::kBackwardFromOutput) {
    return RunKind<1>(d, act, kind, in, dy, out, n);
  }
#if SIMDACT_AVX512
  const hn::CappedTag<float, 8> d8;
  const bool narrow = n >= internal::g_narrow_loops_from;
#endif
#if SIMDACT_STREAMING_STORES
  if (StreamsOutput(n, in, dy, out)) {
#if SIMDACT_AVX512
    if (narrow) return RunMemoryBound<true>(d8, act, kind, in, dy, out, n);
#endif
    return RunMemoryBound<true>(d, act, kind, in, dy, out, n);
  }
#endif
#if SIMDACT_AVX512
  if (narrow) return RunMemoryBound<false>(d8, act, kind, in, dy, out, n);
#endif
  RunMemoryBound<false>(d, act, kind, in, dy, out, n);
}

// As RunElementwiseInline, in a function of its own (PReLU's blocks).
template <class Act>
HWY_NOINLINE void RunElementwise(const Act& act, int kind, const float* in,
                                 const float* dy, float* out, size_t n) {
  RunElementwiseInline(act, kind, in, dy, out, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace simdact
HWY_AFTER_NAMESPACE();

#endif  // SIMDACT_KERNELS_ELEMENTWISE_INL_H_
