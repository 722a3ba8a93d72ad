#!/bin/sh
# check_identical.sh WORK_DIR...
#
# The int8 outputs of one model on several targets are byte-identical: integer
# arithmetic has one answer. Each WORK_DIR holds a run_case.sh run's output.txt,
# whose "kiln-qemu: output K fnv1a H" lines digest every output's bytes. Fails
# when a run is missing its digests or any two runs differ.
set -eu
reference= reference_dir=
for dir in "$@"; do
  digests=$(grep "^kiln-qemu: output [0-9]* fnv1a " "$dir/output.txt" 2>/dev/null || true)
  if [ -z "$digests" ]; then
    echo "check_identical.sh: $dir/output.txt has no output digests (did its run fail?)" >&2
    exit 1
  fi
  echo "$(basename "$dir"): $(echo "$digests" | sed 's/^kiln-qemu: //' | tr '\n' ' ')"
  if [ -z "$reference" ]; then
    reference=$digests reference_dir=$dir
  elif [ "$digests" != "$reference" ]; then
    echo "check_identical.sh: $(basename "$dir") differs from $(basename "$reference_dir")" >&2
    exit 1
  fi
done
echo "check_identical.sh: $# runs, identical outputs"
