#!/usr/bin/env python3
"""Write seeded random inputs for any `.pt2`, from the user inputs its graph declares.

    /usr/bin/python3 test/models/make_inputs.py MODEL.pt2 --out DIR [--seed N]

writes DIR/input_K.npy for the K-th user input (input_specs order) with the dtype and
shape of its `tensor_values` entry: floating types standard normal, integer types small
non-negative integers (0..9), bool uniformly random; bfloat16 as float32 arrays holding
bfloat16 values, with DIR/dtypes.json naming every input's dtype (npy_dtypes.py). Every
layout pt2_reader.py reads is accepted, so tests can run files they did not write
(reference.py --make-input uses this).
Prints one line per input: name, dtype, shape.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch_python  # noqa: E402

torch_python.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import npy_dtypes  # noqa: E402
from pt2_reader import ArchiveError, open_archive, user_inputs  # noqa: E402


def random_input(gen: torch.Generator, dtype: torch.dtype, sizes) -> np.ndarray:
    if dtype == torch.bool:
        t = torch.randint(0, 2, sizes, generator=gen).bool()
    elif dtype.is_floating_point:
        t = torch.randn(sizes, generator=gen, dtype=torch.float64).to(dtype)
    elif dtype.is_complex:
        raise ArchiveError("complex user inputs are not supported")
    else:
        t = torch.randint(0, 10, sizes, generator=gen).to(dtype)
    return npy_dtypes.to_numpy(t)  # bfloat16: float32 holding the bfloat16 values


def make_inputs(pt2: str, out_dir: str, seed: int = 0, verbose: bool = False):
    """Write the inputs; returns the list of written paths."""
    ep = open_archive(pt2).exported_program()
    gen = torch.Generator().manual_seed(seed)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    declared = user_inputs(ep)
    for k, (name, dtype, sizes) in enumerate(declared):
        arr = random_input(gen, dtype, sizes)
        path = os.path.join(out_dir, "input_%d.npy" % k)
        np.save(path, arr)
        paths.append(path)
        if verbose:
            print("input_%d: %s %s %s" % (k, name, dtype, list(sizes)))
    npy_dtypes.write_dtypes_json(out_dir, [dtype for _, dtype, _ in declared])
    return paths


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pt2")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    try:
        make_inputs(args.pt2, args.out, args.seed, verbose=True)
    except (ArchiveError, KeyError, ValueError) as e:
        print("make_inputs.py: %s: %s" % (args.pt2, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
