#!/usr/bin/env python3
"""Run one ATen operator, named by a torch >= 2.9 schema, with torch 1.13's kernels.

`call(schema, args)` takes the operator's schema (from aten.schemas, or torch 1.13's own)
and a complete dict of concrete arguments (tensors, ints, lists, dtypes) keyed by schema
argument name, and returns a list with one entry per schema return.

Most operators exist in torch 1.13 under the same name and overload; their arguments are
matched by name against 1.13's schema, so an argument 2.9 added with its default value is
ignored, and an argument 2.9 dropped is filled with 1.13's default. Operators that are
new in 2.9 (or changed incompatibly) have an entry in COMPAT, and so do the PT2E
quantization operators (`quantized_decomposed::quantize_per_tensor`, ...,
FORMATS.md §6), which torch 1.13 lacks.
"""

from typing import Any, Callable, Dict, List, Optional

import torch

import schemas
from torch_enums import default_to_torch


class UnknownOperator(Exception):
    pass


COMPAT: Dict[str, Callable[[Dict[str, Any]], Any]] = {}


def compat(key: str):
    def register(fn):
        COMPAT[key] = fn
        return fn

    return register


@compat("aten::_native_batch_norm_legit_no_training.default")
def _bn_legit_no_training(a):
    return torch.ops.aten.native_batch_norm.default(
        a["input"], a["weight"], a["bias"], a["running_mean"], a["running_var"], False,
        a["momentum"], a["eps"])


@compat("aten::_native_batch_norm_legit.default")
def _bn_legit(a):
    return torch.ops.aten.native_batch_norm.default(
        a["input"], a["weight"], a["bias"], a["running_mean"], a["running_var"], a["training"],
        a["momentum"], a["eps"])


@compat("aten::_native_batch_norm_legit.no_stats")
def _bn_legit_no_stats(a):
    return torch.ops.aten.native_batch_norm.default(
        a["input"], a["weight"], a["bias"], None, None, a["training"], a["momentum"], a["eps"])


@compat("aten::_native_batch_norm_legit_functional.default")
def _bn_legit_functional(a):
    # Functional form: the updated running statistics are extra outputs.
    rm, rv = a["running_mean"].clone(), a["running_var"].clone()
    out, mean, invstd = torch.ops.aten.native_batch_norm.default(
        a["input"], a["weight"], a["bias"], rm, rv, a["training"], a["momentum"], a["eps"])
    return out, mean, invstd, rm, rv


@compat("aten::scaled_dot_product_attention.default")
def _sdpa(a):
    """The math reference of scaled_dot_product_attention (not in torch 1.13)."""
    q, k, v, mask = a["query"], a["key"], a["value"], a["attn_mask"]
    if a["dropout_p"] != 0.0:
        raise UnknownOperator("scaled_dot_product_attention with dropout_p != 0")
    if a["enable_gqa"] and q.shape[-3] != k.shape[-3]:
        rep = q.shape[-3] // k.shape[-3]
        k = k.repeat_interleave(rep, dim=-3)
        v = v.repeat_interleave(rep, dim=-3)
    scale = a["scale"] if a["scale"] is not None else 1.0 / (q.shape[-1] ** 0.5)
    scores = torch.matmul(q, k.transpose(-2, -1)) * scale
    L, S = q.shape[-2], k.shape[-2]
    if a["is_causal"]:
        causal = torch.ones(L, S, dtype=torch.bool).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    return torch.matmul(torch.softmax(scores, dim=-1), v)


@compat("aten::any.dims")
def _any_dims(a):
    x = a["self"]
    dims = a["dim"] if a["dim"] is not None else list(range(x.dim()))
    out = x.bool()
    for d in sorted((d % max(x.dim(), 1) for d in dims), reverse=True):
        out = out.any(dim=d, keepdim=a["keepdim"])
    return out


@compat("aten::squeeze.dims")
def _squeeze_dims(a):
    out = a["self"]
    for d in sorted((d % max(out.dim(), 1) for d in a["dim"]), reverse=True):
        out = torch.ops.aten.squeeze.dim(out, d)
    return out


@compat("aten::squeeze_copy.dims")
def _squeeze_copy_dims(a):
    return _squeeze_dims(a).clone()


@compat("aten::conv2d.padding")
def _conv2d_padding(a):
    return torch.ops.aten.conv2d.padding(a["input"], a["weight"], a["bias"], a["stride"],
                                         a["padding"], a["dilation"], a["groups"])


# ----------------------------------------------------------------------------------------
# quantized_decomposed:: (PT2E quantization, FORMATS.md §6). torch 1.13 has no such
# library (torch/ao/quantization/fx/_decomposed.py came with 2.1), so the operators are
# written here from their documented numerics:
#   quantize    clamp(round(x * (1.0 / scale)) + zero_point, quant_min, quant_max).to(dtype)
#               (round half to even; 1.0 / scale in Python double for a float scale, then
#               multiplied with the float32 tensor; fp16/bf16 inputs are upcast to float32)
#   dequantize  (q.to(out_dtype or float32) - zero_point) * scale
# Per channel, `axis` selects the dimension the 1-D scales / zero points run along.
# quant_min / quant_max / dtype of a dequantize are metadata (checked, not used).

_QUANT_BOUNDS = {torch.int8: (-128, 127), torch.uint8: (0, 255), torch.int16: (-32768, 32767),
                 torch.int32: (-(1 << 31), (1 << 31) - 1)}


def _check_qrange(a):
    dtype = a["dtype"]
    if dtype not in _QUANT_BOUNDS:
        raise UnknownOperator("quantized dtype %s is not supported" % dtype)
    lo, hi = _QUANT_BOUNDS[dtype]
    if not lo <= a["quant_min"] <= a["quant_max"] <= hi:
        raise UnknownOperator("quant_min/quant_max %d/%d outside %s's range [%d, %d]"
                              % (a["quant_min"], a["quant_max"], dtype, lo, hi))


def _float_input(x):
    if x.dtype in (torch.float16, torch.bfloat16):
        x = x.to(torch.float32)
    if x.dtype != torch.float32:
        raise UnknownOperator("quantize of a %s tensor (float32 expected)" % x.dtype)
    return x


def quantize_per_tensor_value(x, scale: float, zero_point: int, quant_min: int, quant_max: int,
                              dtype):
    inv_scale = 1.0 / scale  # Python double, as the reference implementation
    return torch.clamp(torch.round(_float_input(x) * inv_scale) + zero_point,
                       quant_min, quant_max).to(dtype)


def dequantize_per_tensor_value(q, scale: float, zero_point: int, dtype, out_dtype=None):
    if q.dtype != dtype:
        raise UnknownOperator("dequantize of a %s tensor declared %s" % (q.dtype, dtype))
    return (q.to(out_dtype or torch.float32) - zero_point) * scale


def _scalar_qparams(a):
    scale, zp = a["scale"], a["zero_point"]
    if scale.numel() != 1 or zp.numel() != 1:
        raise UnknownOperator("tensor scale/zero_point of a per-tensor op must have one element")
    return scale.item(), zp.item()


@compat("quantized_decomposed::quantize_per_tensor.default")
def _quantize_per_tensor(a):
    _check_qrange(a)
    return quantize_per_tensor_value(a["input"], a["scale"], a["zero_point"], a["quant_min"],
                                     a["quant_max"], a["dtype"])


@compat("quantized_decomposed::quantize_per_tensor.tensor")
def _quantize_per_tensor_tensor(a):
    _check_qrange(a)
    scale, zp = _scalar_qparams(a)
    return quantize_per_tensor_value(a["input"], scale, zp, a["quant_min"], a["quant_max"],
                                     a["dtype"])


@compat("quantized_decomposed::dequantize_per_tensor.default")
def _dequantize_per_tensor(a):
    _check_qrange(a)
    return dequantize_per_tensor_value(a["input"], a["scale"], a["zero_point"], a["dtype"],
                                       a.get("out_dtype"))


@compat("quantized_decomposed::dequantize_per_tensor.tensor")
def _dequantize_per_tensor_tensor(a):
    _check_qrange(a)
    scale, zp = _scalar_qparams(a)
    return dequantize_per_tensor_value(a["input"], scale, zp, a["dtype"], a.get("out_dtype"))


def _channel_view(t, x, axis):
    """1-D per-channel `t` shaped to broadcast along `axis` of `x`."""
    if t.dim() != 1 or t.shape[0] != x.shape[axis]:
        raise UnknownOperator("per-channel parameters of shape %s for axis %d of %s"
                              % (list(t.shape), axis, list(x.shape)))
    shape = [1] * x.dim()
    shape[axis] = t.shape[0]
    return t.reshape(shape)


@compat("quantized_decomposed::quantize_per_channel.default")
def _quantize_per_channel(a):
    _check_qrange(a)
    x = _float_input(a["input"])
    axis = a["axis"] % x.dim()
    inv = 1.0 / _channel_view(a["scales"], x, axis)  # float32 reciprocal of each scale
    zp = _channel_view(a["zero_points"], x, axis)
    return torch.clamp(torch.round(x * inv) + zp, a["quant_min"], a["quant_max"]).to(a["dtype"])


@compat("quantized_decomposed::dequantize_per_channel.default")
def _dequantize_per_channel(a):
    _check_qrange(a)
    q = a["input"]
    if q.dtype != a["dtype"]:
        raise UnknownOperator("dequantize of a %s tensor declared %s" % (q.dtype, a["dtype"]))
    axis = a["axis"] % q.dim()
    scales = _channel_view(a["scales"], q, axis)
    out = q.to(torch.int64)
    if a["zero_points"] is not None:
        out = out - _channel_view(a["zero_points"], q, axis)
    return (out * scales).to(a.get("out_dtype") or torch.float32)


def choose_qparams_value(x, quant_min: int, quant_max: int, eps: float):
    """Asymmetric per-tensor qparams of `x` (dynamic quantization): min' = min(min(x), 0),
    max' = max(max(x), 0), scale = max((max' - min') / (qmax - qmin), eps) computed in
    float32, zero_point = clamp(qmin - round(min' / scale), qmin, qmax). Returns
    (scale float64 [1], zero_point int64 [1])."""
    x = _float_input(x)
    lo, hi = torch.aminmax(x)
    lo = torch.minimum(lo, torch.zeros_like(lo))
    hi = torch.maximum(hi, torch.zeros_like(hi))
    scale = (hi - lo) / float(quant_max - quant_min)
    scale = torch.maximum(scale, torch.tensor([eps], dtype=torch.float32))
    zero_point = quant_min - torch.round(lo / scale).to(torch.int32)
    zero_point = torch.clamp(zero_point, quant_min, quant_max)
    return scale.to(torch.float64), zero_point.to(torch.int64)


@compat("quantized_decomposed::choose_qparams.tensor")
def _choose_qparams_tensor(a):
    _check_qrange(a)
    if a["input"].numel() == 0:
        raise UnknownOperator("choose_qparams of an empty tensor")
    return choose_qparams_value(a["input"], a["quant_min"], a["quant_max"], a["eps"])


@compat("quantized_decomposed::choose_qparams_symmetric.tensor")
def _choose_qparams_symmetric_tensor(a):
    """Symmetric variant: scale = max(max(|min'|, max') / ((qmax - qmin) / 2), eps),
    zero_point 0."""
    _check_qrange(a)
    x = _float_input(a["input"])
    lo, hi = torch.aminmax(x)
    amax = torch.maximum(-torch.minimum(lo, torch.zeros_like(lo)),
                         torch.maximum(hi, torch.zeros_like(hi)))
    scale = amax / (float(a["quant_max"] - a["quant_min"]) / 2)
    scale = torch.maximum(scale, torch.tensor([a["eps"]], dtype=torch.float32))
    zero_point = 128 if a["dtype"] == torch.uint8 else 0
    return scale.to(torch.float64), torch.full((1,), zero_point, dtype=torch.int64)


_OP_SCHEMA_CACHE: Dict[str, schemas.Schema] = {}


def torch_op(namespace: str, name: str, overload: str):
    """torch.ops.<ns>.<name>.<overload> in this torch, or None."""
    try:
        packet = getattr(getattr(torch.ops, namespace), name)
    except (AttributeError, RuntimeError):
        return None
    try:
        return getattr(packet, overload)
    except (AttributeError, RuntimeError):
        return None


def torch_schema(op) -> schemas.Schema:
    """torch 1.13's schema of an OpOverload, parsed by schemas.py."""
    text = str(op._schema)
    s = _OP_SCHEMA_CACHE.get(text)
    if s is None:
        s = schemas.parse_schema(text)
        _OP_SCHEMA_CACHE[text] = s
    return s


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _normalize_result(schema: schemas.Schema, res) -> List[Any]:
    if len(schema.returns) == 1:
        r = schema.returns[0].type
        if r.is_list:
            return [list(res)]
        return [res]
    if len(schema.returns) == 0:
        return []
    return list(res)


def call(schema: schemas.Schema, args: Dict[str, Any]) -> List[Any]:
    key = schema.key
    fn = COMPAT.get(key)
    if fn is not None:
        return _normalize_result(schema, fn(args))
    op = torch_op(schema.namespace, schema.name, schema.overload_name)
    if op is None:
        raise UnknownOperator("operator %s has no torch %s kernel and no COMPAT entry"
                              % (key, torch.__version__))
    old = torch_schema(op)
    old_names = {a.name for a in old.arguments}
    for a in schema.arguments:
        if a.name not in old_names and a.name in args:
            if not (a.has_default and _same(args[a.name], default_to_torch(a.default))):
                raise UnknownOperator(
                    "operator %s: argument %r=%r has no equivalent in torch %s's schema %s"
                    % (key, a.name, args[a.name], torch.__version__, old.text))
    positional, kwargs = [], {}
    for a in old.arguments:
        if a.name in args:
            v = args[a.name]
        elif a.has_default:
            v = default_to_torch(a.default)
        else:
            raise UnknownOperator("operator %s: torch %s needs argument %r that the graph lacks"
                                  % (key, torch.__version__, a.name))
        if a.kwarg_only:
            kwargs[a.name] = v
        else:
            positional.append(v)
    return _normalize_result(old, op(*positional, **kwargs))


def clone_with_layout(t: torch.Tensor) -> torch.Tensor:
    """A copy of `t` with its own storage (a copy of t's whole storage) and t's sizes,
    strides and storage offset, so that views computed from it have the layouts that
    tracing the original tensor records."""
    t = t.detach()
    storage = t.storage().clone()
    return torch.empty(0, dtype=t.dtype, device=t.device).set_(
        storage, t.storage_offset(), t.size(), t.stride())


def run_program(prog, inputs, grad: bool = False, on_value=None, override=None):
    """Evaluate a graph_ir.Program on `inputs`; returns its outputs.

    With grad=True parameters require grad, so that the requires_grad of every value is
    what tracing with autograd enabled (as torch.export does) records; autograd saves no
    tensor for a backward pass that never runs. `on_value(value, tensor)` is called for
    each placeholder and node result as it is computed. Each value is released after its
    last use, so memory holds the weights and the live activations, not every activation
    of the graph (tens of GB for ViT-H/14 at 518 x 518). `override(node, args)` may return
    a node's results instead of aten_eval.call (None: call as usual); quantize.py runs its
    observers this way. A parameter whose tensor has requires_grad False (a bias made by
    folding batch norm into a bias-free convolution) stays so under grad=True.
    """
    from graph_ir import Value, is_mutating

    last_use: Dict[int, int] = {}
    for i, node in enumerate(prog.nodes):
        for v in node.input_values():
            last_use[id(v)] = i
    for v in prog.outputs:
        last_use[id(v)] = len(prog.nodes)
    dead_after: Dict[int, List[int]] = {}
    for vid, i in last_use.items():
        dead_after.setdefault(i, []).append(vid)

    env: Dict[int, Any] = {}

    def bind(v, t):
        if id(v) in last_use:  # an unused value is not kept
            env[id(v)] = t
        if on_value is not None:
            on_value(v, t)

    user_inputs = iter(inputs)
    # Lifted state keeps its layout (non-contiguous buffers, storage offsets, shared
    # storages), as the placeholders of torch.export describe the tensors themselves. It is
    # used in place (detached) unless a node may write to it: a copy of every weight would
    # double the memory that exporting a 2.5 GB model takes.
    copy_state = any(is_mutating(n.schema) for n in prog.nodes)
    for spec in prog.input_specs:
        if spec.kind == "user_input":
            t = next(user_inputs)
        elif spec.target in prog.state_dict:
            t = prog.state_dict[spec.target]
        else:
            t = prog.constants[spec.target]
        if spec.kind == "user_input":
            t = t.detach().clone()
        else:
            t = clone_with_layout(t) if copy_state else t.detach()
        if grad and spec.kind == "parameter" and t.is_floating_point() and \
                getattr(prog.state_dict.get(spec.target), "requires_grad", True):
            t.requires_grad_(True)
        bind(spec.value, t)

    def resolve(x):
        if isinstance(x, Value):
            return env[id(x)]
        if isinstance(x, list):
            return [resolve(e) for e in x]
        return x

    def discard(_):
        return None

    with torch.set_grad_enabled(grad), \
            torch.autograd.graph.saved_tensors_hooks(discard, discard):
        for i, node in enumerate(prog.nodes):
            args = {k: resolve(v) for k, v in node.args.items()}
            results = override(node, args) if override is not None else None
            if results is None:
                results = call(node.schema, args)
            for out, r in zip(node.outputs, results):
                if isinstance(out, Value):
                    bind(out, r)
                elif isinstance(out, list):
                    for v, t in zip(out, r):
                        bind(v, t)
            for vid in dead_after.get(i, ()):
                env.pop(vid, None)
        return [env[id(v)] for v in prog.outputs]
