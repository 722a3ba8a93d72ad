#!/bin/sh
# check_reproducible.sh KILNC MODEL_DIR WORK_DIR [TARGET]
# The same model and flags give a byte-identical object (and, for the host, shared
# library) and header. With TARGET, the object for that --target.
set -eu
kilnc=$1 model=$2 work=$3
target=${4:-}
rm -rf "$work"
mkdir -p "$work/a" "$work/b"
kinds="obj shared"
flags=""
if [ -n "$target" ]; then
  kinds=obj
  flags="--target=$target"
fi
for kind in $kinds; do
  # shellcheck disable=SC2086
  "$kilnc" "$model/model.pt2" $flags --name=net --emit=$kind -o "$work/a/net.$kind"
  # shellcheck disable=SC2086
  "$kilnc" "$model/model.pt2" $flags --name=net --emit=$kind -o "$work/b/net.$kind"
  cmp "$work/a/net.$kind" "$work/b/net.$kind"
  cmp "$work/a/net.h" "$work/b/net.h"
  echo "${target:-host} $kind: identical ($(wc -c < "$work/a/net.$kind") bytes)"
done
