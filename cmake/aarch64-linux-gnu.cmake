# Cross-compiles for 64-bit Arm with Debian's g++-aarch64-linux-gnu and the
# arm64 packages (libhwy-dev:arm64 ...); tests run under qemu-aarch64, whose
# CPU model (NEON, SVE, SVE2 and vector length) comes from QEMU_CPU.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Root "/" with the multiarch library architecture: finds
# /usr/lib/aarch64-linux-gnu/cmake/* and never the x86 libraries.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Debian installs arm64 headers and libraries under /usr (multiarch).
list(APPEND CMAKE_PREFIX_PATH /usr)
# No -L: qemu finds the arm64 loader and libraries through multiarch paths;
# passing a sysroot would mix two glibc builds.
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64)
