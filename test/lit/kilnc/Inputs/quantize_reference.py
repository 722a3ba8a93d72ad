"""Writes the input and PyTorch's outputs for Inputs/quantize.mlir.

    quantize_reference.py OUT_DIR

The arithmetic is that of PyTorch's quantized_decomposed operators
(torch/ao/quantization/fx/_decomposed.py, FORMATS.md §6), written with torch's
own tensor operations: the per-tensor ops take Python numbers, the per-channel
ones float32 tensors, choose_qparams follows torch.ao's determine_qparams. The
input mixes normal values with exact halves of a quantization step (round half
to even), values beyond the range (clamping) and zeros.
"""
import os
import sys

import numpy as np
import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(7)
x = torch.randn(2, 4, 5, 5, generator=g) * 3
# Exact halves for the per-channel scales 0.5 and 0.25 (channels 0 and 1) and
# for the per-tensor scale 0.05 where representable; out-of-range values.
x[0, 0, 0, :] = torch.tensor([0.25, 0.75, -0.25, -1.25, 1.75])
x[0, 1, 0, :] = torch.tensor([0.125, 0.375, -0.125, -0.625, 2.125])
x[1, 2, 1, :] = torch.tensor([100.0, -100.0, 0.0, -0.0, 1e-8])
x[1, 3, 2, :] = torch.tensor([0.025, -0.025, 0.075, 6.35, -6.4])
x = x.float()


def quantize_per_tensor(t, scale, zero_point, qmin, qmax, dtype):
    inv_scale = 1.0 / scale
    return torch.clamp(torch.round(t * inv_scale) + zero_point, qmin, qmax).to(dtype)


def dequantize_per_tensor(q, scale, zero_point):
    return (q.to(torch.float32) - zero_point) * scale


def quantize_per_channel(t, scales, zero_points, axis, qmin, qmax, dtype):
    shape = [1] * t.dim()
    shape[axis] = scales.numel()
    s, z = scales.view(shape), zero_points.view(shape)
    return torch.clamp(torch.round(t * (1.0 / s)) + z, qmin, qmax).to(dtype)


def dequantize_per_channel(q, scales, zero_points, axis):
    shape = [1] * q.dim()
    shape[axis] = scales.numel()
    return (q - zero_points.view(shape)) * scales.view(shape)


def choose_qparams(t, qmin, qmax, eps):
    min_val, max_val = torch.min(t), torch.max(t)
    min_neg = torch.min(min_val, torch.zeros_like(min_val))
    max_pos = torch.max(max_val, torch.zeros_like(max_val))
    scale = (max_pos - min_neg) / float(qmax - qmin)
    scale = torch.max(scale, torch.tensor([eps], dtype=scale.dtype))
    zero_point = qmin - torch.round(min_neg / scale).to(torch.int)
    zero_point = torch.clamp(zero_point, qmin, qmax)
    return scale.to(torch.float64).reshape(1), zero_point.to(torch.int64).reshape(1)


q = quantize_per_tensor(x, 0.05, -3, -128, 127, torch.int8)
dq = dequantize_per_tensor(q, 0.05, -3)
cs = torch.tensor([0.5, 0.25, 0.1, 0.03], dtype=torch.float32)
cz = torch.tensor([0, 1, -2, 5], dtype=torch.int64)
qc = quantize_per_channel(x, cs, cz, 1, -127, 127, torch.int8)
dqc = dequantize_per_channel(qc, cs, cz, 1)
ds, dz = choose_qparams(x, -128, 127, torch.finfo(torch.float32).eps)
qd = quantize_per_tensor(x, ds.item(), dz.item(), -128, 127, torch.int8)

np.save(os.path.join(out, "x.npy"), x.numpy())
for i, t in enumerate([q, dq, qc, dqc, ds, dz, qd]):
    np.save(os.path.join(out, "expected_%d.npy" % i), t.numpy())
# The cases the input was built for occur: halves that round to even.
halves = int(((x[:, :2] * (1.0 / cs[:2].view(1, 2, 1, 1))).frac().abs() == 0.5).sum())
print("reference written: %d exact halves, %d clamped" %
      (halves, int(((q == 127) | (q == -128)).sum())))
