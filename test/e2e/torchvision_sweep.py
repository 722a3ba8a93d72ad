#!/usr/bin/env python3
"""Every torchvision classification model through Kiln: export, compile, run, compare.

    torchvision_sweep.py --kilnc K --kiln-run R --work DIR [--ir core|training]
        [--only NAME,...] [--timeout S] [--max-weight-bytes N] [--keep]

For each classification model of torchvision.models (80 in torchvision 0.14; `--only`
picks some), in a directory D = DIR/<name>:

    test/models/export.py --model torchvision:<name> --ir core --out D
    kilnc D/model.pt2 --emit=shared -o D/m.so
    kiln-run D/m.so --input D/input_0.npy --check D/expected_0.npy --rtol 1e-4 --atol 1e-4

(seeded random weights, batch-norm statistics randomised, one image at the model's natural
input size; expected output from PyTorch itself). Prints one line per model:

    pass (max abs error E)
    unsupported: <first diagnostic line of kilnc>
    mismatch: <kiln-run's failing check line>
    run failed: <kiln-run's exit status and last line>   (a crash, no check line)
    export failed: <last line export.py printed>
    timeout (<step> after S s)
    skipped: N parameters (W GB of float32 weights > --max-weight-bytes)

then the totals. `--timeout` bounds each model (all three steps together; default 1800 s).
Models whose float32 weights exceed --max-weight-bytes (default 1e9) are skipped without
being built. D is removed after each model unless --keep. Exit status 0 whatever the
results (the sweep reports; it is not a pass/fail test), 2 on a usage error.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.normpath(os.path.join(HERE, "..", "models"))
EXPORT = os.path.join(MODELS_DIR, "export.py")
sys.path.insert(0, MODELS_DIR)

import torch_python  # noqa: E402

torch_python.ensure()  # zoo lists the models with torchvision

import zoo  # noqa: E402

RTOL = ATOL = "1e-4"


class Timeout(Exception):
    pass


def run_step(name, cmd, deadline):
    left = deadline - time.time()
    if left <= 0:
        raise Timeout(name)
    try:
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=left)
    except subprocess.TimeoutExpired:
        raise Timeout(name) from None


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def numbered(directory, prefix):
    files = [f for f in os.listdir(directory) if f.startswith(prefix) and f.endswith(".npy")]
    return sorted(files, key=lambda f: int(f[len(prefix):-len(".npy")]))


def sweep_one(a, name):
    """(category, text) for one model."""
    params = zoo.torchvision_num_params(name)
    if params * 4 > a.max_weight_bytes:
        return "skipped", "skipped: %d parameters (%.1f GB of float32 weights > %g bytes)" % (
            params, params * 4 / 1e9, a.max_weight_bytes)
    out = os.path.join(a.work, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    start = time.time()
    deadline = start + a.timeout
    try:
        r = run_step("export", [sys.executable, EXPORT, "--model", "torchvision:" + name,
                                "--ir", a.ir, "--out", out], deadline)
        if r.returncode != 0:
            return "export failed", "export failed: " + (last_line(r.stderr) or
                                                         "exit status %d" % r.returncode)
        so = os.path.join(out, "m.so")
        r = run_step("compile", [a.kilnc, os.path.join(out, "model.pt2"), "--emit=shared",
                                 "-o", so], deadline)
        if r.returncode != 0:
            return "unsupported", "unsupported: " + (first_line(r.stderr) or
                                                     first_line(r.stdout) or
                                                     "kilnc exit status %d" % r.returncode)
        cmd = [a.kiln_run, so, "--no-output", "--quiet", "--rtol", RTOL, "--atol", ATOL]
        for f in numbered(out, "input_"):
            cmd += ["--input", os.path.join(out, f)]
        for f in numbered(out, "expected_"):
            cmd += ["--check", os.path.join(out, f)]
        r = run_step("run", cmd, deadline)
        checks = [line.strip() for line in r.stdout.splitlines()
                  if line.startswith("check output")]
        if r.returncode != 0:
            bad = [c for c in checks if not c.endswith(": ok")]
            if bad:
                return "mismatch", "mismatch: " + bad[0]
            return "run failed", "run failed: exit status %d: %s" % (
                r.returncode, last_line(r.stderr) or last_line(r.stdout))
        errors = []
        for c in checks:
            if "max abs error " in c:
                errors.append(float(c.split("max abs error ")[1].split(",")[0]))
        return "pass", "pass (max abs error %s, %.0f s)" % (
            "%.3g" % max(errors) if errors else "?", time.time() - start)
    except Timeout as e:
        return "timeout", "timeout (%s after %.0f s)" % (e.args[0], time.time() - start)
    finally:
        if not a.keep:
            shutil.rmtree(out, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", dest="kiln_run", required=True)
    p.add_argument("--work", required=True, help="scratch directory (one folder per model)")
    p.add_argument("--ir", default="core", choices=["core", "training"])
    p.add_argument("--only", default="", help="comma-separated model names (default: all)")
    p.add_argument("--timeout", type=float, default=1800.0,
                   help="seconds per model, all steps together (default 1800)")
    p.add_argument("--max-weight-bytes", type=float, default=1e9,
                   help="skip models with more float32 weight bytes (default 1e9)")
    p.add_argument("--keep", action="store_true", help="keep each model's folder")
    a = p.parse_args()

    names = zoo.torchvision_models()
    if a.only:
        wanted = [n.strip() for n in a.only.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            p.error("not torchvision classification models: %s" % ", ".join(unknown))
        names = wanted
    os.makedirs(a.work, exist_ok=True)
    totals = {}
    for name in names:
        category, text = sweep_one(a, name)
        totals[category] = totals.get(category, 0) + 1
        print("%-22s %s" % (name, text), flush=True)
    order = ["pass", "unsupported", "mismatch", "run failed", "export failed", "timeout",
             "skipped"]
    print("%d models: %s" % (len(names), ", ".join(
        "%d %s" % (totals[c], c) for c in order if c in totals)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
