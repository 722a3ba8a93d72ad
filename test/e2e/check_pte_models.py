#!/usr/bin/env python3
"""Zoo models as ExecuTorch portable programs: compile, compare with PyTorch and with .pt2.

    check_pte_models.py --kilnc K --kiln-run R --flatc F --schema DIR --models DIR \\
        --quantized DIR --work DIR

For each model, test/models/pte_from_pt2.py writes the exported `.pt2` (build/models,
build/models-quantized) as the `.pte` portable program ExecuTorch writes for it (out-variant
kernel calls, views as `*_copy`, constants in a segment behind the extended header). Kiln
compiles both files (`--emit=shared`) and runs them on the same seeded input:

* float32 models: the `.pte` build's outputs must match what test/models/pte_reference.py
  computes by running the `.pte` file's own out-variant kernels in torch (rtol 1e-4,
  atol 1e-5: the tolerance of the `.pt2` fixtures);
* every model: the `.pte` and `.pt2` builds' outputs must be byte-identical (int8 models:
  their accuracy against PyTorch is the `.pt2` tests', check_quantized.py).

The float32 models are also written as XNNPACK-delegated programs (`--xnnpack`: one
delegate, batch norm folded into the convolutions by the writer, NHWC inside): their builds
must match what pte_reference.py computes by running the delegate's XNNPACK graph in torch,
and the `.pt2` build, within the same tolerance (not bit for bit: the writer folds the batch
norm in float32, where Kiln folds it when compiling the `.pt2`).

The int8 small_cnn, kws_cnn, mobilenet_v2 and resnet18 are written as quantized XNNPACK programs
too (qint8 activations, qcint8 weights, qcint32 biases): their builds must have no float
island (every operator folded into an integer op), stay within 3 quantization steps of the
output of what pte_reference.py computes (each node in reals, its int8 results quantized
with PyTorch's rounding), and agree with the `.pt2` build's arg-max (the biases, quantized to
int32 by the writer as ExecuTorch does, lose the fraction the `.pt2` build keeps).
"""
import json
import argparse
import filecmp
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "models")
FLOAT = ["mlp-core", "small_cnn-core", "kws_cnn-core", "mobilenet_v2-core", "resnet18-core"]
INT8_XNNPACK = ["small_cnn-int8-training", "kws_cnn-int8-training", "mobilenet_v2-int8-training",
                "resnet18-int8-training"]
INT8 = ["small_cnn-int8-training", "kws_cnn-int8-training", "mobilenet_v2-int8-training"]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace")


def output_scale(pt2):
    """The scale of the dequantize that makes the program's (first) output."""
    sys.path.insert(0, MODELS)
    from pt2_reader import open_archive, union
    ep = open_archive(pt2).exported_program()
    gm = ep["graph_module"]
    output = [union(union(s)[1]["arg"])[1]["name"] for s in gm["signature"]["output_specs"]
              if union(s)[0] == "user_output"][0]
    for node in gm["graph"]["nodes"]:
        if union(node["outputs"][0])[1].get("name") == output:
            return float(union([n for n in node["inputs"] if n["name"] == "scale"][0]["arg"])[1])
    raise ValueError("no dequantize makes the output")


def int8_xnnpack(out, pt2, outputs):
    """The int8 XNNPACK build: no float island, within 3 steps of the evaluator, the .pt2
    build's arg-max."""
    import numpy as np
    islands = json.load(open(os.path.join(out, "pte.json")))["quantization"]["float_islands"]
    scale = output_scale(pt2)
    worst, argmax = 0.0, True
    for f in outputs:
        k = np.load(os.path.join(out, "pte", f))
        ref = np.load(os.path.join(out, "ref", f))
        other = np.load(os.path.join(out, "pt2", f))
        worst = max(worst, float(np.abs(k - ref).max()) / scale)
        argmax &= bool((k.argmax(-1) == other.argmax(-1)).all())
    ok = bool(outputs) and not islands and worst <= 3 + 1e-3 and argmax
    return ok, ("%d float island(s), max %.2f step(s) from the evaluator, arg-max %s the .pt2 "
                "build's%s" % (len(islands), worst, "equal to" if argmax else "DIFFERS from",
                               "" if ok else ": FAIL"))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    for flag in ("--kilnc", "--kiln-run", "--flatc", "--schema", "--models", "--quantized",
                 "--work"):
        p.add_argument(flag, required=True)
    a = p.parse_args()
    failures = 0
    cases = [(m, os.path.join(a.models, m), False, False) for m in FLOAT] + \
            [(m, os.path.join(a.quantized, m), True, False) for m in INT8] + \
            [(m, os.path.join(a.models, m), False, True) for m in FLOAT] + \
            [(m, os.path.join(a.quantized, m), True, True) for m in INT8_XNNPACK]
    for model, src, quantized, xnnpack in cases:
        name = model + ("-xnnpack" if xnnpack else "")
        out = os.path.join(a.work, name)
        os.makedirs(out, exist_ok=True)
        pt2, pte = os.path.join(src, "model.pt2"), os.path.join(out, "model.pte")

        def fail(what, r):
            print("%-28s FAIL (%s): %s" % (name, what, (r.stderr or r.stdout).strip()))

        r = run([sys.executable, os.path.join(MODELS, "pte_from_pt2.py"), pt2, "--out", pte,
                 "--flatc", a.flatc, "--schema", a.schema] + (["--xnnpack"] if xnnpack else []))
        if r.returncode != 0:
            fail("pte_from_pt2.py", r)
            failures += 1
            continue
        ref = run([sys.executable, os.path.join(MODELS, "pte_reference.py"), pte,
                   "--flatc", a.flatc, "--schema", a.schema, "--make-input",
                   os.path.join(out, "in"), "--out", os.path.join(out, "ref")])
        if ref.returncode != 0:
            fail("pte_reference.py", ref)
            failures += 1
            continue
        inputs = sorted(glob.glob(os.path.join(out, "in", "input_*.npy")))
        ok, check = True, ""
        for src_file, tag in ((pte, "pte"), (pt2, "pt2")):
            c = run([a.kilnc, src_file, "--emit=shared", "-o", os.path.join(out, tag + ".so"),
                     "--report=" + os.path.join(out, tag + ".json")])
            if c.returncode != 0:
                fail("kilnc " + tag, c)
                ok = False
                break
            cmd = [a.kiln_run, os.path.join(out, tag + ".so"), "--quiet", "--output-dir",
                   os.path.join(out, tag)] + sum([["--input", i] for i in inputs], [])
            if tag == "pte" and not quantized:  # int8: checked in steps below
                cmd += ["--rtol", "1e-4", "--atol", "1e-5"] + sum(
                    [["--check", e] for e in
                     sorted(glob.glob(os.path.join(out, "ref", "output_*.npy")))], [])
            r = run(cmd)
            if r.returncode != 0:
                fail("kiln-run " + tag, r)
                ok = False
                break
            if tag == "pte":
                check = r.stdout.strip()
        if not ok:
            failures += 1
            continue
        outputs = sorted(os.path.basename(f)
                         for f in glob.glob(os.path.join(out, "pte", "output_*.npy")))
        if xnnpack and quantized:
            same, relation = int8_xnnpack(out, pt2, outputs)
        elif xnnpack:
            # Close to the .pt2 build (rtol 1e-4, atol 1e-5).
            r = run([a.kiln_run, os.path.join(out, "pte.so"), "--quiet", "--rtol", "1e-4",
                     "--atol", "1e-5"] + sum([["--input", i] for i in inputs], []) +
                    sum([["--check", os.path.join(out, "pt2", f)] for f in outputs], []))
            same = bool(outputs) and r.returncode == 0
            relation = ("vs the .pt2 build: " + r.stdout.strip().replace("\n", "; ")
                        if same else "DIFFERS from the .pt2 build: FAIL " + r.stdout.strip())
        else:
            same = bool(outputs) and all(filecmp.cmp(os.path.join(out, "pte", f),
                                                     os.path.join(out, "pt2", f), shallow=False)
                                         for f in outputs)
            relation = ("%d output(s) byte-identical to the .pt2 build" % len(outputs) if same
                        else "DIFFER from the .pt2 build: FAIL")
        failures += not same
        print("%-28s %s; %s" % (
            name, "vs PyTorch: " + check.replace("\n", "; ") if not quantized else "int8",
            relation))
    print("%d of %d models failed" % (failures, len(cases)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
