#!/bin/sh
# Installs the Debian 12 packages Kiln needs to build and test, when missing.
# Idempotent: installed packages are left alone, and `apt-get update` runs once,
# only when something has to be installed. chromium: test/e2e/check_report_html.py
# loads kilnc's HTML report headless to check that its script draws the arena.
# qemu-*, the cross compilers and their C libraries: the QEMU suite (test/qemu)
# links each model for aarch64, armv7 and riscv64 Linux and runs it under
# qemu-user (qemu-hexagon too), and the Cortex-M boards under qemu-system-arm.
set -eu

PACKAGES="
  cmake ninja-build ccache pkg-config make
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 clang-22 libclang-rt-22-dev
  libzip-dev zlib1g-dev libzstd-dev catch2 flatbuffers-compiler libflatbuffers-dev
  python3 python3-torch python3-torchvision python3-numpy valgrind
  chromium
  qemu-user qemu-system-arm
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
  libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-riscv64-cross
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "kiln: installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "kiln: not root and no sudo: install these packages first:$missing" >&2
    exit 1
  fi
fi
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
