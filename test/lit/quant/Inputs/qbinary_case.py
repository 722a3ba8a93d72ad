"""Writes an exhaustive test of kiln.qadd, kiln.qmul and kiln.qmatmul's integer
arithmetic.

    qbinary_case.py OUT_DIR

OUT_DIR/model.mlir: forward(a: int8 [256, 1], b: int8 [1, 256]) with one
kiln.qadd or kiln.qmul per parameter set below, broadcast to [256, 256]: every
pair of int8 values; kiln.qmatmul of the same [256, 1] and [1, 256] is their
outer product (K = 1), requantized by a Q31 multiplier and shift. The sets cover both lowerings (32-bit lanes with a split
multiplier, and 64 bits), near-full-range zero points and narrowed bounds.
OUT_DIR/a.npy, b.npy: the int8 values -128 ... 127.
OUT_DIR/expected_K.npy: each op's result by exact integer arithmetic (Python
integers): round half to even of the scaled sum or product, + zp_y, clamped.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def round_half_even_shift(x, shift):
    """x / 2^shift rounded half to even, exactly (x an integer array)."""
    floor = x >> shift
    rem = x - (floor << shift)
    half = 1 << (shift - 1)
    return floor + ((rem > half) | ((rem == half) & (floor & 1 == 1)))


# (kind, lhs zp, rhs zp, multipliers, shift, output zp, min, max)
CASES = [
    ("qadd", -4, 2, (214748360, 1073741840), 29, 7, 7, 127),        # split
    ("qadd", 127, -128, (2147483647, 2147483647), 3, 0, -128, 127),  # 64 bits, saturating
    ("qadd", -128, 5, (1500000001, 333333333), 31, -3, -100, 90),   # split
    ("qmul", -4, 2, (1374389524,), 35, 7, 7, 127),                  # split
    ("qmul", 127, -128, (1374389524,), 35, 0, -128, 127),           # 64 bits
    ("qmul", -128, -128, (1234567891,), 40, -20, -128, 127),        # split (low bits 723)
    ("qmul", 10, -7, (2000000011,), 24, 3, -128, 127),              # split, saturating
    # Exact halves: (da + db) / 2 and P / 8 (powers of two), half to even.
    ("qadd", 0, 0, (1 << 29, 1 << 29), 30, 0, -128, 127),
    ("qmul", 3, -3, (1 << 30,), 33, 0, -128, 127),
    # qmatmul: (Q31 multiplier, shift), acc * multiplier / 2^(31 - shift).
    ("qmatmul", -4, 2, (1374389524,), -4, 7, -128, 127),
    ("qmatmul", 0, 0, (1 << 30,), -2, 0, -128, 127),                # exact halves
]

values = np.arange(-128, 128, dtype=np.int64)
a = values.reshape(256, 1)
b = values.reshape(1, 256)
lines = ["func.func @forward(%a: tensor<256x1xi8> {kiln.name = \"a\"}, "
         "%b: tensor<1x256xi8> {kiln.name = \"b\"}) -> (" +
         ", ".join("tensor<256x256xi8>" for _ in CASES) + ") {"]
for k, (kind, za, zb, mults, shift, zy, lo, hi) in enumerate(CASES):
    if kind == "qmatmul":
        attrs = "multiplier = array<i32: %d>, shift = array<i32: %d>, " % (mults[0], shift)
        total = (a - za) * (b - zb) * mults[0]
        shift = 31 - shift
    elif kind == "qadd":
        attrs = ("lhs_multiplier = %d : i64, rhs_multiplier = %d : i64, " % mults)
        total = (a - za) * mults[0] + (b - zb) * mults[1]
    else:
        attrs = "multiplier = %d : i64, " % mults[0]
        total = (a - za) * (b - zb) * mults[0]
    if kind != "qmatmul":
        attrs += "shift = %d : i64, " % shift
    attrs += ("lhs_zero_point = %d : i64, rhs_zero_point = %d : i64, "
              "output_zero_point = %d : i64, output_min = %d : i64, output_max = %d : i64"
              % (za, zb, zy, lo, hi))
    lines.append("  %%y%d = kiln.%s %%a, %%b {%s} : (tensor<256x1xi8>, tensor<1x256xi8>) "
                 "-> tensor<256x256xi8>" % (k, kind, attrs))
    y = np.clip(round_half_even_shift(total, shift) + zy, lo, hi)
    np.save(os.path.join(out, "expected_%d.npy" % k), y.astype(np.int8))
lines.append("  return " + ", ".join("%%y%d" % k for k in range(len(CASES))) + " : " +
             ", ".join("tensor<256x256xi8>" for _ in CASES))
lines.append("}")
with open(os.path.join(out, "model.mlir"), "w") as f:
    f.write("\n".join(lines) + "\n")
np.save(os.path.join(out, "a.npy"), a.astype(np.int8))
np.save(os.path.join(out, "b.npy"), b.astype(np.int8))
