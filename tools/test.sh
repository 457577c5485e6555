#!/usr/bin/env bash
# The whole test matrix; installs what it needs (Debian 12, root or sudo).
#   tools/test.sh                 every stage below
#   tools/test.sh native aarch64  only those stages
# Stages:
#   native    Release build; every test on every target this CPU supports,
#             then the same binary under qemu-x86_64 as Westmere (SSE4),
#             Core 2 (SSSE3) and qemu64 (baseline x86-64), each asserting
#             the exact targets that ran
#   sanitize  ASan + UBSan build of the native suite
#   scalar    Highway's scalar target only (HWY_COMPILE_ONLY_SCALAR)
#   aarch64   cross build, run under qemu-aarch64 as NEON, SVE (A64FX, 512),
#             SVE_256, SVE2 (512) and SVE2_128
#   package   install, then build and run a consumer with find_package
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=(native sanitize scalar aarch64 package)
jobs=$(nproc)

needs=(native)
for s in "${stages[@]}"; do [[ $s == aarch64 ]] && needs+=(cross); done
bash tools/install_deps.sh "${needs[@]}"

passed=0
failed=0
failed_names=()
run_stage() {
  local name=$1
  shift
  echo
  echo "=== stage $name ==="
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== stage $name passed ($((SECONDS - start)) s) ==="
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "=== stage $name FAILED ($((SECONDS - start)) s) ==="
  fi
}

build_and_ctest() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null &&
    cmake --build "$dir" -j "$jobs" -- --no-print-directory >/dev/null &&
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 900
}

for stage in "${stages[@]}"; do
  case "$stage" in
    native)
      run_stage native build_and_ctest build/native
      ;;
    sanitize)
      # 2^14 sweep inputs: the native stage already ran the full 2^20; this
      # stage is for memory and UB errors, which the lengths and alignments
      # tests reach, not the sweep's size.
      SIMDACT_TEST_SWEEP=14 \
      run_stage sanitize build_and_ctest build/sanitize -DSIMDACT_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMDACT_BUILD_BENCHMARKS=OFF
      ;;
    scalar)
      run_stage scalar build_and_ctest build/scalar -DSIMDACT_SCALAR_ONLY=ON \
        -DSIMDACT_BUILD_BENCHMARKS=OFF
      ;;
    aarch64)
      run_stage aarch64 build_and_ctest build/aarch64 \
        -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
      ;;
    package)
      run_stage package bash tests/package/run.sh
      ;;
    *)
      echo "test.sh: unknown stage '$stage'" >&2
      exit 2
      ;;
  esac
done

echo
[[ $failed -eq 0 ]] || echo "failed stages: ${failed_names[*]}"
echo "stages: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
