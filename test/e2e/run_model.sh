#!/bin/sh
# run_model.sh KILNC KILN_RUN MODEL_DIR WORK_DIR RTOL ATOL
# Compiles MODEL_DIR/model.pt2 into a shared library and checks every output
# against PyTorch's (MODEL_DIR/expected_K.npy) on MODEL_DIR/input_K.npy.
set -eu
kilnc=$1 kiln_run=$2 model=$3 work=$4 rtol=$5 atol=$6
rm -rf "$work"
mkdir -p "$work"
"$kilnc" "$model/model.pt2" --emit=shared -o "$work/model.so"
set --
for f in "$model"/input_*.npy; do set -- "$@" --input "$f"; done
for f in "$model"/expected_*.npy; do set -- "$@" --check "$f"; done
exec "$kiln_run" "$work/model.so" "$@" --rtol "$rtol" --atol "$atol" --output-dir "$work/out"
