"""Operator models: small graphs that exercise one family of operators each.

Each builder returns (module in eval mode, example inputs) like the zoo's; zoo.py adds
them to the models export.py accepts, and the end-to-end suite compiles each in both IR
forms and compares Kiln's outputs with PyTorch's (test/models/CMakeLists.txt).

The inputs are chosen so that every operator is evaluated where PyTorch defines it
(asin on (-1, 1), log on positive values, ...) and near the edges where implementations
differ (exact halves for round, negative operands for the integer divisions and
remainders, ties for argmax).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def _randn(gen, *shape):
    return torch.randn(shape, generator=gen, dtype=torch.float32)


class MathOps(nn.Module):
    """Elementwise math functions, pow with every special-cased exponent, atan2, fmod,
    remainder, min/max, clamp with tensor bounds, elu."""

    def forward(self, x, y):
        u = torch.tanh(x) * 0.95  # in (-1, 1)
        p = x.abs() + 0.1  # positive
        outs = [
            torch.sin(x), torch.cos(x), torch.tan(u), torch.asin(u), torch.acos(u),
            torch.atan(x), torch.sinh(x), torch.cosh(x), torch.asinh(x), torch.acosh(p + 1),
            torch.atanh(u), torch.erf(x), torch.expm1(x), torch.log1p(p), torch.log2(p),
            torch.log10(p), torch.ceil(x * 3), torch.floor(x * 3), torch.round(x * 4 + 0.5),
            torch.trunc(x * 3), torch.reciprocal(p), torch.sign(x), torch.exp(x), torch.sqrt(p),
            torch.rsqrt(p), torch.square(x), x ** 3, p ** 2.5, x ** 2, p ** -2, p ** 0.5,
            p ** -0.5, x ** -1, x ** 0, torch.pow(2.0, x), torch.pow(p, y),
            torch.pow(x, torch.round(y * 2)), torch.pow(x, 3.0 + 0 * y),
            torch.atan2(x, y), torch.fmod(x * 3, y), torch.remainder(x * 3, y),
            torch.fmod(x * 3, 0.7), torch.remainder(x * 3, -0.7), torch.maximum(x, y),
            torch.minimum(x, y), torch.clamp(x, min=y * 0.5), torch.clamp(x, max=y),
            torch.clamp(x, -0.5, 0.5), F.elu(x), F.elu(x, alpha=0.5), x.clamp_min(0.1),
            x.clamp_max(-0.1), 1 - x, torch.div(x * 5, y, rounding_mode="trunc"),
            torch.div(x * 5, y, rounding_mode="floor"), x // 0.3,
        ]
        return tuple(outs)


def build_op_math(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    x = _randn(gen, 4, 8)
    y = _randn(gen, 4, 8)
    y = torch.where(y.abs() < 0.1, torch.full_like(y, 0.5), y)  # keep divisors away from 0
    x[0, 0] = 0.125  # round(0.125 * 4 + 0.5) = round(1.0); x * 4 + 0.5 on halves below
    x[0, 1] = 0.25  # round(1.5) = 2 (halves to even)
    x[0, 2] = 0.5  # round(2.5) = 2
    return MathOps().eval(), (x, y)


class CompareOps(nn.Module):
    """Comparisons (tensor, broadcast, scalar), logical and bitwise operators on booleans,
    where, masked_fill, isnan/isinf, any/all, bool outputs."""

    def forward(self, x, y):
        gt = x > y
        le = x <= 0.25
        eq = torch.eq(torch.round(x * 2), torch.round(y * 2))
        ne = x != y[0]
        both = torch.logical_and(gt, le)
        either = torch.logical_or(gt, eq)
        xor = torch.logical_xor(ne, le)
        none = torch.logical_not(either)
        w = torch.where(gt, x, y)
        m = x.masked_fill(le, -1.0)
        z = x / (y - y)  # inf and nan where y - y is 0 (everywhere): x/0 = +-inf, 0/0 = nan
        return (gt, both, either, xor, none, w, m, torch.isnan(z), torch.isinf(z),
                (x >= y) & (x < 1.0), (x > 0) | (y > 0), ~(x > 0), torch.lt(x, y).float(),
                torch.ge(x, 0).to(torch.float32) * x, (x > 0).any(), (x > 0.5).any(dim=1),
                torch.all(x > -3), torch.all(x > -0.5, dim=0), torch.isnan(z).any(dim=0))


def build_op_compare(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    x = _randn(gen, 3, 5)
    y = _randn(gen, 3, 5)
    x[0, 0] = 0.0
    y[0, 1] = x[0, 1]
    return CompareOps().eval(), (x, y)


class IntegerOps(nn.Module):
    """int64 and int32 arithmetic with PyTorch's division modes and type promotion."""

    def forward(self, a, b, c):
        return (
            a + b, a - 3 * b, a * b, a // b, torch.div(a, b, rounding_mode="trunc"),
            torch.div(a, b, rounding_mode="floor"), a % b, torch.fmod(a, b), a / b,
            torch.remainder(a, -7), a & b, a | b, a ^ b, ~a, torch.abs(a), -a, torch.sign(a),
            torch.clamp(a, -20, 20), torch.maximum(a, b), torch.minimum(a, b), a > b,
            torch.eq(a % 3, 0), a.float() * 0.5, (a.float() * 0.37).to(torch.int64),
            (a > 0).to(torch.int64), c + a, c * 2, c.to(torch.float32) + 0.5, a + 0.5,
            torch.argmax(a.float(), dim=1), torch.argmin(a, dim=0), torch.argmax(b),
        )


def build_op_int(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    a = torch.randint(-50, 50, (4, 6), generator=gen, dtype=torch.int64)
    b = torch.randint(-9, 10, (4, 6), generator=gen, dtype=torch.int64)
    b = torch.where(b == 0, torch.full_like(b, 4), b)  # PyTorch raises on integer x // 0
    a[0, 0], b[0, 0] = -7, 2  # -7 // 2 = -4, trunc -3, -7 % 2 = 1, fmod -1
    a[0, 1], b[0, 1] = 7, -2
    a[1, 0] = a[1, 3]  # an argmin/argmax tie along dim 0 candidates
    c = torch.randint(-100, 100, (4, 6), generator=gen, dtype=torch.int32)
    return IntegerOps().eval(), (a, b, c)


class TensorOps(nn.Module):
    """Padding modes, flip, roll, repeat, pixel shuffle, resampling, indexing, argument
    and full reductions, cumsum, diagonal, variance, norms, group norm, arange, fill,
    as_strided."""

    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(2, 4)
        self.register_buffer("idx", torch.tensor([2, 0, 3, 3, 1]))
        self.register_buffer("gidx", torch.tensor([[0, 1, 1, 0], [1, 1, 0, 0], [3, 2, 1, 0]]))

    def forward(self, x, v):
        # x: [1, 4, 6, 6], v: [3, 4]
        outs = [
            F.pad(x, (1, 2, 0, 1)), F.pad(x, (1, 2, 2, 1), value=0.5),
            F.pad(x, (2, 1, 1, 3), mode="reflect"), F.pad(x, (2, 1, 1, 3), mode="replicate"),
            F.pad(x, (1, 2, 2, 1), mode="circular"), F.pad(x, (-1, -1, 1, 0)),
            torch.flip(x, [1, 3]), torch.roll(v, 1, 0), torch.roll(v, (2, -1), (1, 0)),
            torch.roll(v, 5), v.repeat(2, 3), v.repeat(2, 1, 2), F.pixel_shuffle(x, 2),
            F.interpolate(x, scale_factor=2, mode="nearest"),
            F.interpolate(x, size=(9, 4), mode="nearest"),
            F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
            F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=True),
            F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False),
            torch.gather(v, 1, self.gidx), torch.index_select(v, 1, self.idx[:3]),
            v[self.idx[:2]], v[:, self.idx], x.amax(dim=(2, 3)), x.amin(dim=1, keepdim=True),
            torch.max(v), torch.min(v), v.max(dim=1)[0], v.min(dim=0, keepdim=True)[0],
            v.max(dim=1)[1], torch.argmax(v, dim=0), torch.argmin(v, dim=1, keepdim=True),
            torch.prod(v, 1), torch.prod(v), torch.sum(v), torch.mean(v),
            torch.var(x, dim=(2, 3)), torch.var(v, dim=1, unbiased=False, keepdim=True),
            torch.std(v, dim=0), self.gn(x), v + torch.arange(4), torch.arange(1, 7, 2) * 1.5,
            torch.norm(v, dim=1), torch.linalg.vector_norm(v, ord=3, dim=0),
            torch.linalg.vector_norm(x, ord=float("inf"), dim=(2, 3)),
            torch.zeros_like(v).fill_(1.5) + v, torch.as_strided(v, (2, 3), (1, 4), 1),
            torch.cumsum(v, 1), torch.cumsum(x, dim=2), torch.diagonal(v),
            torch.diagonal(x, offset=1, dim1=2, dim2=3), torch.diagonal(v, -1),
        ]
        return tuple(outs)


def build_op_tensor(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    module = TensorOps().eval()
    with torch.no_grad():
        module.gn.weight.copy_(torch.randn(4, generator=gen))
        module.gn.bias.copy_(torch.randn(4, generator=gen))
    x = _randn(gen, 1, 4, 6, 6)
    v = _randn(gen, 3, 4)
    v[1, 2] = v[1, 0]  # a tie: argmax/argmin return the first index
    return module, (x, v)


class Attention(nn.Module):
    """scaled_dot_product_attention (torch 2.x; 1.13's private form is rewritten to it in
    the training IR and decomposed in the core IR) with a float mask, a boolean mask and
    causal masking, batched over heads."""

    def forward(self, q, k, v, bias):
        sdpa = torch.ops.aten._scaled_dot_product_attention
        plain = sdpa(q, k, v, None, 0.0, False, False)[0]
        biased = sdpa(q, k, v, bias, 0.0, False, False)[0]
        masked = sdpa(q, k, v, bias > -0.5, 0.0, False, False)[0]
        causal = sdpa(q, k, v, None, 0.0, False, True)[0]
        return plain, biased, masked, causal


def build_op_attention(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    q = _randn(gen, 1, 2, 5, 8)
    k = _randn(gen, 1, 2, 6, 8)
    v = _randn(gen, 1, 2, 6, 4)
    bias = _randn(gen, 5, 6)
    bias[:, 0] = 1.0  # every row keeps at least one key under the boolean mask
    return Attention().eval(), (q, k, v, bias)


MODELS = {
    "op_attention": build_op_attention,
    "op_math": build_op_math,
    "op_compare": build_op_compare,
    "op_int": build_op_int,
    "op_tensor": build_op_tensor,
}
