#!/usr/bin/env python3
"""Real ExecuTorch programs (../shared/fixtures/pte): inspect, compile, run or refuse.

    check_pte_fixtures.py --kilnc K --kiln-run R --flatc F --schema DIR --fixtures DIR --work DIR

Every file must pass `kilnc inspect` (exit 0). A file in REFUSED must be refused: kilnc
exits 1, its message names the file and the feature (the phrase given), and no output file
is left. Every other file is compiled (`--emit=shared`) and run on seeded random inputs of
its declared shapes, and its outputs are compared with what test/models/pte_reference.py
computes by running the file's own out-variant kernels in torch 1.13 (rtol 1e-4, atol
1e-5; integer outputs exactly). The fixtures are read where they are.
"""
import argparse
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "models")
SKIPPED = 77

# The files Kiln refuses, and a phrase its message must contain (the feature).
REFUSED = {
    "arm_ethosu": "delegates to 'EthosUBackend'",
    "djl_lstm": "operator etnp::lstm.out has no definition Kiln knows",
    "djl_prim_input": "input 1 is a float; Kiln compiles models whose inputs are tensors",
}


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    for flag in ("--kilnc", "--kiln-run", "--flatc", "--schema", "--fixtures", "--work"):
        p.add_argument(flag, required=True)
    a = p.parse_args()
    if not os.path.isdir(a.fixtures):
        print("%s does not exist: no real files to check here; skipped" % a.fixtures)
        return SKIPPED
    files = sorted(glob.glob(os.path.join(a.fixtures, "*.pte")))
    if not files:
        print("no .pte fixtures in %s: the real files must be there" % a.fixtures)
        return 1
    failures = 0
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(a.work, name)
        os.makedirs(out, exist_ok=True)
        inspect = run([a.kilnc, "inspect", path])
        if inspect.returncode != 0 or "compiles:" not in inspect.stdout:
            print("%-20s FAIL (inspect, exit %d): %s" % (name, inspect.returncode,
                                                         inspect.stderr.strip()))
            failures += 1
            continue
        if name in REFUSED:
            obj = os.path.join(out, "model.o")
            if os.path.exists(obj):
                os.remove(obj)
            r = run([a.kilnc, path, "-o", obj])
            ok = (r.returncode == 1 and REFUSED[name] in r.stderr and path in r.stderr
                  and not os.path.exists(obj))
            print("%-20s %s (refused: %s)" % (name, "ok" if ok else "FAIL",
                                              r.stderr.strip().splitlines()[-1:]))
            failures += not ok
            continue
        ref = run([sys.executable, os.path.join(MODELS, "pte_reference.py"), path,
                   "--flatc", a.flatc, "--schema", a.schema, "--make-input",
                   os.path.join(out, "in"), "--out", os.path.join(out, "ref")])
        if ref.returncode != 0:
            print("%-20s FAIL (pte_reference.py): %s" % (name, ref.stderr.strip()))
            failures += 1
            continue
        so = os.path.join(out, "model.so")
        c = run([a.kilnc, path, "--emit=shared", "-o", so])
        if c.returncode != 0:
            print("%-20s FAIL (kilnc): %s" % (name, c.stderr.strip()))
            failures += 1
            continue
        inputs = sorted(glob.glob(os.path.join(out, "in", "input_*.npy")))
        expected = sorted(glob.glob(os.path.join(out, "ref", "output_*.npy")))
        check = run([a.kiln_run, so, "--quiet", "--rtol", "1e-4", "--atol", "1e-5",
                     "--output-dir", os.path.join(out, "kiln")] +
                    sum([["--input", i] for i in inputs], []) +
                    sum([["--check", e] for e in expected], []))
        status = "ok" if check.returncode == 0 else "FAIL (numerics)"
        failures += check.returncode != 0
        print("%-20s %s" % (name, status))
        for line in (check.stdout + check.stderr).strip().splitlines():
            print("    " + line)
    print("%d of %d .pte fixtures failed" % (failures, len(files)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
