#!/usr/bin/env bash
# Runs the test suite and a short benchmark on an x86 machine with AVX-512,
# prints which targets ran, and fails unless AVX-512 (avx3) was among them.
# Finishes in well under 5 minutes on a 16-core machine.
#
# Two ways to use it:
#   tools/avx512_check.sh               build here (needs tools/install_deps.sh)
#   tools/avx512_check.sh --bundle DIR  run binaries made by
#                                       tools/make_bundle.sh DIR on a machine
#                                       that has no Debian packages (the
#                                       binaries bring libhwy and libbenchmark)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --bundle ]]; then
  bin=$2
  export LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  bash tools/install_deps.sh native
  cmake -S . -B build/avx512 -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/avx512 -j "$(nproc)" >/dev/null
  bin=build/avx512
  cp build/avx512/tests/simdact_tests build/avx512/bench/simdact_bench "$bin/" \
    2>/dev/null || true
fi

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "AVX-512 flags: $(grep -m1 -o 'avx512[a-z0-9_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
"$bin/simdact_tests" --gtest_list_tests | grep -o '/[A-Z0-9_]*  #' | sort -u |
  tr -d '/ #' | tr '\n' ' ' | sed 's/^/targets tested: /'
echo
"$bin/simdact_tests" --gtest_list_tests | grep -q '/AVX3 ' ||
  { echo "FAIL: avx3 is not among the supported targets"; exit 1; }

start=$SECONDS
"$bin/simdact_tests" --gtest_brief=1
echo "tests took $((SECONDS - start)) s"
"$bin/simdact_bench" --table --benchmark_filter='/(4KiB|256KiB)$' \
  --benchmark_min_time=0.05 --benchmark_color=false |
  sed -n '/^simdact throughput/,$p'
