#!/usr/bin/env python3
"""Every .pt2 layout torch.export has written, end to end.

    check_layouts.py --kilnc K --kiln-run R --work DIR [--models a,b,...]

For each model of the zoo (test/models/zoo.py), IR (training, core) and layout
(2.9, 2.8, legacy, legacy-2.2), and for the zip variants (deflate, ZIP64,
another root folder, weights sharing one storage): export with
test/models/export.py, `kilnc inspect` it, compile it with `kilnc
--emit=shared`, run it with `kiln-run --check` against PyTorch's outputs with
the model's tolerance. A model Kiln must refuse (EXPECTED_ERRORS) must fail to
compile with exit status 1 and that message. Prints one line per case; exits
1 on any failure.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(HERE, "..", "models", "export.py")
LAYOUTS = ["2.9", "2.8", "legacy", "legacy-2.2"]
# (rtol, atol) per model; float32 models use 1e-4 / 1e-5.
TOLERANCES = {"dtypes_passthrough": ("0", "0"), "int_arith": ("0", "0"),
              "f16_elementwise": ("1e-3", "1e-3"), "bf16_mlp": ("1e-2", "1e-2")}
# Models whose compilation must fail, and the message it must give (none at present:
# the hostile corpus and the lit tests cover refusals).
EXPECTED_ERRORS = {}
VARIANTS = [["--deflate"], ["--zip64"], ["--share-storage"], ["--deflate", "--zip64"]]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def check_case(a, model, ir, layout, extra, tag):
    out = os.path.join(a.work, tag)
    steps = [
        ("export", [sys.executable, EXPORT, "--model", model, "--ir", ir, "--layout", layout,
                    "--out", out] + extra),
        ("inspect", [a.kilnc, "inspect", os.path.join(out, "model.pt2")]),
        ("compile", [a.kilnc, os.path.join(out, "model.pt2"), "--emit=shared", "-o",
                     os.path.join(out, "model.so")]),
    ]
    for name, cmd in steps:
        r = run(cmd)
        if name == "compile" and model in EXPECTED_ERRORS:
            if r.returncode == 1 and EXPECTED_ERRORS[model] in r.stderr:
                return "ok (refused as expected: %s)" % EXPECTED_ERRORS[model]
            return "FAIL (compile should fail with '%s'): exit %d %s" % (
                EXPECTED_ERRORS[model], r.returncode, r.stderr.strip())
        if r.returncode != 0:
            return "FAIL (%s): %s" % (name, (r.stderr or r.stdout).strip().splitlines()[-1:])
    rtol, atol = TOLERANCES.get(model, ("1e-4", "1e-5"))
    check = [a.kiln_run, os.path.join(out, "model.so"), "--quiet", "--rtol", rtol,
             "--atol", atol, "--output-dir", os.path.join(out, "kiln")]
    k = 0
    while os.path.exists(os.path.join(out, "input_%d.npy" % k)):
        check += ["--input", os.path.join(out, "input_%d.npy" % k)]
        k += 1
    k = 0
    while os.path.exists(os.path.join(out, "expected_%d.npy" % k)):
        check += ["--check", os.path.join(out, "expected_%d.npy" % k)]
        k += 1
    r = run(check)
    if r.returncode != 0:
        return "FAIL (numerics): " + " | ".join(r.stdout.strip().splitlines() +
                                                  r.stderr.strip().splitlines())
    errors = [l.split("max abs error ")[1].split(",")[0] for l in r.stdout.splitlines()
              if "max abs error" in l]
    return "ok (max abs error %s)" % ", ".join(errors)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", dest="kiln_run", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--models", default="")
    a = p.parse_args()
    if not a.models:
        sys.path.insert(0, os.path.join(HERE, "..", "models"))
        import zoo  # noqa: E402
        a.models = ",".join(zoo.MODELS)
    cases = []
    for model in a.models.split(","):
        for ir in ("training", "core"):
            for layout in LAYOUTS:
                cases.append((model, ir, layout, [], "%s-%s-%s" % (model, ir, layout)))
    # Zip variants of one model, in the layouts they apply to.
    for layout in ("2.9", "legacy"):
        for extra in VARIANTS:
            tag = "small_cnn-core-%s%s" % (layout, "".join(e.replace("--", "-") for e in extra))
            cases.append(("small_cnn", "core", layout, extra, tag))
    cases.append(("mlp", "training", "2.9", ["--root", "renamed_root"], "mlp-training-root"))
    failures = 0
    for model, ir, layout, extra, tag in cases:
        status = check_case(a, model, ir, layout, extra, tag)
        failures += not status.startswith("ok")
        print("%-44s %s" % (tag, status), flush=True)
    print("%d of %d cases failed" % (failures, len(cases)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
