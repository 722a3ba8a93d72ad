"""Single-pattern models for the PT2E quantized exports (export.py --quantize).

Each model exercises one pattern of ExecuTorch's XNNPACKQuantizer (quantize.py) between
quantized activations: a convolution or linear layer produces the operator's input, so
that it reads a dequantized int8 tensor, and where the pattern itself is not annotated by
the quantizer (hardswish, hardsigmoid, sigmoid, avg_pool2d, pad, matmul, addmm) a second
convolution or linear layer consumes its output, so that the float operator sits between
a dequantize and a quantize, as in a real converted graph. Binary operators get inputs
with different scales (one branch's weights are multiplied by a constant).

Builders return (module in eval mode, example inputs) like zoo.py's; weights come from
zoo._randomize (seeded), inputs are standard normal (times `input_scales` where a qi_*
model gives them). Registered in zoo.QUANT_OP_MODELS, the qi_* ones too (exported by name;
check_roundtrip.py runs them only when named).

What each graph holds after `--quantize int8` (training IR; Q/DQ = quantize_per_tensor +
dequantize_per_tensor, W = dequantize_per_channel of an int8 constant):

    q_conv2d              Q/DQ -> conv2d(W) -> Q/DQ
    q_conv2d_relu         Q/DQ -> conv2d(W) -> relu -> Q/DQ            (one unit)
    q_depthwise_conv2d    conv2d groups = channels = 8
    q_grouped_conv2d      conv2d groups 2
    q_linear              Q/DQ -> linear(W) -> Q/DQ
    q_linear_relu         Q/DQ -> linear(W) -> relu -> Q/DQ
    q_addmm               linear -> Q/DQ -> addmm(bias, h, float W) -> Q/DQ -> linear
                          (addmm is not annotated: its weight stays float32; the core IR of
                          q_linear is the quantized addmm: permute of W + addmm)
    q_matmul              two linears -> Q/DQ each -> transpose (float) -> matmul (float)
                          -> Q/DQ -> linear
    q_add                 residual: h = conv1(x); conv2(h) + h, inputs of different scales,
                          add -> Q/DQ
    q_add_relu            relu(conv2(h) + h) -> Q/DQ                    (one unit)
    q_mul                 conv_a(x) * conv_b(x), different scales -> Q/DQ
    q_relu                conv used twice -> Q/DQ; relu shares the conv's qparams
                          (outputs: relu(y), y)
    q_relu6               conv -> Q/DQ -> hardtanh(0, 6) -> Q/DQ with the conv's qparams
    q_hardswish           conv -> Q/DQ -> hardswish (float) -> Q/DQ -> conv
    q_hardsigmoid         the same with hardsigmoid
    q_sigmoid             the same with sigmoid
    q_max_pool2d          conv + relu -> Q/DQ -> max_pool2d -> Q/DQ (shared qparams)
    q_avg_pool2d          conv -> Q/DQ -> avg_pool2d (float) -> Q/DQ -> conv
    q_adaptive_avg_pool2d conv -> Q/DQ -> adaptive_avg_pool2d(2) -> Q/DQ (shared qparams)
    q_cat                 cat of conv_a(x), 8 * conv_b(x): one shared observer for both
                          inputs and the output (SharedQuantizationSpec), so one scale
    q_view                conv -> Q/DQ -> view -> Q/DQ (shared) -> linear
    q_permute             conv -> Q/DQ -> permute -> Q/DQ (shared) -> linear
    q_flatten             conv -> Q/DQ -> flatten -> Q/DQ (shared) -> linear
    q_pad                 conv -> Q/DQ -> pad (float) -> Q/DQ -> conv

Isolated models (qi_*): between convolutions, an operator reads int8 values that an
integer implementation may get one step off (PyTorch's convolution accumulates in float),
and a binary operator adds two such errors, so the q_* models do not measure the operator
alone. In a qi_* model the operator reads the graph inputs: its operands are
dequantize(quantize(graph input)), which PyTorch and an integer implementation compute
alike, and its output's Q/DQ is the graph output. Two-operand models get inputs of
different ranges (the second 3 x standard normal: `input_scales`, which export.py
--quantize also applies to its calibration and test inputs), hence different scales,
except cat (one shared observer):

    qi_add                Q/DQ(x), Q/DQ(y) -> add -> Q/DQ
    qi_add_relu           Q/DQ(x), Q/DQ(y) -> add -> relu -> Q/DQ       (one unit)
    qi_mul                Q/DQ(x), Q/DQ(y) -> mul -> Q/DQ
    qi_cat                Q/DQ(x), Q/DQ(y) -> cat(dim 1) -> Q/DQ, one scale for all three
    qi_adaptive_avg_pool2d Q/DQ(x) -> adaptive_avg_pool2d(2) -> Q/DQ (the input's qparams)
    qi_conv2d, qi_conv2d_relu, qi_depthwise_conv2d, qi_grouped_conv2d, qi_linear,
    qi_linear_relu        the q_* builders of the same names: those already read the graph
                          input (Q/DQ(x) -> op(W) [-> relu] -> Q/DQ)

The shared-parameter operators (relu6 / hardtanh, max_pool2d, view, permute, flatten) are
annotated only after an annotated producer (propagate_annotation), never on a graph input:
op(x) of a graph input has no Q/DQ at all. Their qi_* models put a one-tensor cat in front,
which the quantizer annotates with its output sharing its input's observer, so that the
cat's Q/DQ repeats the input's exactly and the operator reads dequantize(quantize(x)):

    qi_max_pool2d         Q/DQ(x) -> cat([x]) -> Q/DQ -> max_pool2d(2) -> Q/DQ, one scale
    qi_relu6              the same with hardtanh(0, 6), inputs 4 x standard normal (the clamp
                          at 6 is reached)
    qi_view               ... -> view(1, -1) -> Q/DQ
    qi_permute            ... -> permute(0, 2, 3, 1) -> Q/DQ
    qi_flatten            ... -> flatten(1) -> Q/DQ

Operators the quantizer does not annotate (hardswish, hardsigmoid, sigmoid, avg_pool2d,
pad, matmul, addmm) have no Q/DQ of their own in any graph, so they have no qi_* form: the
q_* models above are their tests.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def _build(module: nn.Module, seed: int, *shapes, scale=None, input_scales=None):
    """Randomized module (zoo._randomize), then `scale(module)` (weights of one branch
    multiplied so that binary operators see different scales), and standard normal inputs,
    input K multiplied by input_scales[K] when given. `input_scales` is also set on the
    module as `input_scales`, where export.py --quantize reads it to draw its calibration
    and test inputs with the same ranges (INPUT_SCALES_ATTR)."""
    import zoo

    gen = torch.Generator().manual_seed(seed)
    module = zoo._randomize(module, gen)
    if scale is not None:
        with torch.no_grad():
            scale(module)
    inputs = zoo._inputs(gen, *shapes)
    if input_scales is not None:
        inputs = tuple(x * float(f) for x, f in zip(inputs, input_scales))
        setattr(module, INPUT_SCALES_ATTR, tuple(float(f) for f in input_scales))
    return module.eval(), inputs


# Attribute of a module whose float inputs are not standard normal: one factor per
# forward() argument (export.py --quantize draws calibration and test inputs as standard
# normal times the factor).
INPUT_SCALES_ATTR = "input_scales"


IMAGE = (1, 4, 8, 8)


class Conv(nn.Module):
    def __init__(self, cin=4, cout=8, groups=1, relu=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, groups=groups)
        self.relu = nn.ReLU() if relu else None

    def forward(self, x):
        y = self.conv(x)
        return self.relu(y) if self.relu is not None else y


class Linear(nn.Module):
    def __init__(self, relu=False):
        super().__init__()
        self.fc = nn.Linear(16, 8)
        self.relu = nn.ReLU() if relu else None

    def forward(self, x):
        y = self.fc(x)
        return self.relu(y) if self.relu is not None else y


class Addmm(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 16)
        self.weight = nn.Parameter(torch.zeros(16, 8))
        self.bias = nn.Parameter(torch.zeros(8))
        self.fc2 = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc2(torch.addmm(self.bias, self.fc1(x), self.weight))


class Matmul(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_a = nn.Linear(16, 16)
        self.fc_b = nn.Linear(16, 16)
        self.fc_out = nn.Linear(4, 4)

    def forward(self, x):
        a, b = self.fc_a(x), self.fc_b(x)
        return self.fc_out(torch.matmul(a, b.transpose(1, 2)))


class Residual(nn.Module):
    def __init__(self, relu=False):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.relu = relu

    def forward(self, x):
        h = self.conv1(x)
        y = self.conv2(h) + h
        return F.relu(y) if self.relu else y


class Mul(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_a = nn.Conv2d(4, 8, 3, padding=1)
        self.conv_b = nn.Conv2d(4, 8, 3, padding=1)

    def forward(self, x):
        return self.conv_a(x) * self.conv_b(x)


class Cat(Mul):
    def forward(self, x):
        return torch.cat([self.conv_a(x), self.conv_b(x)], 1)


class SharedRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.relu(y), y


class Between(nn.Module):
    """conv1 -> op -> conv2: the operator between two quantized convolutions."""

    def __init__(self, op: nn.Module, cmid=8):
        super().__init__()
        self.conv1 = nn.Conv2d(4, cmid, 3, padding=1)
        self.op = op
        self.conv2 = nn.Conv2d(cmid, 8, 3, padding=1)

    def forward(self, x):
        return self.conv2(self.op(self.conv1(x)))


class After(nn.Module):
    """conv -> op (the graph output)."""

    def __init__(self, op: nn.Module, relu=False):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.relu = nn.ReLU() if relu else None
        self.op = op

    def forward(self, x):
        y = self.conv(x)
        if self.relu is not None:
            y = self.relu(y)
        return self.op(y)


class Pad(nn.Module):
    def forward(self, x):
        return F.pad(x, (1, 1, 1, 1))


class Reshape(nn.Module):
    """conv -> view / permute / flatten -> linear."""

    def __init__(self, how: str):
        super().__init__()
        self.how = how
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.fc = nn.Linear(8 if how == "permute" else 8 * 8 * 8, 10)

    def forward(self, x):
        y = self.conv(x)
        if self.how == "view":
            y = y.view(1, -1)
        elif self.how == "permute":
            y = y.permute(0, 2, 3, 1)
        else:
            y = torch.flatten(y, 1)
        return self.fc(y)


# --------------------------------------------------------------------------------------------
# Isolated models (qi_*): the operator reads the graph inputs, so that its operands are
# dequantize(quantize(graph input)), computed bit for bit alike by PyTorch and by an integer
# implementation, and its output is quantized and dequantized as the graph output.


class Binary(nn.Module):
    """add / mul (+ relu) / cat of the two graph inputs."""

    def __init__(self, how: str, relu=False):
        super().__init__()
        self.how = how
        self.relu = relu

    def forward(self, x, y):
        if self.how == "cat":
            return torch.cat([x, y], 1)
        z = x + y if self.how == "add" else x * y
        return F.relu(z) if self.relu else z


class Unary(nn.Module):
    """op(x) of the graph input."""

    def __init__(self, op: nn.Module):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op(x)


class CatThen(nn.Module):
    """op(cat([x])): the quantizer annotates the shared-parameter operators (relu6 /
    hardtanh, max_pool2d, view, permute, flatten) only after an annotated producer, never
    on a graph input. A one-tensor cat is annotated (its output shares the observer of its
    input), so its output is quantize(x) again exactly, with the input's scale and zero
    point, and the operator reads dequantize(quantize(x)) as if it read the graph input."""

    def __init__(self, op: nn.Module):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op(torch.cat([x], 1))


class View(nn.Module):
    def __init__(self, how: str):
        super().__init__()
        self.how = how

    def forward(self, y):
        if self.how == "view":
            return y.view(1, -1)
        if self.how == "permute":
            return y.permute(0, 2, 3, 1)
        return torch.flatten(y, 1)


# Second operand of the binary models: 3 times the first's range, so that the two inputs
# get different scales (cat shares one observer among its inputs: one scale still).
TWO_INPUTS = dict(input_scales=(1.0, 3.0))


def _times(attr: str, factor: float):
    def scale(module):
        for p in getattr(module, attr).parameters():
            p.mul_(factor)
    return scale


MODELS = {
    "q_conv2d": lambda seed=0: _build(Conv(), seed, IMAGE),
    "q_conv2d_relu": lambda seed=0: _build(Conv(relu=True), seed, IMAGE),
    "q_depthwise_conv2d": lambda seed=0: _build(Conv(8, 8, groups=8), seed, (1, 8, 8, 8)),
    "q_grouped_conv2d": lambda seed=0: _build(Conv(8, 8, groups=2), seed, (1, 8, 8, 8)),
    "q_linear": lambda seed=0: _build(Linear(), seed, (2, 16)),
    "q_linear_relu": lambda seed=0: _build(Linear(relu=True), seed, (2, 16)),
    "q_addmm": lambda seed=0: _build(Addmm(), seed, (2, 16)),
    "q_matmul": lambda seed=0: _build(Matmul(), seed, (1, 4, 16), scale=_times("fc_b", 4.0)),
    "q_add": lambda seed=0: _build(Residual(), seed, IMAGE, scale=_times("conv2", 4.0)),
    "q_add_relu": lambda seed=0: _build(Residual(relu=True), seed, IMAGE,
                                        scale=_times("conv2", 4.0)),
    "q_mul": lambda seed=0: _build(Mul(), seed, IMAGE, scale=_times("conv_b", 3.0)),
    "q_relu": lambda seed=0: _build(SharedRelu(), seed, IMAGE),
    "q_relu6": lambda seed=0: _build(After(nn.ReLU6()), seed, IMAGE),
    "q_hardswish": lambda seed=0: _build(Between(nn.Hardswish()), seed, IMAGE),
    "q_hardsigmoid": lambda seed=0: _build(Between(nn.Hardsigmoid()), seed, IMAGE),
    "q_sigmoid": lambda seed=0: _build(Between(nn.Sigmoid()), seed, IMAGE),
    "q_max_pool2d": lambda seed=0: _build(After(nn.MaxPool2d(2), relu=True), seed, IMAGE),
    "q_avg_pool2d": lambda seed=0: _build(Between(nn.AvgPool2d(2)), seed, IMAGE),
    "q_adaptive_avg_pool2d": lambda seed=0: _build(After(nn.AdaptiveAvgPool2d(2)), seed, IMAGE),
    "q_cat": lambda seed=0: _build(Cat(), seed, IMAGE, scale=_times("conv_b", 8.0)),
    "q_view": lambda seed=0: _build(Reshape("view"), seed, IMAGE),
    "q_permute": lambda seed=0: _build(Reshape("permute"), seed, IMAGE),
    "q_flatten": lambda seed=0: _build(Reshape("flatten"), seed, IMAGE),
    "q_pad": lambda seed=0: _build(Between(Pad()), seed, IMAGE),
}

# The q_* models whose operator already reads the graph input are isolated as they are:
# the qi_* names give the same builder (same graph, same weights and inputs).
ALREADY_ISOLATED = ("conv2d", "conv2d_relu", "depthwise_conv2d", "grouped_conv2d", "linear",
                    "linear_relu")

ISOLATED_MODELS = {
    "qi_add": lambda seed=0: _build(Binary("add"), seed, IMAGE, IMAGE, **TWO_INPUTS),
    "qi_add_relu": lambda seed=0: _build(Binary("add", relu=True), seed, IMAGE, IMAGE,
                                         **TWO_INPUTS),
    "qi_mul": lambda seed=0: _build(Binary("mul"), seed, IMAGE, IMAGE, **TWO_INPUTS),
    "qi_cat": lambda seed=0: _build(Binary("cat"), seed, IMAGE, IMAGE, **TWO_INPUTS),
    "qi_adaptive_avg_pool2d": lambda seed=0: _build(Unary(nn.AdaptiveAvgPool2d(2)), seed, IMAGE),
    "qi_max_pool2d": lambda seed=0: _build(CatThen(nn.MaxPool2d(2)), seed, IMAGE),
    # inputs 4 x standard normal, so that the clamp at 6 is reached
    "qi_relu6": lambda seed=0: _build(CatThen(nn.ReLU6()), seed, IMAGE, input_scales=(4.0,)),
    "qi_view": lambda seed=0: _build(CatThen(View("view")), seed, IMAGE),
    "qi_permute": lambda seed=0: _build(CatThen(View("permute")), seed, IMAGE),
    "qi_flatten": lambda seed=0: _build(CatThen(View("flatten")), seed, IMAGE),
}
ISOLATED_MODELS.update({"qi_" + op: MODELS["q_" + op] for op in ALREADY_ISOLATED})
MODELS.update(ISOLATED_MODELS)
