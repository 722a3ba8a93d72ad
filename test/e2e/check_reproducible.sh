#!/bin/sh
# check_reproducible.sh KILNC MODEL_DIR WORK_DIR
# The same model and flags give a byte-identical object and shared library.
set -eu
kilnc=$1 model=$2 work=$3
rm -rf "$work"
mkdir -p "$work/a" "$work/b"
for kind in obj shared; do
  "$kilnc" "$model/model.pt2" --name=net --emit=$kind -o "$work/a/net.$kind"
  "$kilnc" "$model/model.pt2" --name=net --emit=$kind -o "$work/b/net.$kind"
  cmp "$work/a/net.$kind" "$work/b/net.$kind"
  cmp "$work/a/net.h" "$work/b/net.h"
  echo "$kind: identical"
done
