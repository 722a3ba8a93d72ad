#!/usr/bin/env python3
"""Kiln as a user's build sees it: install, move the prefix, build the examples.

    check_package.py --build BUILD_DIR --models MODELS_DIR --work WORK_DIR

1. `cmake --install BUILD_DIR --prefix WORK/stage`, then the prefix is moved to
   `WORK/moved prefix` (a space in the path on purpose): nothing may depend on where
   it was installed.
2. The desktop example (examples/desktop, as installed under share/kiln/examples),
   configured against the moved prefix as the README says, with Ninja and with Unix
   Makefiles: it builds, its outputs match PyTorch's, a second build does no work,
   touching one model rebuilds that model (and what links it) only, and touching
   kilnc, which only the depfiles name, rebuilds both models.
3. The firmware example (examples/firmware) cross-built with its toolchain file for
   the MPS2 AN500 board, run under qemu-system-arm: it prints the class PyTorch's
   output picks.
The models are the test suite's exports (MODELS_DIR/<model>-training), copied to
`WORK/models dir` (a space again, for the depfiles' escaping).
Exit status 0 when every check holds; each failure is printed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
        print("FAIL: " + message)
    return condition


def run(cmd, cwd=None, timeout=900):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print("$ " + " ".join(cmd) + "\n" + out)
    return proc.returncode, out


def compiled_models(build_output):
    """The models a build step recompiled (kiln_add_model's comment line)."""
    return sorted(set(re.findall(r"Compiling model (\w+) for", build_output)))


def touch(path):
    # Make sure the new time differs from the old at the build tools' resolution.
    time.sleep(1.1)
    os.utime(path)


def desktop(generator, prefix, models, source, work, build_cmd):
    name = "ninja" if generator == "Ninja" else "make"
    build = os.path.join(work, "desktop-" + name)
    shutil.rmtree(build, ignore_errors=True)
    rc, out = run(["cmake", "-S", source, "-B", build, "-G", generator,
                   "-DCMAKE_PREFIX_PATH=" + prefix, "-DKILN_EXAMPLE_MODELS=" + models])
    if not check(rc == 0, "desktop (%s): cmake configure failed" % generator):
        return
    build_step = build_cmd + [build] if generator == "Ninja" else build_cmd + ["-C", build]
    rc, out = run(build_step)
    if not check(rc == 0, "desktop (%s): the build failed" % generator):
        return
    check(compiled_models(out) == ["mlp", "small_cnn"],
          "desktop (%s): the first build compiled %s" % (generator, compiled_models(out)))
    rc, out = run([os.path.join(build, "classify")])
    print(out.strip())
    check(rc == 0 and "outputs match PyTorch" in out,
          "desktop (%s): classify's outputs do not match PyTorch's" % generator)

    rc, out = run(build_step)
    if generator == "Ninja":
        check("ninja: no work to do." in out, "desktop (Ninja): a second build did work:\n" + out)
    else:
        check(compiled_models(out) == [] and "Linking" not in out,
              "desktop (Makefiles): a second build did work:\n" + out)

    touch(os.path.join(models, "mlp", "model.pt2"))
    rc, out = run(build_step)
    check(rc == 0 and compiled_models(out) == ["mlp"],
          "desktop (%s): touching mlp's model recompiled %s" % (generator, compiled_models(out)))
    check("libsmall_cnn.a" not in out,
          "desktop (%s): touching mlp's model relinked small_cnn's library:\n%s"
          % (generator, out))
    check(re.search(r"Linking C executable classify", out) is not None,
          "desktop (%s): touching mlp's model did not relink classify" % generator)

    # kilnc is named by the depfiles only (kiln_add_model does not list it).
    touch(os.path.join(prefix, "bin", "kilnc"))
    rc, out = run(build_step)
    check(rc == 0 and compiled_models(out) == ["mlp", "small_cnn"],
          "desktop (%s): touching kilnc (named only in the depfiles) recompiled %s"
          % (generator, compiled_models(out)))
    rc, out = run(build_step)
    if generator == "Ninja":
        check("ninja: no work to do." in out, "desktop (Ninja): the last build did work:\n" + out)
    rc, out = run([os.path.join(build, "classify")])
    check(rc == 0, "desktop (%s): classify fails after the rebuilds" % generator)


def firmware(prefix, models, source, work):
    build = os.path.join(work, "firmware")
    shutil.rmtree(build, ignore_errors=True)
    rc, out = run(["cmake", "-S", source, "-B", build, "-G", "Ninja",
                   "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(source, "cortex-m7.cmake"),
                   "-DCMAKE_PREFIX_PATH=" + prefix,
                   "-DKWS_MODEL_DIR=" + os.path.join(models, "kws")])
    if not check(rc == 0, "firmware: cmake configure failed"):
        return
    rc, out = run(["cmake", "--build", build])
    if not check(rc == 0, "firmware: the build failed"):
        return
    rc, out = run(["cmake", "--build", build])
    check("ninja: no work to do." in out, "firmware: a second build did work:\n" + out)
    # -icount shift=0: one instruction per nanosecond of the board's virtual time, so
    # SysTick (25 MHz) runs deterministically.
    rc, out = run(["qemu-system-arm", "-M", "mps2-an500", "-nographic", "-semihosting",
                   "-icount", "shift=0", "-kernel", os.path.join(build, "kws_firmware.elf")],
                  timeout=300)
    print(out.strip())
    expected = int(np.argmax(np.load(os.path.join(models, "kws", "expected_0.npy"))))
    m = re.search(r"kws: class (\d+) .*?, (\d+) cycles", out)
    check(rc == 0 and m is not None, "firmware: no class printed (exit %d)" % rc)
    if m:
        check(int(m.group(1)) == expected,
              "firmware: class %s, PyTorch's output picks %d" % (m.group(1), expected))
        print("firmware: class %s = PyTorch's argmax %d; %s SysTick cycles at 25 MHz "
              "= %d instructions under -icount shift=0"
              % (m.group(1), expected, m.group(2), int(m.group(2)) * 40))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", required=True, help="Kiln's build directory")
    p.add_argument("--models", required=True, help="the test suite's exported models")
    p.add_argument("--work", required=True, help="scratch directory (emptied)")
    a = p.parse_args()
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    stage = os.path.join(work, "stage")
    rc, _ = run(["cmake", "--install", a.build, "--prefix", stage])
    if not check(rc == 0, "cmake --install failed"):
        return 1
    prefix = os.path.join(work, "moved prefix")
    shutil.move(stage, prefix)
    for f in ["bin/kilnc", "bin/kiln-run", "bin/kiln-opt", "include/kiln/runtime.h",
              "lib/cmake/Kiln/KilnConfig.cmake", "lib/cmake/Kiln/KilnConfigVersion.cmake",
              "lib/kiln/cortex-m7/libkiln_runtime.a", "share/kiln/runtime/kiln_runtime.c"]:
        check(os.path.exists(os.path.join(prefix, f)), "the prefix lacks " + f)
    rc, out = run([os.path.join(prefix, "bin", "kilnc"), "--version"])
    check(rc == 0 and out.startswith("kilnc "), "the moved kilnc --version fails: " + out)

    models = os.path.join(work, "models dir")
    for model, source in [("small_cnn", "small_cnn-training"), ("mlp", "mlp-training"),
                          ("kws", "kws_cnn-training")]:
        shutil.copytree(os.path.join(a.models, source), os.path.join(models, model))

    examples = os.path.join(prefix, "share", "kiln", "examples")
    desktop("Ninja", prefix, models, os.path.join(examples, "desktop"), work, ["ninja", "-C"])
    desktop("Unix Makefiles", prefix, models, os.path.join(examples, "desktop"), work, ["make"])
    firmware(prefix, models, os.path.join(examples, "firmware"), work)
    print("check_package: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
