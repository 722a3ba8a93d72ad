#!/usr/bin/env python3
"""kilnc --io=int8 against --io=float on the same quantized programs.

    check_int8_io.py --kilnc K --kiln-run R --models DIR --work W CASE...

Each CASE is a folder of DIR written by `export.py --quantize` (model.pt2, input_K.npy,
quant_inputs/input_S_K.npy). kilnc compiles the program twice: as exported (float
inputs and outputs) and with --io=int8. The int8 build's inputs are quantized here from
the float inputs with the scale, zero point and range its C header states
(<NAME>_INPUT_<i>_SCALE ..., parsed from the header) and the formula the header gives
(PyTorch's quantize_per_tensor: round half to even of x * float32(1 / scale), plus the
zero point, clamped); its int8 outputs, dequantized with the header's output
parameters ((q - zero_point) * float32(scale) in float32), must equal the float build's
outputs bit for bit on every element of every input: the two builds compute the same
integers, only the boundary moves. Exit 1 otherwise.
"""
import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_quantized import run, samples  # noqa: E402


def header_quantization(header, name):
    """{('INPUT'|'OUTPUT', i): (scale, zero_point, qmin, qmax)} from the C header."""
    text = open(header).read()
    found = {}
    pattern = r"#define %s_(INPUT|OUTPUT)_(\d+)_(SCALE|ZERO_POINT|QUANT_MIN|QUANT_MAX) \(?([-0-9.e+]+)\)?" \
        % name.upper()
    for kind, i, field, value in re.findall(pattern, text):
        found.setdefault((kind, int(i)), {})[field] = float(value)
    return {k: (v["SCALE"], int(v["ZERO_POINT"]), int(v["QUANT_MIN"]), int(v["QUANT_MAX"]))
            for k, v in found.items()}


def inputs_of(case_dir):
    """The input files of input_0 and of the 8 seeded quant inputs."""
    return [inputs for inputs, _ in samples(case_dir)]


def check_case(a, name):
    case_dir = os.path.join(a.models, name)
    work = os.path.join(a.work, name)
    os.makedirs(work, exist_ok=True)
    model = os.path.join(case_dir, "model.pt2")
    float_lib, int8_lib = os.path.join(work, "f.so"), os.path.join(work, "q.so")
    run([a.kilnc, model, "--emit=shared", "-o", float_lib])
    run([a.kilnc, model, "--emit=shared", "--io=int8", "-o", int8_lib])
    params = header_quantization(os.path.join(work, "q.h"), "q")
    elements = 0
    for s, inputs in enumerate(inputs_of(case_dir)):
        fdir, qdir = os.path.join(work, "f_%d" % s), os.path.join(work, "q_%d" % s)
        cmd_f = [a.kiln_run, float_lib, "--output-dir", fdir, "--quiet"]
        cmd_q = [a.kiln_run, int8_lib, "--output-dir", qdir, "--quiet"]
        for i, path in enumerate(inputs):
            if ("INPUT", i) not in params:
                raise RuntimeError("%s: the --io=int8 header has no INPUT_%d macros" % (name, i))
            scale, zp, qmin, qmax = params[("INPUT", i)]
            x = np.load(path).astype(np.float32)
            inv = np.float32(1.0 / scale)
            q = np.clip(np.rint(x * inv) + np.float32(zp), qmin, qmax).astype(np.int8)
            qpath = os.path.join(work, "input_%d_%d.npy" % (s, i))
            np.save(qpath, q)
            cmd_f += ["--input", path]
            cmd_q += ["--input", qpath]
        run(cmd_f)
        run(cmd_q)
        k = 0
        while os.path.exists(os.path.join(fdir, "output_%d.npy" % k)):
            want = np.load(os.path.join(fdir, "output_%d.npy" % k))
            got = np.load(os.path.join(qdir, "output_%d.npy" % k))
            if got.dtype != np.int8:
                raise RuntimeError("%s: --io=int8 output %d is %s" % (name, k, got.dtype))
            scale, zp, _, _ = params[("OUTPUT", k)]
            deq = (got.astype(np.int32) - zp).astype(np.float32) * np.float32(scale)
            if deq.shape != want.shape or not np.array_equal(deq, want):
                bad = int((deq != want).sum()) if deq.shape == want.shape else -1
                print("%-40s FAIL  input %d output %d: %d element(s) differ" % (name, s, k, bad))
                return False
            elements += want.size
            k += 1
    print("%-40s ok    %d output elements identical (int8 I/O vs float I/O), %d inputs"
          % (name, elements, len(inputs_of(case_dir))))
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kilnc", required=True)
    p.add_argument("--kiln-run", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("cases", nargs="+")
    a = p.parse_args()
    ok = True
    for case in a.cases:
        try:
            ok = check_case(a, case) and ok
        except RuntimeError as e:
            print("%s: %s" % (case, e))
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
