#!/usr/bin/env python3
"""Rewrite captured torch 1.13 operators into torch >= 2.9's names and argument layouts.

One rule table per IR maps a torch 1.13 operator (`aten::t.default`) to a function that
returns the replacement nodes, built against schemas from aten.schemas. An operator
without a rule keeps its name and overload; its arguments are then matched by name. Every
operator emitted must be in aten.schemas; the ones that are not are collected and reported
together (RewriteError.missing).

Adding an operator is usually one line: `retarget("aten::new.overload", rename=..., drop=...,
set=...)` for a renamed op, or a small function for anything structural.
"""

from typing import Any, Callable, Dict, Iterable, List, Optional

import schemas
from graph_ir import Node, Program, Value
from torch_enums import complete_arguments, default_to_torch


class RewriteError(Exception):
    def __init__(self, message: str, missing: Iterable[str] = ()):
        super().__init__(message)
        self.missing = sorted(set(missing))


class Context:
    def __init__(self, table: schemas.SchemaTable):
        self.table = table
        self.missing: List[str] = []
        self.aliases: Dict[int, Value] = {}

    def schema(self, key: str) -> Optional[schemas.Schema]:
        s = self.table.get(key)
        if s is None:
            self.missing.append(key)
        return s

    def make(self, key: str, args: Dict[str, Any], outputs: List[Any], like: Node) -> List[Node]:
        """A node of `key` with `args` completed from the 2.9 schema's defaults."""
        s = self.schema(key)
        if s is None:
            return []
        full, missing = complete_arguments(s, args)
        if missing:
            raise RewriteError("%s: rewriting %s gives no value for argument %r"
                               % (key, like.key, missing))
        extra = set(args) - set(full)
        if extra:
            raise RewriteError("%s has no argument(s) %s (rewriting %s)"
                               % (key, ", ".join(sorted(extra)), like.key))
        if len(outputs) != len(s.returns):
            raise RewriteError("%s returns %d values, %s gave %d"
                               % (key, len(s.returns), like.key, len(outputs)))
        return [Node(s, full, outputs, meta=dict(like.meta))]

    def alias(self, old: Value, new: Value) -> None:
        """Uses of `old` read `new` instead (the node defining `old` goes away)."""
        self.aliases[id(old)] = new


Rule = Callable[[Context, Node], List[Node]]


def _same_value(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def retarget(key: Optional[str] = None, rename: Optional[Dict[str, str]] = None,
             drop: Iterable[str] = (), set: Optional[Dict[str, Any]] = None) -> Rule:
    """Rule: same arguments, matched by name, under operator `key` (default: unchanged).

    rename: new argument name -> old argument name.
    drop:   old arguments that have no 2.9 equivalent and are ignored whatever their value.
    set:    new arguments given a fixed value.
    Any other old argument missing from the new schema must hold the value of its 1.13
    default, or the rewrite fails.
    """
    rename = dict(rename or {})
    drop = frozenset(drop)
    fixed = dict(set or {})

    def rule(ctx: Context, node: Node) -> List[Node]:
        target = key or node.key
        s = ctx.schema(target)
        if s is None:
            return []
        new_names = {a.name for a in s.arguments}
        taken = {rename.get(n, n) for n in new_names}
        args = {}
        for new in new_names:
            old = rename.get(new, new)
            if new in fixed:
                args[new] = fixed[new]
            elif old in node.args:
                args[new] = node.args[old]
        for a in node.schema.arguments:
            if a.name in taken or a.name in drop:
                continue
            v = node.args[a.name]
            if not (a.has_default and _same_value(v, default_to_torch(a.default))):
                raise RewriteError("%s: argument %r=%r has no counterpart in %s"
                                   % (node.key, a.name, v, target))
        return ctx.make(target, args, node.outputs, node)

    return rule


same = retarget()


# ----------------------------------------------------------------------------------------
# Rules for the core ATen IR (make_fx + functionalize  ->  ep.run_decompositions())


def _t_to_permute(ctx: Context, node: Node) -> List[Node]:
    # Core ATen decomposes t (2-D) into permute(self, [1, 0]).
    return ctx.make("aten::permute.default", {"self": node.args["self"], "dims": [1, 0]},
                    node.outputs, node)


def _transpose_to_permute(ctx: Context, node: Node) -> List[Node]:
    rank = len(node.meta["arg_shapes"]["self"])
    d0, d1 = node.args["dim0"] % rank, node.args["dim1"] % rank
    dims = list(range(rank))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return ctx.make("aten::permute.default", {"self": node.args["self"], "dims": dims},
                    node.outputs, node)


def _native_batch_norm(ctx: Context, node: Node) -> List[Node]:
    a = node.args
    if a["training"]:
        raise RewriteError("native_batch_norm with training=True: export the module in eval()")
    if a["running_mean"] is None or a["running_var"] is None:
        raise RewriteError("native_batch_norm without running statistics is not supported")
    args = {k: a[k] for k in ("input", "weight", "bias", "running_mean", "running_var",
                              "momentum", "eps")}
    return ctx.make("aten::_native_batch_norm_legit_no_training.default", args, node.outputs, node)


def _alias_of_self(ctx: Context, node: Node) -> List[Node]:
    ctx.alias(node.outputs[0], node.args["self"])
    return []


def _split_to_sizes(ctx: Context, node: Node) -> List[Node]:
    """Core decomposes split.Tensor (what chunk calls) into split_with_sizes, the last piece
    taking the remainder (torch/_decomp split)."""
    dim = node.args["dim"]
    shape = node.meta["arg_shapes"]["self"]
    length, size = shape[dim], node.args["split_size"]
    if size == 0:
        if length != 0:
            raise RewriteError("split.Tensor: split_size 0 of a non-empty dimension")
        sizes = [0]
    else:
        chunks = (length + size - 1) // size
        sizes = [size] * chunks
        sizes[-1] = size - (size * chunks - length)
    return ctx.make("aten::split_with_sizes.default",
                    {"self": node.args["self"], "split_sizes": sizes, "dim": dim},
                    node.outputs, node)


def _zeros_to_full(ctx: Context, node: Node) -> List[Node]:
    """torch/_refs zeros: torch.full(size, 0 (False for bool), dtype (the default dtype if
    none), layout (strided if none), device, pin_memory)."""
    import torch

    a = node.args
    dtype = a["dtype"] if a["dtype"] is not None else torch.get_default_dtype()
    return ctx.make("aten::full.default", {
        "size": a["size"], "fill_value": False if dtype == torch.bool else 0, "dtype": dtype,
        "layout": a["layout"] if a["layout"] is not None else torch.strided,
        "device": a["device"], "pin_memory": a["pin_memory"] if a["pin_memory"] is not None
        else False}, node.outputs, node)


def _new_zeros_to_full(ctx: Context, node: Node) -> List[Node]:
    """torch/_refs new_zeros: torch.full(size, 0 (False for bool), dtype/layout/device of
    self unless given, pin_memory). make_fx records new_zeros with all of them given."""
    import torch

    a = node.args
    dtype = a["dtype"]
    if dtype is None:
        raise RewriteError("new_zeros without a dtype (make_fx records the dtype of self)")
    return ctx.make("aten::full.default", {
        "size": a["size"], "fill_value": False if dtype == torch.bool else 0, "dtype": dtype,
        "layout": a["layout"] if a["layout"] is not None else torch.strided,
        "device": a["device"] if a["device"] is not None else torch.device("cpu"),
        "pin_memory": a["pin_memory"] if a["pin_memory"] is not None else False},
        node.outputs, node)


class _Chain:
    """Builds a sequence of nodes for one decomposition; `call` returns the new value."""

    def __init__(self, ctx: Context, like: Node):
        self.ctx, self.like, self.nodes = ctx, like, []

    def call(self, key: str, args: Dict[str, Any], out: Optional[Value] = None) -> Value:
        out = out if out is not None else Value(key.split("::")[1].split(".")[0])
        self.nodes.extend(self.ctx.make(key, args, [out], self.like))
        return out


def _hardsigmoid_core(chain: _Chain, x) -> Value:
    # torch.clamp(torch.clamp(self + 3, min=0), max=6) / 6
    y = chain.call("aten::add.Tensor", {"self": x, "other": 3})
    y = chain.call("aten::clamp.default", {"self": y, "min": 0})
    y = chain.call("aten::clamp.default", {"self": y, "max": 6})
    return y


def _hardswish(ctx: Context, node: Node) -> List[Node]:
    """torch/_decomp hardswish: self * clamp(clamp(self + 3, min=0), max=6) / 6."""
    chain = _Chain(ctx, node)
    x = node.args["self"]
    y = _hardsigmoid_core(chain, x)
    y = chain.call("aten::mul.Tensor", {"self": x, "other": y})
    chain.call("aten::div.Tensor", {"self": y, "other": 6}, node.outputs[0])
    return chain.nodes


def _hardsigmoid(ctx: Context, node: Node) -> List[Node]:
    """torch/_decomp hardsigmoid: clamp(clamp(self + 3, min=0), max=6) / 6."""
    chain = _Chain(ctx, node)
    y = _hardsigmoid_core(chain, node.args["self"])
    chain.call("aten::div.Tensor", {"self": y, "other": 6}, node.outputs[0])
    return chain.nodes


def _silu(ctx: Context, node: Node) -> List[Node]:
    """torch/_decomp silu: self * sigmoid(self)."""
    chain = _Chain(ctx, node)
    x = node.args["self"]
    y = chain.call("aten::sigmoid.default", {"self": x})
    chain.call("aten::mul.Tensor", {"self": x, "other": y}, node.outputs[0])
    return chain.nodes


CORE_RULES: Dict[str, Rule] = {
    "aten::t.default": _t_to_permute,
    "aten::transpose.int": _transpose_to_permute,
    "aten::native_batch_norm.default": _native_batch_norm,
    "aten::_reshape_alias.default": retarget("aten::view.default", drop=["stride"]),
    "aten::_unsafe_view.default": retarget("aten::view.default"),
    "aten::squeeze.dim": lambda ctx, n: ctx.make(
        "aten::squeeze.dims", {"self": n.args["self"], "dim": [n.args["dim"]]}, n.outputs, n),
    "aten::detach.default": _alias_of_self,
    "aten::lift_fresh_copy.default": retarget("aten::clone.default"),
    "aten::split.Tensor": _split_to_sizes,
    "aten::zeros.default": _zeros_to_full,
    "aten::new_zeros.default": _new_zeros_to_full,
    # Not core: torch's core decomposition table decomposes them.
    "aten::hardswish.default": _hardswish,
    "aten::hardsigmoid.default": _hardsigmoid,
    "aten::silu.default": _silu,
}


# ----------------------------------------------------------------------------------------
# Rules for the training IR (torch.jit.trace  ->  torch.export.export)


def _convolution(ctx: Context, node: Node) -> List[Node]:
    """The tracer records every convolution as _convolution; export keeps conv{1,2,3}d."""
    a = node.args
    nd = len(a["stride"])
    if a["transposed"]:
        key = "aten::conv_transpose1d.default" if nd == 1 else "aten::conv_transpose%dd.input" % nd
        names = ("input", "weight", "bias", "stride", "padding", "output_padding", "groups",
                 "dilation")
    else:
        if any(p != 0 for p in a["output_padding"]):
            raise RewriteError("_convolution: output_padding without transposed")
        key = "aten::conv%dd.default" % nd
        names = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
    return ctx.make(key, {k: a[k] for k in names}, node.outputs, node)


def _convolution_mode(ctx: Context, node: Node) -> List[Node]:
    """padding='same'/'valid' convolutions: conv{1,2,3}d.padding."""
    a = node.args
    nd = len(a["stride"])
    names = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
    return ctx.make("aten::conv%dd.padding" % nd, {k: a[k] for k in names}, node.outputs, node)


def _sdpa(ctx: Context, node: Node) -> List[Node]:
    """torch 1.13's private _scaled_dot_product_attention (output, attention weights) is
    2.x's scaled_dot_product_attention (output) when the weights are not asked for."""
    a = node.args
    if a["need_attn_weights"]:
        raise RewriteError("_scaled_dot_product_attention with need_attn_weights=True has no "
                           "torch >= 2.0 equivalent")
    return ctx.make("aten::scaled_dot_product_attention.default",
                    {k: a[k] for k in ("query", "key", "value", "attn_mask", "dropout_p",
                                       "is_causal")},
                    node.outputs[:1], node)


def _std_var_dim(key: str) -> Rule:
    """std.dim / var.dim (unbiased: bool) -> std.correction / var.correction: torch >= 2.0
    routes every std/var overload to the correction form before export sees it."""
    def rule(ctx: Context, node: Node) -> List[Node]:
        a = node.args
        return ctx.make(key, {"self": a["self"], "dim": a["dim"],
                              "correction": 1 if a.get("unbiased", True) else 0,
                              "keepdim": a.get("keepdim", False)}, node.outputs, node)
    return rule


TRAINING_RULES: Dict[str, Rule] = {
    "aten::_convolution.default": _convolution,
    "aten::_convolution_mode.default": _convolution_mode,
    # Python operators the tracer records by their dunder names; export's pre-dispatch
    # tracing decomposes these CompositeImplicitAutograd aliases.
    "aten::__and__.Tensor": retarget("aten::bitwise_and.Tensor"),
    "aten::__or__.Tensor": retarget("aten::bitwise_or.Tensor"),
    "aten::__xor__.Tensor": retarget("aten::bitwise_xor.Tensor"),
    "aten::swapaxes.default": retarget("aten::transpose.int", rename={"dim0": "axis0",
                                                                       "dim1": "axis1"}),
    "aten::frobenius_norm.dim": lambda ctx, n: ctx.make(
        "aten::linalg_vector_norm.default", {"self": n.args["self"], "ord": 2,
                                             "dim": n.args["dim"],
                                             "keepdim": n.args.get("keepdim", False)},
        n.outputs, n),
    "aten::_scaled_dot_product_attention.default": _sdpa,
    "aten::std.dim": _std_var_dim("aten::std.correction"),
    "aten::var.dim": _std_var_dim("aten::var.correction"),
}

RULES = {"core": CORE_RULES, "training": TRAINING_RULES}


def _substitute(x, aliases: Dict[int, Value]):
    if isinstance(x, Value):
        while id(x) in aliases:
            x = aliases[id(x)]
        return x
    if isinstance(x, list):
        return [_substitute(e, aliases) for e in x]
    return x


def rewrite(prog: Program, table: schemas.SchemaTable) -> Program:
    """Rewrite every node of `prog` in place; raise RewriteError naming missing schemas."""
    ctx = Context(table)
    rules = RULES[prog.ir]
    nodes: List[Node] = []
    for node in prog.nodes:
        nodes.extend(rules.get(node.key, same)(ctx, node))
    if ctx.missing:
        raise RewriteError("operators missing from %s: %s"
                           % (table.path, ", ".join(sorted(set(ctx.missing)))), ctx.missing)
    for node in nodes:
        node.args = {k: _substitute(v, ctx.aliases) for k, v in node.args.items()}
    prog.outputs = [_substitute(v, ctx.aliases) for v in prog.outputs]
    prog.nodes = nodes
    return prog
