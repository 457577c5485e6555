#!/usr/bin/env bash
# Builds the test and benchmark binaries here (Release, every x86 target) and
# copies them with the shared libraries they need from Debian (libhwy,
# libbenchmark) into DIR, for tools/avx512_check.sh --bundle DIR on a machine
# without those packages (glibc >= Debian 12's).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/make_bundle.sh DIR}
bash tools/install_deps.sh native
cmake -S . -B build/bundle -DCMAKE_BUILD_TYPE=Release \
  -DSIMDACT_TEST_QEMU_X86=OFF >/dev/null
cmake --build build/bundle -j "$(nproc)" >/dev/null
mkdir -p "$out"
cp build/bundle/tests/simdact_tests build/bundle/bench/simdact_bench "$out/"
for lib in libhwy.so.1 libbenchmark.so.1debian; do
  cp -L "/usr/lib/x86_64-linux-gnu/$lib" "$out/"
done
ls -la "$out"
