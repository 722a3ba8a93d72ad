#!/usr/bin/env python3
"""Quantized (PT2E) programs compiled by Kiln against PyTorch's Q/DQ graph.

    check_quantized.py --kilnc K --kiln-run R --models DIR --work W CASE...

Each CASE is a folder of DIR written by `export.py --quantize` (test/models/README.md):
model.pt2, input_K.npy, expected_K.npy (what the Q/DQ graph computes) and
quant_inputs/{input,expected}_S_K.npy for 8 seeded inputs S. For each, kilnc compiles
the program (--emit=shared, --report), kiln-run runs it on the 9 inputs, and the outputs
are compared with the Q/DQ graph's:

* an output produced by a per-tensor dequantize is compared in quantization steps
  (|kiln - torch| / scale of that dequantize), and its elements are counted as exactly
  equal or not;
* a float output (dynamic quantization keeps the linear's output float) relative to
  its largest value: |kiln - torch| <= 0.03 * max(1, max |torch|). Not 1e-4 as for
  float models: the activations are quantized at run time, so a float difference of
  1e-7 upstream (layer norm, softmax) that moves a value across a rounding boundary
  changes that input by a whole quantization step.

Bounds: the isolated single-op models (`qi_*`: the op consumes the quantized graph
inputs, quant_op_models.py) every element within 1 step and at least 99% exactly equal;
every other program (the models, and the `q_*` patterns, whose op sits between
quantized convolutions, so that the convolutions' one-step differences add up through
it) within 3 steps and the same arg-max (over the last dimension of output 0) as
PyTorch on each of the 8 seeded inputs. One line per case:
the exactly-equal fraction, the largest difference in steps, the arg-max agreement, and
the float islands kilnc reports (ops left in float). Exit 1 when a case misses a bound.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))

from pt2_reader import open_archive, union  # noqa: E402


def output_steps(pt2):
    """For each user output: the scale of the per-tensor dequantize that produces it,
    or None (a float output)."""
    ep = open_archive(pt2).exported_program()
    graph = ep["graph_module"]["graph"]
    producer = {}
    for node in graph["nodes"]:
        for out in node["outputs"]:
            kind, payload = union(out)
            if kind == "as_tensor":
                producer[payload["name"]] = node
    steps = []
    for spec in ep["graph_module"]["signature"]["output_specs"]:
        kind, payload = union(spec)
        if kind != "user_output":
            continue
        _, arg = union(payload["arg"])
        node = producer.get(arg.get("name")) if isinstance(arg, dict) else None
        scale = None
        if node and node["target"].endswith("quantized_decomposed.dequantize_per_tensor.default"):
            for a in node["inputs"]:
                if a["name"] == "scale":
                    scale = float(union(a["arg"])[1])
        steps.append(scale)
    return steps


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s%s" % (" ".join(cmd), proc.stdout, proc.stderr))
    return proc.stdout


def samples(case_dir):
    """(inputs, expected outputs) for input_0 and the 8 seeded quant inputs."""
    def numbered(folder, prefix):
        files, k = [], 0
        while os.path.exists(os.path.join(folder, "%s%d.npy" % (prefix, k))):
            files.append(os.path.join(folder, "%s%d.npy" % (prefix, k)))
            k += 1
        return files
    out = [(numbered(case_dir, "input_"), numbered(case_dir, "expected_"))]
    q = os.path.join(case_dir, "quant_inputs")
    s = 0
    while os.path.exists(os.path.join(q, "input_%d_0.npy" % s)):
        out.append((numbered(q, "input_%d_" % s), numbered(q, "expected_%d_" % s)))
        s += 1
    return out


def check_case(a, name):
    case_dir = os.path.join(a.models, name)
    work = os.path.join(a.work, name)
    os.makedirs(work, exist_ok=True)
    lib, report = os.path.join(work, "m.so"), os.path.join(work, "report.json")
    run([a.kilnc, os.path.join(case_dir, "model.pt2"), "--emit=shared", "-o", lib,
         "--report=" + report] + a.kilnc_arg)
    with open(report) as f:
        quant = json.load(f).get("quantization", {})
    islands = quant.get("float_islands", [])
    steps = output_steps(os.path.join(case_dir, "model.pt2"))
    single_op = name.startswith("qi_")
    total = exact = 0
    worst_steps = 0.0
    worst_float = 0.0
    argmax_agree = argmax_total = 0
    for s, (inputs, expected) in enumerate(samples(case_dir)):
        out_dir = os.path.join(work, "out_%d" % s)
        cmd = [a.kiln_run, lib, "--output-dir", out_dir, "--quiet"]
        for i in inputs:
            cmd += ["--input", i]
        run(cmd)
        for k, want_path in enumerate(expected):
            got = np.load(os.path.join(out_dir, "output_%d.npy" % k)).astype(np.float64)
            want = np.load(want_path).astype(np.float64)
            if got.shape != want.shape:
                raise RuntimeError("%s: output %d has shape %s, PyTorch %s"
                                   % (name, k, got.shape, want.shape))
            diff = np.abs(got - want)
            if k < len(steps) and steps[k]:
                total += diff.size
                exact += int((diff == 0).sum())
                worst_steps = max(worst_steps, float(diff.max() / steps[k]))
            else:
                worst_float = max(worst_float, float(diff.max() / max(1.0, np.abs(want).max())))
            if k == 0 and s > 0 and got.ndim >= 1:
                argmax_total += int(np.prod(got.shape[:-1]))
                argmax_agree += int((got.argmax(-1) == want.argmax(-1)).sum())
    exact_fraction = exact / total if total else 1.0
    # A difference of n steps is n * scale up to float rounding of the values.
    step_bound = 1 if single_op else 3
    ok = worst_steps <= step_bound + 1e-3 and worst_float <= 0.03
    if single_op:
        ok = ok and exact_fraction >= 0.99
    else:
        ok = ok and argmax_agree == argmax_total
    print("%-44s %s  exact %.4f  max %.2f step(s)%s  argmax %d/%d  islands %d%s"
          % (name, "ok  " if ok else "FAIL", exact_fraction, worst_steps,
             "  float err %.1e" % worst_float if worst_float else "", argmax_agree, argmax_total,
             len(islands),
             ("  [" + "; ".join(",".join(i["nodes"]) for i in islands) + "]") if a.verbose
             and islands else ""))
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--verbose", action="store_true", help="list each island's nodes")
    p.add_argument("--kilnc-arg", action="append", default=[],
                   help="one more kilnc argument (--kilnc-arg=--cpu=native)")
    p.add_argument("cases", nargs="+")
    a = p.parse_args()
    failed = []
    for name in a.cases:
        try:
            if not check_case(a, name):
                failed.append(name)
        except RuntimeError as e:
            print("%-44s FAIL  %s" % (name, e))
            failed.append(name)
    print("check_quantized: %d case(s), %d failed%s"
          % (len(a.cases), len(failed), (": " + ", ".join(failed)) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
