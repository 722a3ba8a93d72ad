#!/bin/sh
# sizes.sh BUILD_DIR [MODEL...]
#
# `make sizes`: the footprint of the runtime stub and of each model on every target:
# section sizes (llvm-size-22 after llvm-strip-22) and the arena (the header's
# <NAME>_ARENA_SIZE). The stub is compiled as the QEMU runner compiles it for
# freestanding targets (clang-22 -Os -ffreestanding -fno-builtin). Models: the float32
# builds from BUILD_DIR/models/<model>-core (default: mlp small_cnn kws_cnn mobilenet_v2)
# and the int8 (PT2E) builds <model>-int8 from BUILD_DIR/models-quantized/
# <model>-int8-training where one exists. .rodata is the weights (and tables).
#
# Then, on the Cortex-M targets, the instructions one inference of small_cnn and
# kws_cnn takes, float32 and int8, under QEMU with the TCG plugin
# ../shared/tools/qemu-insncount (built here with cc): the QEMU runner
# (test/qemu/run_case.sh) built for 1 and for 2 inferences, the difference. And the
# int8/float32 ratios of kws_cnn on cortex-m4 (weights, arena, instructions).
set -eu
build=${1:?usage: sizes.sh BUILD_DIR [MODEL...]}
shift
models=${*:-mlp small_cnn kws_cnn mobilenet_v2}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
stub=$root/runtime_stub
llvm=${LLVM_DIR:-/usr/lib/llvm-22}/bin
kilnc=$build/bin/kilnc
work=$build/sizes
targets=$("$kilnc" --print-targets | awk '{print $1}')
python=${KILN_PYTHON:-/usr/bin/python3}
rm -rf "$work"
mkdir -p "$work"

row() { # name target object [header]
  "$llvm/llvm-strip" -o "$work/stripped.o" "$3"
  arena=-
  [ -n "${4:-}" ] && arena=$(sed -n 's/^#define [A-Z0-9_]*_ARENA_SIZE \([0-9]*\)u$/\1/p' "$4")
  "$llvm/llvm-size" -A "$work/stripped.o" | awk -v n="$1" -v t="$2" -v a="$arena" '
    $1 ~ /^\.text/ {text += $2}
    $1 ~ /^\.(rodata|srodata|lrodata)/ {ro += $2}
    $1 ~ /^\.(data|sdata)/ {data += $2}
    $1 ~ /^\.(bss|sbss|tbss)/ {bss += $2}
    END {printf "%-18s %-12s %10d %12d %8d %10d %10s\n", n, t, text, ro, data, bss, a}' |
    tee -a "$work/table.txt"
}

printf "%-18s %-12s %10s %12s %8s %10s %10s\n" object target .text .rodata .data .bss arena
for t in $targets; do
  # shellcheck disable=SC2046
  "$llvm/clang" $("$root/targets/target-info.sh" "$t" cflags) -Os -ffreestanding -fno-builtin \
    -I"$stub/include" -c "$stub/kiln_runtime.c" -o "$work/stub-$t.o"
  row runtime-stub "$t" "$work/stub-$t.o"
done
for m in $models; do
  for variant in float int8; do
    if [ $variant = float ]; then
      pt2=$build/models/$m-core/model.pt2 name=$m
    else
      pt2=$build/models-quantized/$m-int8-training/model.pt2 name=$m-int8
    fi
    [ -f "$pt2" ] || continue
    for t in $targets; do
      base=$(echo "$name-$t" | tr '-' '_')
      "$kilnc" "$pt2" --target="$t" -o "$work/$base.o"
      row "$name" "$t" "$work/$base.o" "$work/$base.h"
    done
  done
done

# Instructions per inference on the Cortex-M targets.
plugin_src=$root/../shared/tools/qemu-insncount/insncount.c
if [ ! -f "$plugin_src" ]; then
  echo "instructions per inference: skipped (no $plugin_src)"
  exit 0
fi
cc -O2 -shared -fPIC -o "$work/libinsncount.so" "$plugin_src"
count() { # target model_dir runs
  dir=$work/run-$(basename "$2")-$1-$3
  KILN_RUNNER_CFLAGS=-DKILN_QEMU_RUNS=$3 KILN_QEMU_PLUGIN=$work/libinsncount.so \
    sh "$root/test/qemu/run_case.sh" "$kilnc" "$1" "$2" "$dir" "$python" --scaled-tol 0.05 \
    > /dev/null 2>&1 || { echo "sizes.sh: the QEMU run of $2 on $1 failed ($dir)" >&2; exit 1; }
  sed -n 's/^insns: \([0-9]*\)$/\1/p' "$dir/output.txt"
}
echo
printf "%-18s %-12s %14s\n" model target instructions
for t in cortex-m4 cortex-m7 cortex-m55; do
  for m in small_cnn kws_cnn; do
    for variant in float int8; do
      if [ $variant = float ]; then dir=$build/models/$m-core name=$m; else
        dir=$build/models-quantized/$m-int8-training name=$m-int8; fi
      one=$(count $t "$dir" 1)
      two=$(count $t "$dir" 2)
      n=$((two - one))
      printf "%-18s %-12s %14d\n" "$name" "$t" "$n"
      echo "$name $t $n" >> "$work/instructions.txt"
    done
  done
done

# kws_cnn on cortex-m4, int8 against float32.
echo
awk -v f=kws_cnn -v q=kws_cnn-int8 -v t=cortex-m4 '
  FILENAME ~ /table/ && $2 == t && $1 == f {fro = $4; farena = $7}
  FILENAME ~ /table/ && $2 == t && $1 == q {qro = $4; qarena = $7}
  FILENAME ~ /instructions/ && $2 == t && $1 == f {fi = $3}
  FILENAME ~ /instructions/ && $2 == t && $1 == q {qi = $3}
  END {
    printf "kws_cnn on %s, int8 / float32: weights (.rodata) %d / %d = %.2f%%, arena %d / %d = %.2f%%, instructions %d / %d = %.3f%%\n",
      t, qro, fro, 100 * qro / fro, qarena, farena, 100 * qarena / farena, qi, fi, 100 * qi / fi
  }' "$work/table.txt" "$work/instructions.txt"
