#!/bin/sh
# sizes.sh BUILD_DIR [MODEL...]
#
# `make sizes`: the section sizes (llvm-size-22, Berkeley format, after llvm-strip-22)
# of the runtime stub and of each model's object on every target. The stub is
# compiled as the QEMU runner compiles it for freestanding targets (clang-22 -Os
# -ffreestanding -fno-builtin); models come from BUILD_DIR/models/<model>-core
# (default: mlp small_cnn kws_cnn mobilenet_v2).
set -eu
build=${1:?usage: sizes.sh BUILD_DIR [MODEL...]}
shift
models=${*:-mlp small_cnn kws_cnn mobilenet_v2}
root=$(cd "$(dirname "$0")/../.." && pwd)
stub=$root/runtime_stub
llvm=${LLVM_DIR:-/usr/lib/llvm-22}/bin
kilnc=$build/bin/kilnc
work=$build/sizes
targets=$("$kilnc" --print-targets | awk '{print $1}')
rm -rf "$work"
mkdir -p "$work"

row() { # name target file
  "$llvm/llvm-strip" -o "$work/stripped.o" "$3"
  "$llvm/llvm-size" -A "$work/stripped.o" | awk -v n="$1" -v t="$2" '
    $1 ~ /^\.text/ {text += $2}
    $1 ~ /^\.(rodata|srodata|lrodata)/ {ro += $2}
    $1 ~ /^\.(data|sdata)/ {data += $2}
    $1 ~ /^\.(bss|sbss|tbss)/ {bss += $2}
    END {printf "%-14s %-12s %10d %12d %8d %10d\n", n, t, text, ro, data, bss}'
}

printf "%-14s %-12s %10s %12s %8s %10s\n" object target .text .rodata .data .bss
for t in $targets; do
  # shellcheck disable=SC2046
  "$llvm/clang" $("$root/targets/target-info.sh" "$t" cflags) -Os -ffreestanding -fno-builtin \
    -I"$stub/include" -c "$stub/kiln_runtime.c" -o "$work/stub-$t.o"
  row runtime-stub "$t" "$work/stub-$t.o"
done
for m in $models; do
  for t in $targets; do
    "$kilnc" "$build/models/$m-core/model.pt2" --target="$t" -o "$work/$m-$t.o"
    row "$m" "$t" "$work/$m-$t.o"
  done
done
