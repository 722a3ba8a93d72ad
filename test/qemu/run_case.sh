#!/bin/sh
# run_case.sh KILNC TARGET MODEL_DIR WORK PYTHON [--scaled-tol T | --rtol R --atol A]
#
# One QEMU test: compiles MODEL_DIR/model.pt2 for TARGET with kilnc, builds the
# portable runner (runner.c + case.c from make_case.py + the platform layer,
# and the runtime stub on freestanding targets) with that target's toolchain,
# runs it as the target's qemu-* fields in targets/targets.ini say (natively,
# under qemu-user, qemu-system-arm's mps2/mps3 boards or qemu-hexagon) and passes
# when the runner prints "kiln-qemu: PASS". From the environment, if set:
# KILN_KILNC_ARGS, more kilnc arguments (--cpu=native); KILN_RUNNER_CFLAGS, more C flags
# for the runner (-DKILN_QEMU_RUNS=2: that many inferences); KILN_QEMU_PLUGIN, a TCG
# plugin for qemu-system-arm (the mps2 runner; tools/sizes/sizes.sh counts
# instructions with ../shared/tools/qemu-insncount).
set -eu
kilnc=$1 target=$2 model=$3 work=$4 python=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
stub=$here/../../runtime_stub
info=$here/../../targets/target-info.sh
runner=$("$info" "$target" qemu-runner)
command=$("$info" "$target" qemu-command)
rm -rf "$work"
mkdir -p "$work"
# shellcheck disable=SC2086
"$kilnc" "$model/model.pt2" --target="$target" --name=model ${KILN_KILNC_ARGS:-} -o "$work/model.o"
"$python" "$here/make_case.py" "$model" "$work" "$@"

common="-O2 -std=c11 -I$work -I$stub/include -I$here ${KILN_RUNNER_CFLAGS:-}"
sources="$here/runner.c $work/case.c"
freestanding="$("$info" "$target" cflags) -ffreestanding -nostdlib"
case $runner in
  native|linux-user)
    cc=$("$info" "$target" qemu-cc)
    [ "$runner" = native ] && cc=${CC:-$cc}
    # shellcheck disable=SC2086
    $cc $common $sources "$here/platform_linux.c" "$work/model.o" -o "$work/runner"
    # shellcheck disable=SC2086
    $command "$work/runner" > "$work/output.txt" 2>&1 || true
    ;;
  mps2)
    # shellcheck disable=SC2086
    (cd "$work" && clang-22 $freestanding $common -c $sources "$here/platform_semihosting.c" \
      "$here/startup_cortexm.c" "$stub/kiln_runtime.c")
    objs=$(ls "$work"/*.o | grep -v model.o)
    # shellcheck disable=SC2086
    # The board's memory map: <board>.ld where the board has its own, else
    # cortexm.ld (the mps2 boards).
    board=$("$info" "$target" qemu-board)
    ldscript=$here/cortexm.ld
    [ -f "$here/$board.ld" ] && ldscript=$here/$board.ld
    ld.lld-22 -T "$ldscript" --gc-sections $objs "$work/model.o" -o "$work/runner.elf"
    # shellcheck disable=SC2086
    plugin=
    [ -n "${KILN_QEMU_PLUGIN:-}" ] && plugin="-d plugin -plugin $KILN_QEMU_PLUGIN"
    # shellcheck disable=SC2086
    timeout 600 $command -M "$board" $plugin -kernel "$work/runner.elf" \
      > "$work/output.txt" 2>&1 || true
    ;;
  hexagon)
    # shellcheck disable=SC2086
    (cd "$work" && clang-22 $freestanding $common -c $sources "$here/platform_hexagon.c" \
      "$stub/kiln_runtime.c")
    objs=$(ls "$work"/*.o | grep -v model.o)
    # shellcheck disable=SC2086
    ld.lld-22 -static -e _start $objs "$work/model.o" -o "$work/runner.elf"
    # shellcheck disable=SC2086
    $command "$work/runner.elf" > "$work/output.txt" 2>&1 || true
    ;;
  *)
    echo "run_case.sh: no runner '$runner' (target '$target')" >&2
    exit 2
    ;;
esac
cat "$work/output.txt"
grep -q "^kiln-qemu: PASS" "$work/output.txt"
