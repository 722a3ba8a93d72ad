#!/bin/sh
# check_undefined.sh KILNC LLVM_NM MODEL_ROOT WORK_DIR
# Every object kilnc writes may reference memcpy and memset and nothing else.
set -eu
kilnc=$1 nm=$2 models=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
status=0
for dir in "$models"/*/; do
  name=$(basename "$dir")
  "$kilnc" "$dir/model.pt2" -o "$work/$name.o"
  undefined=$("$nm" -u "$work/$name.o" | awk '{print $NF}' | sort -u | tr '\n' ' ')
  echo "$name: undefined symbols: ${undefined:-(none)}"
  for sym in $undefined; do
    case "$sym" in
      memcpy|memset) ;;
      *) echo "error: $name.o references '$sym'"; status=1 ;;
    esac
  done
done
exit $status
