#!/bin/sh
# run_model.sh KILNC KILN_RUN MODEL_DIR WORK_DIR RTOL ATOL
# run_model.sh KILNC KILN_RUN MODEL_DIR WORK_DIR scaled TOL
# Compiles MODEL_DIR/model.pt2 into a shared library and checks every output
# against PyTorch's (MODEL_DIR/expected_K.npy) on MODEL_DIR/input_K.npy:
# elementwise |out - ref| <= ATOL + RTOL * |ref|, or with `scaled`,
# max |out - ref| <= TOL * max(1, max |ref|) over each output.
set -eu
kilnc=$1 kiln_run=$2 model=$3 work=$4 rtol=$5 atol=$6
rm -rf "$work"
mkdir -p "$work"
"$kilnc" "$model/model.pt2" --emit=shared -o "$work/model.so"
set --
# In numeric order: expected_10 comes after expected_9.
k=0
while [ -f "$model/input_$k.npy" ]; do set -- "$@" --input "$model/input_$k.npy"; k=$((k + 1)); done
k=0
while [ -f "$model/expected_$k.npy" ]; do set -- "$@" --check "$model/expected_$k.npy"; k=$((k + 1)); done
if [ "$rtol" = scaled ]; then
  exec "$kiln_run" "$work/model.so" "$@" --scaled-tol "$atol" --output-dir "$work/out"
fi
exec "$kiln_run" "$work/model.so" "$@" --rtol "$rtol" --atol "$atol" --output-dir "$work/out"
