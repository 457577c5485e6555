#!/usr/bin/env bash
# Installs simdact (static and shared) into temporary prefixes and builds and
# runs a consumer against each with find_package(simdact).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for shared in OFF ON; do
  prefix="$tmp/prefix-$shared"
  cmake -S . -B "$tmp/build-$shared" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=$shared -DSIMDACT_BUILD_TESTS=OFF \
    -DSIMDACT_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
  cmake --build "$tmp/build-$shared" -j "$(nproc)" >/dev/null
  cmake --install "$tmp/build-$shared" >/dev/null
  cmake -S tests/package -B "$tmp/consumer-$shared" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$tmp/consumer-$shared" >/dev/null
  LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer-$shared/consumer_c"
  LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer-$shared/consumer_cpp"
  echo "package (BUILD_SHARED_LIBS=$shared): ok"
done
