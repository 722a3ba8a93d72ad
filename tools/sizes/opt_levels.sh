#!/bin/sh
# opt_levels.sh PREFIX MODEL_DIR [WORK]
#
# What each -O level costs and gains on the Cortex-M targets: the examples/firmware
# program (from an installed PREFIX) linked with MODEL_DIR's model (a folder written by
# test/models/export.py: model.pt2, input_0.npy) compiled at -Os, -O2 and -O3 for
# cortex-m4 (run on mps2-an386) and cortex-m7 (mps2-an500) under QEMU with
# -icount shift=0. Prints the model object's code bytes (.text), its constants, and
# the instructions the inference took (SysTick ticks at 25 MHz x 40 ns per tick, one
# instruction per ns), which is deterministic.
set -eu
prefix=${1:?usage: opt_levels.sh PREFIX MODEL_DIR [WORK]}
models=${2:?usage: opt_levels.sh PREFIX MODEL_DIR [WORK]}
work=${3:-$(mktemp -d)}
llvm=${LLVM_DIR:-/usr/lib/llvm-22}/bin
fw=$prefix/share/kiln/examples/firmware
mkdir -p "$work"
printf "%-10s %-4s %8s %10s %14s\n" target -O text rodata instructions
for target in cortex-m4 cortex-m7; do
  case $target in
  cortex-m4) flags="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16" board=mps2-an386 ;;
  cortex-m7) flags="-mcpu=cortex-m7 -mfpu=fpv5-d16" board=mps2-an500 ;;
  esac
  for level in s 2 3; do
    d=$work/$target-O$level
    mkdir -p "$d"
    "$prefix/bin/kilnc" "$models/model.pt2" --target=$target --name=kws -O$level -o "$d/kws.o"
    # shellcheck disable=SC2086
    cc="$llvm/clang --target=thumbv7em-none-eabihf $flags -mfloat-abi=hard -ffreestanding -Os"
    # shellcheck disable=SC2086
    $cc -I"$prefix/include" -I"$d" -DKWS_INPUT_NPY="\"$models/input_0.npy\"" -c "$fw/main.c" \
      -o "$d/main.o"
    # shellcheck disable=SC2086
    $cc -c "$fw/startup.c" -o "$d/startup.o"
    # shellcheck disable=SC2086
    $cc -fuse-ld=lld -nostdlib -Wl,--gc-sections -T "$fw/mps2-an500.ld" "$d/main.o" \
      "$d/startup.o" "$d/kws.o" "$prefix/lib/kiln/$target/libkiln_runtime.a" -o "$d/fw.elf"
    ticks=$(qemu-system-arm -M $board -nographic -semihosting -icount shift=0 \
      -kernel "$d/fw.elf" 2>&1 | sed -n 's/.* \([0-9][0-9]*\) cycles$/\1/p')
    "$llvm/llvm-size" -A "$d/kws.o" | awk -v t=$target -v o="O$level" -v n="$ticks" '
      $1 ~ /^\.text/ {text += $2}
      $1 ~ /^\.rodata/ {ro += $2}
      END {printf "%-10s %-4s %8d %10d %14d\n", t, o, text, ro, n * 40}'
  done
done
