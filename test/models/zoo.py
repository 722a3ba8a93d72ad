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

import op_models
import quant_op_models


def _randomize(module: nn.Module, gen: torch.Generator) -> nn.Module:
    """Give every parameter and batch-norm buffer seeded, non-trivial values.

    Convolutions, linear layers, batch and layer norms get the values below; every other
    parameter (embeddings, RNN weights, attention projections, class tokens, layer scales,
    ...) afterwards, in named_parameters() order: embeddings standard normal, tensors of two
    or more dimensions normal with std 1/sqrt(fan_in) (fan_in = the size of one slice along
    the first dimension), others normal with std 0.1. Models made only of the first kind
    draw exactly what they drew before the second pass existed."""
    done = set()
    with torch.no_grad():
        for name, mod in module.named_modules():
            if isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)):
                done.update(id(p) for p in (mod.weight, mod.bias) if p is not None)
                fan_in = mod.weight[0].numel()
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=gen) / fan_in ** 0.5)
                if mod.bias is not None:
                    mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.1)
            elif isinstance(mod, nn.modules.batchnorm._BatchNorm):
                n = mod.num_features
                if mod.affine:
                    done.update((id(mod.weight), id(mod.bias)))
                    mod.weight.copy_(torch.rand(n, generator=gen) + 0.5)
                    mod.bias.copy_(torch.randn(n, generator=gen) * 0.2)
                if mod.track_running_stats:
                    mod.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
                    mod.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
                    mod.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=gen)))
            elif isinstance(mod, nn.LayerNorm) and mod.elementwise_affine:
                done.update((id(mod.weight), id(mod.bias)))
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=gen) + 0.5)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.2)
        embeddings = {id(m.weight) for m in module.modules() if isinstance(m, nn.Embedding)}
        for name, p in module.named_parameters():
            if id(p) in done:
                continue
            done.add(id(p))
            if id(p) in embeddings:
                p.copy_(torch.randn(p.shape, generator=gen))
            elif p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=gen) / p[0].numel() ** 0.5)
            else:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
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


class Gemm(nn.Module):
    """One fp32 matrix product, x[512, 512] @ W[512, 512]ᵀ (a bias-free linear layer): the
    GEMM of kiln-bench --gemm."""

    def __init__(self, n: int = 512):
        super().__init__()
        self.fc = nn.Linear(n, n, bias=False)

    def forward(self, x):
        return self.fc(x)


def build_gemm512(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(Gemm(512), gen), _inputs(gen, (512, 512))


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


# ----------------------------------------------------------------------------------------
# Issue 4: real-world models (torchvision classifiers, a transformer encoder, keyword
# spotting, recurrent classifiers).


class TransformerClassifier(nn.Module):
    """Token embedding + learned positional embedding, two post-norm encoder layers (the
    second with gelu), mean pooling over the sequence, a linear classifier."""

    def __init__(self, vocab: int = 1000, d_model: int = 128, seq: int = 16, classes: int = 10):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(1, seq, d_model))
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=256, batch_first=True),
            nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=256, batch_first=True,
                                       activation="gelu"),
        ])
        self.fc = nn.Linear(d_model, classes)

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.fc(x.mean(dim=1))


class KwsCNN(nn.Module):
    """Keyword spotting on 40 MFCC x 101 frames, 12 classes."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(40, 64, 3, padding=1)
        self.bn1 = nn.BatchNorm1d(64)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv1d(64, 64, 3, stride=2)
        self.bn2 = nn.BatchNorm1d(64)
        self.relu2 = nn.ReLU()
        self.pool = nn.AvgPool1d(2)
        self.conv3 = nn.Conv1d(64, 32, 3)
        self.relu3 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(32, 12)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.pool(self.relu2(self.bn2(self.conv2(x))))
        x = self.gap(self.relu3(self.conv3(x)))
        return self.fc(torch.flatten(x, 1))


class RNNClassifier(nn.Module):
    """A one-layer GRU or LSTM over [1, 20, 16] (batch first); the last time step's
    output goes through a linear layer (5 classes)."""

    def __init__(self, cell: str):
        super().__init__()
        self.rnn = (nn.GRU if cell == "gru" else nn.LSTM)(16, 32, batch_first=True)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


def build_transformer(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    module = _randomize(TransformerClassifier(), gen)
    with torch.no_grad():
        module.pos.copy_(torch.randn(module.pos.shape, generator=gen) * 0.5)
    return module, (torch.randint(0, 1000, (1, 16), generator=gen),)


def build_kws_cnn(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(KwsCNN(), gen), _inputs(gen, (1, 40, 101))


def build_gru(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(RNNClassifier("gru"), gen), _inputs(gen, (1, 20, 16))


def build_lstm(seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return _randomize(RNNClassifier("lstm"), gen), _inputs(gen, (1, 20, 16))


# torchvision classifiers. Built with weights=None (offline), then every parameter and
# batch-norm statistic is drawn from the seeded generator (_randomize). Input: one image at
# the crop size of the model's DEFAULT weights (299 for inception_v3, 600 for
# efficientnet_b7, ...), standard normal.
TORCHVISION_NAMED = ("mobilenet_v2", "mobilenet_v3_small", "resnet18", "squeezenet1_1",
                     "shufflenet_v2_x0_5", "efficientnet_b0")


def torchvision_models():
    """Every classification model of torchvision.models (80 in torchvision 0.14)."""
    import torchvision.models as tvm

    return list(tvm.list_models(module=tvm))


def torchvision_input_size(name: str) -> int:
    import torchvision.models as tvm

    return int(tvm.get_model_weights(name).DEFAULT.transforms.keywords["crop_size"])


def torchvision_model(name: str) -> nn.Module:
    """torchvision.models.<name>(weights=None), configured so that eval returns one tensor
    at the natural input size (no auxiliary heads, no weight init beyond _randomize)."""
    import torchvision.models as tvm

    if name not in torchvision_models():
        raise KeyError("torchvision %s has no classification model %r"
                       % (__import__("torchvision").__version__, name))
    kwargs = {}
    if name in ("inception_v3", "googlenet"):
        kwargs.update(aux_logits=False, init_weights=False)
    if name.startswith("vit_"):
        kwargs["image_size"] = torchvision_input_size(name)
    return tvm.get_model(name, weights=None, **kwargs)


def torchvision_num_params(name: str) -> int:
    """Parameter count of the model's DEFAULT weights (no model is built)."""
    import torchvision.models as tvm

    return int(tvm.get_model_weights(name).DEFAULT.meta["num_params"])


def build_torchvision(name: str, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    module = _randomize(torchvision_model(name), gen)
    size = torchvision_input_size(name)
    return module, _inputs(gen, (1, 3, size, size))


def _torchvision_builder(name: str):
    def build(seed: int = 0):
        return build_torchvision(name, seed)

    build.__name__ = "build_" + name
    return build


MODELS = {
    "mlp": build_mlp,
    "small_cnn": build_small_cnn,
    "residual_cnn": build_residual_cnn,
    "dtypes_passthrough": build_dtypes_passthrough,
    "bf16_mlp": build_bf16_mlp,
    "f16_elementwise": build_f16_elementwise,
    "int_arith": build_int_arith,
}

# Real-world models (issue 4), exported by name like MODELS but kept out of MODELS: the
# end-to-end layout sweep (test/e2e/check_layouts.py) compiles every MODELS entry with
# Kiln; a model moves there once Kiln runs it.
REAL_MODELS = {
    "transformer": build_transformer,
    "kws_cnn": build_kws_cnn,
    "gru": build_gru,
    "lstm": build_lstm,
    "gemm512": build_gemm512,
}
REAL_MODELS.update({name: _torchvision_builder(name) for name in TORCHVISION_NAMED})
# One model per operator family (op_models.py): math functions, comparisons and logic,
# integer arithmetic, tensor-level operators.
REAL_MODELS.update(op_models.MODELS)

# One model per pattern of the PT2E quantizer (quant_op_models.py), for export.py --quantize;
# they export as float models too.
QUANT_OP_MODELS = frozenset(quant_op_models.MODELS)
REAL_MODELS.update(quant_op_models.MODELS)

# Models check_roundtrip.py runs only when asked (--models): large weights, slow to write in
# every layout.
HEAVY = frozenset(TORCHVISION_NAMED)


def model_names():
    """Every model name export.py accepts besides `torchvision:<name>`."""
    return list(MODELS) + list(REAL_MODELS)


def get_builder(name: str):
    """The builder of a model name: MODELS, REAL_MODELS, or `torchvision:<name>` for any
    classification model of torchvision.models."""
    if name in MODELS:
        return MODELS[name]
    if name in REAL_MODELS:
        return REAL_MODELS[name]
    if name.startswith("torchvision:"):
        tv = name[len("torchvision:"):]
        if tv in torchvision_models():
            return _torchvision_builder(tv)
    raise KeyError(name)


def is_model(name: str) -> bool:
    try:
        get_builder(name)
    except KeyError:
        return False
    return True
