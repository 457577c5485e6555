#!/usr/bin/env bash
# The ISA comparison benchmark; installs what it needs (Debian 12, root or
# sudo). Builds Release (no -march: every target is compiled in and chosen at
# run time), runs every kernel on every target this CPU supports and on the
# scalar reference, at 4 KiB, 256 KiB and 64 MiB, and prints a table of
# Gelem/s with the speed-up over the reference. Then, if the peer libraries
# were found (tools/install_deps.sh peers, or tools/compare.sh), the
# comparison with XNNPACK, oneDNN and Eigen (bench/simdact_compare), and on
# a CPU with AVX-512 the same limited to AVX2 (--isa avx2).
# Extra arguments go to Google Benchmark, e.g.
#   tools/bench.sh --benchmark_filter='sigmoid|tanh'
#   tools/bench.sh --benchmark_out=bench.json --benchmark_out_format=json
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh native
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release \
  -DSIMDACT_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" >/dev/null
build/release/bench/simdact_bench --table --benchmark_min_time=0.05 \
  --benchmark_color=false "$@"
echo
compare=build/release/bench/simdact_compare
if [[ ! -x $compare ]]; then
  echo "Comparison with XNNPACK, oneDNN and Eigen skipped: $compare was not built."
elif [[ -z $($compare --list_peers) ]]; then
  echo "Comparison with XNNPACK, oneDNN and Eigen skipped: none was found at" \
       "build time (install them with tools/install_deps.sh peers, or run" \
       "tools/compare.sh)."
else
  OMP_NUM_THREADS=1 $compare --min_ms 10
  # On a CPU with AVX-512, also everyone limited to AVX2 (XNNPACK left out).
  if [[ $($compare --list_peers --isa avx2 2>/dev/null) ]] &&
     grep -qw avx512f /proc/cpuinfo; then
    echo
    OMP_NUM_THREADS=1 $compare --min_ms 10 --isa avx2 --no_accuracy
  fi
fi
