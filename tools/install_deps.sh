#!/usr/bin/env bash
# Installs what simdact needs from Debian 12's archive, skipping what is
# already there. Usage: tools/install_deps.sh [native] [cross] [peers]
#   native: compiler, CMake, Highway, GoogleTest, Google Benchmark, qemu-user
#   cross:  the aarch64 cross compiler and the arm64 libraries (for qemu)
#   peers:  the libraries bench/simdact_compare compares with (XNNPACK,
#           oneDNN, Eigen) and jq + gnuplot for tools/plot_compare.sh
set -euo pipefail

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi

missing=()
want() {
  for pkg in "$@"; do
    # "$pkg:native" too: with both amd64 and arm64 installed, a bare name
    # is ambiguous to dpkg -s.
    dpkg -s "$pkg" >/dev/null 2>&1 ||
      dpkg -s "$pkg:$(dpkg --print-architecture)" >/dev/null 2>&1 ||
      missing+=("$pkg")
  done
}

for set in "${@:-native}"; do
  case "$set" in
    native)
      want cmake make g++ libhwy-dev libgtest-dev libbenchmark-dev qemu-user
      ;;
    cross)
      if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $sudo dpkg --add-architecture arm64
        missing+=(__update__)
      fi
      want g++-aarch64-linux-gnu qemu-user libhwy-dev:arm64 libgtest-dev:arm64 \
           libbenchmark-dev:arm64
      ;;
    peers)
      want libxnnpack-dev libpthreadpool-dev libdnnl-dev libeigen3-dev jq \
           gnuplot-nox
      ;;
    *) echo "install_deps.sh: unknown set '$set'" >&2; exit 2 ;;
  esac
done

packages=()
for p in "${missing[@]}"; do [[ $p == __update__ ]] || packages+=("$p"); done
if [[ ${#packages[@]} -gt 0 ]]; then
  echo "Installing: ${packages[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${packages[@]}" >/dev/null
fi
