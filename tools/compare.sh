#!/usr/bin/env bash
# simdact side by side with XNNPACK, oneDNN and Eigen (Debian 12, root or
# sudo): installs them (tools/install_deps.sh native peers), builds Release in
# build/compare, runs bench/simdact_compare on one thread (OMP_NUM_THREADS=1
# for oneDNN's OpenMP), writes build/compare/compare.json and draws
# docs/compare.png from it. Takes about 2 minutes.
# Extra arguments go to simdact_compare, e.g.
#   tools/compare.sh --filter 'sigmoid|tanh' --min_ms 5
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh native peers
cmake -S . -B build/compare -DCMAKE_BUILD_TYPE=Release \
  -DSIMDACT_BUILD_TESTS=OFF | grep 'simdact_compare' || true
cmake --build build/compare -j "$(nproc)" --target simdact_compare >/dev/null
OMP_NUM_THREADS=1 build/compare/bench/simdact_compare \
  --json build/compare/compare.json "$@"
bash tools/plot_compare.sh build/compare/compare.json docs/compare.png
