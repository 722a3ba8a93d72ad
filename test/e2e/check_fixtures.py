#!/usr/bin/env python3
"""Real .pt2 files written by PyTorch releases (../shared/fixtures/pt2).

    check_fixtures.py --kilnc K --kiln-run R --fixtures DIR --work DIR

Every file must pass `kilnc inspect`. Every file is then compiled and run on
seeded random inputs of its declared shapes (test/models/make_inputs.py), and
its outputs are compared with what PyTorch's own ATen kernels compute for the
same graph node by node (test/models/reference.py), rtol 1e-4, atol 1e-5.
The fixtures are read where they are; nothing is copied into the repository.
"""
import argparse
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "models")
SKIPPED = 77  # SKIP_RETURN_CODE of the CTest test e2e.fixtures


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", dest="kiln_run", required=True)
    p.add_argument("--fixtures", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    if not os.path.isdir(a.fixtures):
        # Only where the repository has no ../shared beside it (a copy made elsewhere);
        # CTest reports the test as skipped (SKIP_RETURN_CODE), as lit reports its
        # shared-fixtures tests unsupported. A folder without files is a failure.
        print("%s does not exist: no real files to check here (configure with "
              "-DKILN_SHARED_FIXTURES=<dir>); skipped" % a.fixtures)
        return SKIPPED
    files = sorted(glob.glob(os.path.join(a.fixtures, "*.pt2")))
    if not files:
        print("no .pt2 fixtures in %s: the real files must be there" % a.fixtures)
        return 1
    failures = 0
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        out = os.path.join(a.work, name)
        os.makedirs(out, exist_ok=True)
        inspect = run([a.kilnc, "inspect", path])
        if inspect.returncode != 0:
            print("%-30s FAIL (inspect): %s" % (name, inspect.stderr.strip()))
            failures += 1
            continue
        steps = [
            [sys.executable, os.path.join(MODELS, "make_inputs.py"), path, "--out", out],
            [a.kilnc, path, "--emit=shared", "-o", os.path.join(out, "model.so")],
        ]
        inputs = []
        failed = False
        for cmd in steps:
            r = run(cmd)
            if r.returncode != 0:
                print("%-30s FAIL (%s): %s" % (name, os.path.basename(cmd[1]),
                                               (r.stderr or r.stdout).strip()))
                failed = True
                break
            if not inputs:
                inputs = sorted(glob.glob(os.path.join(out, "input_*.npy")))
        if failed:
            failures += 1
            continue
        ref = run([sys.executable, os.path.join(MODELS, "reference.py"), path] +
                  sum([["--input", i] for i in inputs], []) + ["--out", os.path.join(out, "ref")])
        if ref.returncode != 0:
            print("%-30s FAIL (reference.py): %s" % (name, ref.stderr.strip()))
            failures += 1
            continue
        expected = sorted(glob.glob(os.path.join(out, "ref", "output_*.npy")))
        check = run([a.kiln_run, os.path.join(out, "model.so"), "--quiet", "--rtol", "1e-4",
                     "--atol", "1e-5", "--output-dir", os.path.join(out, "kiln")] +
                    sum([["--input", i] for i in inputs], []) +
                    sum([["--check", e] for e in expected], []))
        lines = check.stdout.strip().splitlines() + check.stderr.strip().splitlines()
        status = "ok" if check.returncode == 0 else "FAIL (numerics)"
        failures += check.returncode != 0
        print("%-30s %s" % (name, status))
        for line in lines:
            print("    " + line)
    print("%d of %d fixtures failed" % (failures, len(files)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
