// The Eigen peer again, compiled with -mavx2 -mfma only (bench/CMakeLists.txt),
// for simdact_compare --isa avx2: peers on the same vectors as simdact's AVX2
// target, on a CPU that also has AVX-512.
//
// Both copies instantiate the same Eigen templates with different code, and
// the linker would keep one copy of each inline function for both (breaking
// the one-definition rule). Renaming Eigen's namespace in this file gives its
// copies names of their own.
#define Eigen SimdactEigenAvx2
#define SIMDACT_EIGEN_PEER_FACTORY MakeEigenAvx2
#include "bench/compare/eigen_peer.cc"

#if defined(EIGEN_VECTORIZE_AVX512) || !defined(EIGEN_VECTORIZE_AVX2) || \
    !defined(EIGEN_VECTORIZE_FMA)
#error "eigen_peer_avx2.cc must be compiled with -mavx2 -mfma and no AVX-512"
#endif
