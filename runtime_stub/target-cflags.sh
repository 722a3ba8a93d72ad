#!/bin/sh
# target-cflags.sh TARGET
# Prints the clang-22 flags that compile C for a kilnc --target (the runtime stub, the
# QEMU test runner): the same triple, CPU and float ABI as kilnc's target descriptor.
case ${1:-} in
  x86_64) echo "--target=x86_64-linux-gnu" ;;
  aarch64) echo "--target=aarch64-linux-gnu -mcpu=cortex-a55" ;;
  armv7) echo "--target=armv7-linux-gnueabihf -mcpu=cortex-a15 -mfloat-abi=hard" ;;
  cortex-m4) echo "--target=thumbv7em-none-eabihf -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard" ;;
  cortex-m7) echo "--target=thumbv7em-none-eabihf -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard" ;;
  riscv64) echo "--target=riscv64-linux-gnu -march=rv64gc" ;;
  riscv64-rvv) echo "--target=riscv64-linux-gnu -march=rv64gcv" ;;
  hexagon) echo "--target=hexagon-unknown-linux-musl -mcpu=hexagonv67" ;;
  *) echo "target-cflags.sh: unknown target '${1:-}'" >&2; exit 2 ;;
esac
