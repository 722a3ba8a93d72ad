#!/usr/bin/env python3
"""Model zoo for Kiln's test fixtures.

`MODELS` maps a name to a builder `build(seed) -> (module, example_inputs)`. Every builder
is deterministic for a given seed: weights, biases and batch-norm statistics are drawn
from a seeded generator and set to non-trivial values (batch-norm gamma away from 1,
beta/means away from 0, variances away from 1) so that every op changes the result. The
module is returned in eval() mode; `example_inputs` is a tuple of tensors (float32 unless
the model is about dtypes: dtypes_passthrough, bf16_mlp, f16_elementwise, int_arith).

Adding a model: write a builder and add it to MODELS. torchvision models can be built
here too (python3-torchvision), wrapped by `_randomize`.
"""

import torch
import torch.nn as nn


def _randomize(module: nn.Module, gen: torch.Generator) -> nn.Module:
    """Give every parameter and batch-norm buffer seeded, non-trivial values."""
    with torch.no_grad():
        for name, mod in module.named_modules():
            if isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)):
                fan_in = mod.weight[0].numel()
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=gen) / fan_in ** 0.5)
                if mod.bias is not None:
                    mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.1)
            elif isinstance(mod, nn.modules.batchnorm._BatchNorm):
                n = mod.num_features
                if mod.affine:
                    mod.weight.copy_(torch.rand(n, generator=gen) + 0.5)
                    mod.bias.copy_(torch.randn(n, generator=gen) * 0.2)
                if mod.track_running_stats:
                    mod.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
                    mod.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
                    mod.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=gen)))
            elif isinstance(mod, nn.LayerNorm) and mod.elementwise_affine:
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=gen) + 0.5)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.2)
    return module.eval()


def _inputs(gen: torch.Generator, *shapes):
    return tuple(torch.randn(s, generator=gen, dtype=torch.float32) for s in shapes)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(128, 64)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.relu2 = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.relu1(self.bn1(self.conv1(x))))
        x = self.relu2(self.bn2(self.conv2(x)))
        return self.fc(self.flatten(self.avgpool(x)))


class ResidualCNN(nn.Module):
    """Grouped conv, AvgPool2d, a residual add and in-place ReLUs."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(16)
        self.relu0 = nn.ReLU(inplace=True)
        self.gconv = nn.Conv2d(16, 16, 3, padding=1, groups=4, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU(inplace=True)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        y = self.relu0(self.bn0(self.stem(x)))
        z = self.bn1(self.gconv(y))
        z = self.relu1(z + y)
        z = self.pool(z)
        return self.fc(torch.flatten(z, 1))


def build_mlp(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(MLP(), gen), _inputs(gen, (2, 64))


def build_small_cnn(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(SmallCNN(), gen), _inputs(gen, (1, 3, 32, 32))


def build_residual_cnn(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(ResidualCNN(), gen), _inputs(gen, (1, 3, 16, 16))


# ----------------------------------------------------------------------------------------
# Dtype models: every dtype Kiln reads appears as an input, a buffer and/or an output.


def _ints(gen, shape, low, high, dtype):
    return torch.randint(low, high, shape, generator=gen).to(dtype)


class DtypesPassthrough(nn.Module):
    """Data movement only (no arithmetic): every input and buffer goes to an output through
    one view-like op or a clone, so the outputs cover int64, int32, int16, int8, uint8,
    bool, float16 and float64. The bfloat16 buffer is returned nowhere (numpy has no
    bfloat16): it is read by nothing, so it is a lifted input no node uses."""

    def __init__(self, gen: torch.Generator):
        super().__init__()
        # Persistent buffers; `w_f64` and `w_i32` are non-contiguous (transposed storage),
        # `w_u8` is a view at a non-zero storage offset.
        self.register_buffer("w_i64", _ints(gen, (2, 3), -1000, 1000, torch.int64))
        self.register_buffer("w_i32", _ints(gen, (2, 3), -100000, 100000, torch.int32).t())
        self.register_buffer("w_i16", _ints(gen, (3, 2), -30000, 30000, torch.int16))
        self.register_buffer("w_i8", _ints(gen, (2, 3, 2), -128, 128, torch.int8))
        self.register_buffer("w_u8", _ints(gen, (8,), 0, 256, torch.uint8)[2:])
        self.register_buffer("w_bool", torch.rand((2, 3), generator=gen) < 0.5)
        self.register_buffer("w_f16", torch.randn((3, 2), generator=gen).to(torch.float16))
        self.register_buffer("w_bf16", torch.randn((2, 3), generator=gen).to(torch.bfloat16))
        self.register_buffer("w_f64", torch.randn((3, 2), generator=gen, dtype=torch.float64).t())

    def forward(self, x_i64, x_i32, x_i16, x_i8, x_u8, x_bool, x_f16):
        return (
            x_i64.view(3, 2),
            x_i32.permute(1, 0),
            x_i16.t(),
            x_i8.flatten(),
            x_u8.unsqueeze(0),
            x_bool.clone(),
            x_f16.reshape(6),
            self.w_i64.clone(),
            self.w_i32.t(),
            self.w_i16.unsqueeze(1).squeeze(1),
            self.w_i8.permute(2, 0, 1),
            self.w_u8.view(2, 3),
            self.w_bool.t(),
            self.w_f16.flatten(),
            self.w_f64.t(),
        )


class F16Elementwise(nn.Module):
    def forward(self, a, b, c):
        return a * b + c, a - c * 2


class IntArith(nn.Module):
    """An integer computation (Kiln refuses it: used for an error test)."""

    def forward(self, x):
        return x + 1


def build_dtypes_passthrough(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    module = DtypesPassthrough(gen).eval()
    inputs = (
        _ints(gen, (2, 3), -1000, 1000, torch.int64),
        _ints(gen, (2, 3), -100000, 100000, torch.int32),
        _ints(gen, (2, 3), -30000, 30000, torch.int16),
        _ints(gen, (2, 3, 2), -128, 128, torch.int8),
        _ints(gen, (2, 3), 0, 256, torch.uint8),
        torch.rand((2, 3), generator=gen) < 0.5,
        torch.randn((2, 3), generator=gen).to(torch.float16),
    )
    return module, inputs


def build_bf16_mlp(seed: int = 0):
    """mlp in bfloat16 (parameters and input). numpy has no bfloat16: export.py writes the
    input and expected output as float32 arrays holding the bfloat16 values exactly."""
    gen = torch.Generator().manual_seed(seed)
    module = _randomize(MLP(), gen).to(torch.bfloat16)
    return module, tuple(t.to(torch.bfloat16) for t in _inputs(gen, (2, 64)))


def build_f16_elementwise(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    inputs = _inputs(gen, (4, 8), (4, 8), (4, 8))
    return F16Elementwise().eval(), tuple(t.to(torch.float16) for t in inputs)


def build_int_arith(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return IntArith().eval(), (_ints(gen, (2, 3), -100, 100, torch.int64),)


MODELS = {
    "mlp": build_mlp,
    "small_cnn": build_small_cnn,
    "residual_cnn": build_residual_cnn,
    "dtypes_passthrough": build_dtypes_passthrough,
    "bf16_mlp": build_bf16_mlp,
    "f16_elementwise": build_f16_elementwise,
    "int_arith": build_int_arith,
}
