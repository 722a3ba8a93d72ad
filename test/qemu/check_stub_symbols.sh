#!/bin/sh
# check_stub_symbols.sh KILNC CLANG NM STUB_DIR MODEL_DIR WORK TARGET...
#
# For each TARGET: compiles the runtime stub for it, then every model of MODEL_DIR
# named below, and checks that each symbol a model object leaves undefined
# (`nm -u`) is defined by the stub. Prints one line per target and exits 1 when a
# symbol is missing.
set -eu
kilnc=$1 clang=$2 nm=$3 stub=$4 models=$5 work=$6
shift 6
info=$(cd "$(dirname "$0")/../../targets" && pwd)/target-info.sh
# The zoo's models in the core IR (op_attention exists in the training IR only),
# but for the large torchvision CNNs, whose operators mobilenet_v2 and the op_*
# models already cover (and which take minutes per target to compile).
MODELS="mlp-core small_cnn-core residual_cnn-core dtypes_passthrough-core
  f16_elementwise-core bf16_mlp-core int_arith-core op_math-core op_compare-core
  op_int-core op_tensor-core op_attention-training transformer-core kws_cnn-core gru-core
  lstm-core mobilenet_v2-core"
rm -rf "$work"
mkdir -p "$work"
status=0
for target in "$@"; do
  # shellcheck disable=SC2046
  "$clang" $("$info" "$target" cflags) -Os -ffreestanding -fno-builtin \
    -I"$stub/include" -c "$stub/kiln_runtime.c" -o "$work/stub-$target.o"
  "$nm" --defined-only "$work/stub-$target.o" | awk '{print $3}' | sort -u > "$work/defined-$target"
  : > "$work/needed-$target"
  for m in $MODELS; do
    "$kilnc" "$models/$m/model.pt2" --target="$target" -o "$work/$m-$target.o"
    "$nm" -u "$work/$m-$target.o" | awk -v m="$m" '{print $2, m}' >> "$work/needed-$target"
  done
  missing=$(awk '{print $1}' "$work/needed-$target" | sort -u | comm -23 - "$work/defined-$target")
  needed=$(awk '{print $1}' "$work/needed-$target" | sort -u | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "$target: FAIL: not defined by the stub: $(echo $missing | tr '\n' ' ')"
    for s in $missing; do grep "^$s " "$work/needed-$target" | head -3 | sed 's/^/  needed by: /'; done
    status=1
  else
    echo "$target: ok: the models need ${needed:-nothing}- all defined by the stub"
  fi
done
exit $status
