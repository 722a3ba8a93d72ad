"""Compares int8 outputs with PyTorch's: every element within `--steps`
quantization steps, and at least `--exact` of the elements equal.

    compare_int8.py --got DIR --expected DIR --count N [--steps 1] [--exact 0.99]

Prints, per output, the fraction of exactly equal elements and the largest
difference; exit 1 when a bound is missed.
"""
import argparse
import os
import sys

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--got", required=True)
p.add_argument("--expected", required=True)
p.add_argument("--count", type=int, required=True)
p.add_argument("--steps", type=int, default=1)
p.add_argument("--exact", type=float, default=0.99)
a = p.parse_args()
ok = True
for k in range(a.count):
    got = np.load(os.path.join(a.got, "output_%d.npy" % k)).astype(np.int64)
    want = np.load(os.path.join(a.expected, "expected_%d.npy" % k)).astype(np.int64)
    if got.shape != want.shape:
        print("output %d: shape %s, expected %s" % (k, got.shape, want.shape))
        ok = False
        continue
    diff = np.abs(got - want)
    exact = float((diff == 0).mean())
    good = diff.max() <= a.steps and exact >= a.exact
    ok &= bool(good)
    print("output %d: %d elements, %.4f exactly equal, max difference %d step(s): %s"
          % (k, got.size, exact, diff.max(), "ok" if good else "FAIL"))
sys.exit(0 if ok else 1)
