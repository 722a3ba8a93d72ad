"""Writes a kiln IR program of quantized conv2d/linear patterns, its int8
input, and what PyTorch computes for the same Q/DQ graph.

    qconv_case.py OUT_DIR

OUT_DIR/model.mlir: forward(xq: int8 [1, 8, 9, 9]) with four patterns, each
`dequantize -> op -> [relu] -> quantize` (int8 activations per tensor,
symmetric int8 weights per output channel, float32 bias):
  0 conv2d groups=1, 3x3, padding 1, relu
  1 conv2d depthwise (groups=8), 3x3, stride 2
  2 conv2d groups=2, 1x1, relu6
  3 linear over the flattened input (per-tensor weight scale)
OUT_DIR/xq.npy, OUT_DIR/expected_K.npy: PyTorch evaluating the Q/DQ graph
in float32 (torch's conv2d/linear, quantize as quantized_decomposed does).
"""
import os
import sys

import numpy as np
import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(11)
N, C, H, W = 1, 8, 9, 9
sx, zx = 0.0237, -7
xq = torch.randint(-128, 128, (N, C, H, W), generator=g, dtype=torch.int8)
x = (xq.to(torch.float32) - zx) * sx


def weights(shape, per_channel=True):
    wf = torch.randn(shape, generator=g) * 0.2
    if per_channel:
        scales = wf.abs().reshape(shape[0], -1).max(1).values / 127
    else:
        scales = torch.full((shape[0],), float(wf.abs().max() / 127))
    scales = scales.to(torch.float32)
    view = [-1] + [1] * (len(shape) - 1)
    wq = torch.clamp(torch.round(wf / scales.view(view)), -127, 127).to(torch.int8)
    return wq, scales


def quantize(y, scale, zp):
    return torch.clamp(torch.round(y * (1.0 / scale)) + zp, -128, 127).to(torch.int8)


def mlir_dense(t, ty):
    """A dense attribute of `t`'s values as nested lists, of type tensor<...xty>."""
    def nested(v):
        if isinstance(v, list):
            return "[" + ", ".join(nested(e) for e in v) + "]"
        return repr(float(v)) if ty.startswith("f") else str(int(v))
    return "dense<%s> : tensor<%sx%s>" % (nested(t.tolist()), "x".join(str(d) for d in t.shape), ty)


cases = []
# (name, weight shape, groups, stride, padding, activation, out scale, out zp)
convs = [((16, 8, 3, 3), 1, 1, 1, "relu", 0.061, -20),
         ((8, 1, 3, 3), 8, 2, 0, None, 0.047, 5),
         ((6, 4, 1, 1), 2, 1, 0, "relu6", 0.031, -100)]
lines = []
results = []
types = []
lines.append("  %sx = arith.constant dense<{0}> : tensor<f64>".format(repr(sx)))
lines.append("  %zx = arith.constant dense<{0}> : tensor<i64>".format(zx))
lines.append("  %x = kiln.dequantize %xq, %sx, %zx {quant_min = -128 : i64, quant_max = 127 : i64}"
             " : (tensor<1x8x9x9xi8>, tensor<f64>, tensor<i64>) -> tensor<1x8x9x9xf32>")
for i, (wshape, groups, stride, pad, act, sy, zy) in enumerate(convs):
    wq, ws = weights(wshape)
    b = (torch.randn(wshape[0], generator=g) * 0.3).to(torch.float32)
    w = wq.to(torch.float32) * ws.view(-1, 1, 1, 1)
    y = torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad, groups=groups)
    if act == "relu":
        y = torch.relu(y)
    elif act == "relu6":
        y = torch.clamp(y, 0, 6)
    yq = quantize(y, sy, zy)
    results.append(yq)
    oshape = "x".join(str(d) for d in yq.shape)
    wt = "x".join(str(d) for d in wshape)
    lines.append("  %%wq%d = arith.constant %s" % (i, mlir_dense(wq, "i8")))
    lines.append("  %%ws%d = arith.constant %s" % (i, mlir_dense(ws, "f32")))
    lines.append("  %%wz%d = arith.constant dense<0> : tensor<%dxi64>" % (i, wshape[0]))
    lines.append("  %%w%d = kiln.dequantize %%wq%d, %%ws%d, %%wz%d {axis = 0 : i64, quant_min = -127 : i64,"
                 " quant_max = 127 : i64} : (tensor<%sxi8>, tensor<%dxf32>, tensor<%dxi64>) -> tensor<%sxf32>"
                 % (i, i, i, i, wt, wshape[0], wshape[0], wt))
    lines.append("  %%b%d = arith.constant %s" % (i, mlir_dense(b, "f32")))
    attrs = ("stride = array<i64: {s}, {s}>, padding = array<i64: {p}, {p}, {p}, {p}>, "
             "dilation = array<i64: 1, 1>, groups = {g} : i64").format(s=stride, p=pad, g=groups)
    lines.append("  %%y%d = kiln.conv2d %%x, %%w%d, %%b%d {%s} : (tensor<1x8x9x9xf32>, tensor<%sxf32>,"
                 " tensor<%dxf32>) -> tensor<%sxf32>" % (i, i, i, attrs, wt, wshape[0], oshape))
    last = "%%y%d" % i
    if act == "relu":
        lines.append("  %%a%d = kiln.relu %s : tensor<%sxf32>" % (i, last, oshape))
        last = "%%a%d" % i
    elif act == "relu6":
        lines.append("  %%a%d = kiln.clamp %s {min = 0.0 : f64, max = 6.0 : f64} : tensor<%sxf32>"
                     % (i, last, oshape))
        last = "%%a%d" % i
    lines.append("  %%sy%d = arith.constant dense<%r> : tensor<f64>" % (i, sy))
    lines.append("  %%zy%d = arith.constant dense<%d> : tensor<i64>" % (i, zy))
    lines.append("  %%q%d = kiln.quantize %s, %%sy%d, %%zy%d {quant_min = -128 : i64, quant_max = 127 : i64}"
                 " : (tensor<%sxf32>, tensor<f64>, tensor<i64>) -> tensor<%sxi8>"
                 % (i, last, i, i, oshape, oshape))
    types.append("tensor<%sxi8>" % oshape)

# Linear over the flattened input, per-tensor weight scale, no activation.
K = C * H * W
wq, ws = weights((10, K), per_channel=False)
b = (torch.randn(10, generator=g) * 0.3).to(torch.float32)
y = torch.nn.functional.linear(x.reshape(1, K), wq.to(torch.float32) * ws.view(-1, 1), b)
yq = quantize(y, 0.09, 3)
results.append(yq)
lines.append("  %%xf = kiln.reshape %%x : (tensor<1x8x9x9xf32>) -> tensor<1x%dxf32>" % K)
lines.append("  %%wq3 = arith.constant %s" % mlir_dense(wq, "i8"))
lines.append("  %%ws3 = arith.constant dense<%r> : tensor<f64>" % float(ws[0]))
lines.append("  %zw3 = arith.constant dense<0> : tensor<i64>")
lines.append("  %%w3 = kiln.dequantize %%wq3, %%ws3, %%zw3 {quant_min = -127 : i64, quant_max = 127 : i64}"
             " : (tensor<10x%dxi8>, tensor<f64>, tensor<i64>) -> tensor<10x%dxf32>" % (K, K))
lines.append("  %%b3 = arith.constant %s" % mlir_dense(b, "f32"))
lines.append("  %%y3 = kiln.linear %%xf, %%w3, %%b3 : (tensor<1x%dxf32>, tensor<10x%dxf32>, tensor<10xf32>)"
             " -> tensor<1x10xf32>" % (K, K))
lines.append("  %sy3 = arith.constant dense<0.09> : tensor<f64>")
lines.append("  %zy3 = arith.constant dense<3> : tensor<i64>")
lines.append("  %q3 = kiln.quantize %y3, %sy3, %zy3 {quant_min = -128 : i64, quant_max = 127 : i64}"
             " : (tensor<1x10xf32>, tensor<f64>, tensor<i64>) -> tensor<1x10xi8>")
types.append("tensor<1x10xi8>")

with open(os.path.join(out, "model.mlir"), "w") as f:
    f.write("func.func @forward(%%xq: tensor<1x8x9x9xi8> {kiln.name = \"xq\"}) -> (%s) {\n"
            % ", ".join("%s {kiln.name = \"q%d\"}" % (t, i) for i, t in enumerate(types)))
    f.write("\n".join(lines) + "\n")
    f.write("  return %s : %s\n}\n" % (", ".join("%%q%d" % i for i in range(len(types))),
                                      ", ".join(types)))
np.save(os.path.join(out, "xq.npy"), xq.numpy())
for i, r in enumerate(results):
    np.save(os.path.join(out, "expected_%d.npy" % i), r.numpy())
print("wrote %d patterns" % len(results))
