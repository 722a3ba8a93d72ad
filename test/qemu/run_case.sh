#!/bin/sh
# run_case.sh KILNC TARGET MODEL_DIR WORK PYTHON [--scaled-tol T | --rtol R --atol A]
#
# One QEMU test: compiles MODEL_DIR/model.pt2 for TARGET with kilnc, builds the
# portable runner (runner.c + case.c from make_case.py + the platform layer,
# and the runtime stub on freestanding targets) with that target's toolchain,
# runs it (natively on x86_64, under qemu-user, qemu-system-arm or
# qemu-hexagon) and passes when the runner prints "kiln-qemu: PASS".
set -eu
kilnc=$1 target=$2 model=$3 work=$4 python=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
stub=$here/../../runtime_stub
rm -rf "$work"
mkdir -p "$work"
"$kilnc" "$model/model.pt2" --target="$target" --name=model -o "$work/model.o"
"$python" "$here/make_case.py" "$model" "$work" "$@"

common="-O2 -std=c11 -I$work -I$stub/include -I$here"
sources="$here/runner.c $work/case.c"
case $target in
  x86_64|aarch64|armv7|riscv64|riscv64-rvv)
    case $target in
      x86_64) cc=${CC:-cc}; run="" ;;
      aarch64) cc=aarch64-linux-gnu-gcc; run="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
      armv7) cc=arm-linux-gnueabihf-gcc; run="qemu-arm -L /usr/arm-linux-gnueabihf" ;;
      riscv64) cc=riscv64-linux-gnu-gcc; run="qemu-riscv64 -L /usr/riscv64-linux-gnu" ;;
      riscv64-rvv) cc=riscv64-linux-gnu-gcc
        run="qemu-riscv64 -cpu rv64,v=true,vlen=128,vext_spec=v1.0 -L /usr/riscv64-linux-gnu" ;;
    esac
    # shellcheck disable=SC2086
    $cc $common $sources "$here/platform_linux.c" "$work/model.o" -o "$work/runner"
    # shellcheck disable=SC2086
    $run "$work/runner" > "$work/output.txt" 2>&1 || true
    ;;
  cortex-m4|cortex-m7)
    board=mps2-an386
    [ "$target" = cortex-m7 ] && board=mps2-an500
    flags="$("$stub/target-cflags.sh" "$target") -ffreestanding -nostdlib"
    # shellcheck disable=SC2086
    (cd "$work" && clang-22 $flags $common -c $sources "$here/platform_semihosting.c" \
      "$here/startup_cortexm.c" "$stub/kiln_runtime.c")
    objs=$(ls "$work"/*.o | grep -v model.o)
    # shellcheck disable=SC2086
    ld.lld-22 -T "$here/cortexm.ld" --gc-sections $objs "$work/model.o" -o "$work/runner.elf"
    timeout 600 qemu-system-arm -M $board -nographic -semihosting -kernel "$work/runner.elf" \
      > "$work/output.txt" 2>&1 || true
    ;;
  hexagon)
    flags="$("$stub/target-cflags.sh" "$target") -ffreestanding -nostdlib"
    # shellcheck disable=SC2086
    (cd "$work" && clang-22 $flags $common -c $sources "$here/platform_hexagon.c" \
      "$stub/kiln_runtime.c")
    objs=$(ls "$work"/*.o | grep -v model.o)
    # shellcheck disable=SC2086
    ld.lld-22 -static -e _start $objs "$work/model.o" -o "$work/runner.elf"
    qemu-hexagon "$work/runner.elf" > "$work/output.txt" 2>&1 || true
    ;;
  *)
    echo "run_case.sh: no runner for target '$target'" >&2
    exit 2
    ;;
esac
cat "$work/output.txt"
grep -q "^kiln-qemu: PASS" "$work/output.txt"
