#!/bin/sh
# target-info.sh TARGET FIELD   prints FIELD of TARGET from targets/targets.ini
# target-info.sh --list         prints every target's name, one per line
#
# The shell's view of the target table (the runtime stub's and the QEMU runner's
# C flags, the QEMU facts). Exit 2 for an unknown target or field.
set -eu
table="$(cd "$(dirname "$0")" && pwd)/targets.ini"
if [ "${1:-}" = "--list" ]; then
  sed -n 's/^\[\(.*\)\]$/\1/p' "$table"
  exit 0
fi
if [ $# -ne 2 ]; then
  echo "usage: target-info.sh TARGET FIELD | --list" >&2
  exit 2
fi
awk -v target="$1" -v field="$2" '
  /^\[.*\]$/ { section = substr($0, 2, length($0) - 2); if (section == target) seen = 1; next }
  section == target && index($0, field " =") == 1 {
    value = substr($0, length(field) + 3)
    sub(/^ /, "", value)
    print value
    found = 1
    exit
  }
  END {
    if (!seen) { print "target-info.sh: unknown target \047" target "\047" > "/dev/stderr"; exit 2 }
    if (!found) { print "target-info.sh: target \047" target "\047 has no field \047" field "\047" > "/dev/stderr"; exit 2 }
  }' "$table"
