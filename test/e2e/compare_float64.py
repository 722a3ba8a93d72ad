#!/usr/bin/env python3
"""How far Kiln's and PyTorch's float32 outputs are from the model computed in float64.

    compare_float64.py --model NAME --dir D [--kiln OUT.npy ...]

D is an export.py folder (input_0.npy, expected_0.npy: PyTorch's float32 output). The
model NAME (any name export.py takes, e.g. torchvision:efficientnet_v2_l) is rebuilt with
the same seed, converted to float64 and run on input_0.npy; the script prints the max
|out - float64| for PyTorch's float32 output and for each Kiln output given (files that
kiln-run wrote, e.g. D/output_0.npy), and how many elements of each miss the per-element
check |out - float64| <= atol + rtol * |float64| (default 1e-4 and 1e-4, as the sweep).
It also runs the float32 model with oneDNN off (PyTorch's other CPU convolution) and
checks that output against expected_0.npy as the sweep checks Kiln's: how far two float32
results that PyTorch itself may produce are apart. For deep networks whose float32 results differ
from PyTorch's by more than a per-element tolerance, this says whether the difference is
accumulation order (both about as far from float64) or an error (Kiln much farther).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import zoo  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--kiln", action="append", default=[], help="a Kiln output .npy")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-4)
    a = p.parse_args()
    module, _ = zoo.get_builder(a.model)(0)
    module.eval()
    x = torch.from_numpy(np.load(os.path.join(a.dir, "input_0.npy")))
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):
        # PyTorch's other CPU convolution (im2col + GEMM instead of oneDNN): a float32
        # result as valid as expected_0.npy, with another accumulation order.
        torch32_native = module(x).numpy().astype(np.float64)
    with torch.no_grad():
        ref = module.double()(x.double()).numpy()
    torch32 = np.load(os.path.join(a.dir, "expected_0.npy")).astype(np.float64)
    print("max |float64 output|: %.4g" % abs(ref).max())

    def report(label, out, want, want_name):
        err = abs(out - want)
        bad = int((err > a.atol + a.rtol * abs(want)).sum())
        print("%s: max |out - %s| = %.4g; %d of %d elements outside atol %g + rtol %g * |%s|"
              % (label, want_name, err.max(), bad, err.size, a.atol, a.rtol, want_name))

    report("pytorch float32 (expected_0.npy)", torch32, ref, "float64")
    report("pytorch float32 without oneDNN", torch32_native, ref, "float64")
    for f in a.kiln:
        report(f, np.load(f).astype(np.float64), ref, "float64")
    report("pytorch float32 without oneDNN", torch32_native, torch32, "expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
