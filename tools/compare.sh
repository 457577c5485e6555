#!/usr/bin/env bash
# simdact side by side with XNNPACK, oneDNN and Eigen (Debian 12, root or
# sudo): installs them (tools/install_deps.sh native peers), builds Release in
# build/compare, runs bench/simdact_compare on one thread (OMP_NUM_THREADS=1
# for oneDNN's OpenMP), writes build/compare/compare.json and draws
# docs/compare.png from it. Takes about 2 minutes.
# With --isa avx2 (for a CPU with AVX-512), everyone is limited to AVX2 and
# FMA: simdact's avx2 target, oneDNN capped at AVX2, Eigen compiled with
# -mavx2 -mfma, XNNPACK left out; that run writes compare_avx2.json and
# docs/compare_avx2.png.
# Extra arguments go to simdact_compare, e.g.
#   tools/compare.sh --filter 'sigmoid|tanh' --min_ms 5
#   tools/compare.sh --isa avx2 --reps 9
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh native peers
cmake -S . -B build/compare -DCMAKE_BUILD_TYPE=Release \
  -DSIMDACT_BUILD_TESTS=OFF | grep 'simdact_compare' || true
cmake --build build/compare -j "$(nproc)" --target simdact_compare >/dev/null
suffix=""
for ((i = 1; i < $#; ++i)); do
  if [[ ${!i} == --isa ]]; then
    next=$((i + 1))
    [[ ${!next} == avx2 ]] && suffix=_avx2
  fi
done
OMP_NUM_THREADS=1 build/compare/bench/simdact_compare \
  --json "build/compare/compare$suffix.json" "$@"
bash tools/plot_compare.sh "build/compare/compare$suffix.json" \
  "docs/compare$suffix.png"
