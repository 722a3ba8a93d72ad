#!/usr/bin/env python3
"""The in-memory graph that sits between capture, op rewriting and serialization.

A `Program` is what torch.export's ExportedProgram holds, reduced to what the `.pt2`
writer needs: lifted inputs (parameters, buffers, constants, user inputs), a list of
`Node`s in execution order, and the user outputs. Every node carries the schema of its
operator and a *complete* argument dict (every schema argument, defaults included), so
that omitting default arguments is a serialization decision made in one place.

Capture produces nodes whose schemas are torch 1.13's (parsed from the live op's
`_schema`); rewrite.py turns them into nodes whose schemas come from the torch >= 2.9
table. Naming (`assign_names`) follows FX's rules so that node and value names match what
torch.export would print.
"""

import builtins
import keyword
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from schemas import Schema


class Value:
    """A tensor value of the graph. `meta` is filled by shape propagation."""

    __slots__ = ("name", "meta", "debug")

    def __init__(self, debug: str = ""):
        self.name: Optional[str] = None
        self.meta: Optional["TensorMeta"] = None
        self.debug = debug

    def __repr__(self) -> str:
        return "%%%s" % (self.name or ("<%s@%x>" % (self.debug, id(self) & 0xFFFF)))


@dataclass
class TensorMeta:
    dtype: Any  # torch.dtype
    sizes: Tuple[int, ...]
    strides: Tuple[int, ...]
    storage_offset: int
    requires_grad: bool
    device: str = "cpu"


@dataclass
class Node:
    schema: Schema
    args: Dict[str, Any]  # schema argument name -> value (Value, list of Values, python value)
    outputs: List[Any]  # one entry per schema return: Value, list of Values (Tensor[]), or None
    meta: Dict[str, Any] = field(default_factory=dict)
    name: Optional[str] = None

    @property
    def key(self) -> str:
        return self.schema.key

    def input_values(self) -> List[Value]:
        return list(_iter_values(list(self.args.values())))

    def output_values(self) -> List[Value]:
        return list(_iter_values(self.outputs))

    def __repr__(self) -> str:
        args = ", ".join("%s=%r" % kv for kv in self.args.items())
        return "%r = %s(%s)" % (self.outputs, self.key, args)


def _iter_values(x):
    if isinstance(x, Value):
        yield x
    elif isinstance(x, (list, tuple)):
        for e in x:
            yield from _iter_values(e)


@dataclass
class InputSpec:
    kind: str  # "parameter" | "buffer" | "tensor_constant" | "user_input"
    value: Value
    target: Optional[str] = None  # FQN for parameters/buffers/constants, arg name for user inputs
    persistent: Optional[bool] = None  # buffers only


@dataclass
class Program:
    ir: str  # "training" | "core"
    input_specs: List[InputSpec]
    nodes: List[Node]
    outputs: List[Value]
    state_dict: Dict[str, Any]  # FQN -> tensor (parameters as nn.Parameter, persistent buffers)
    constants: Dict[str, Any]  # FQN -> tensor (non-persistent buffers, lifted constants)
    example_inputs: Tuple[Any, ...]
    forward_arg_names: List[str]
    module_hierarchy: List[Tuple[str, str]]  # (fqn, qualified type name), root first
    out_is_tuple: bool = False  # forward() returns a tuple (else a single tensor)

    def used_values(self) -> set:
        used = set(id(v) for v in self.outputs)
        for n in self.nodes:
            used.update(id(v) for v in n.input_values())
        return used


# ----------------------------------------------------------------------------------------
# Dead code elimination


def is_mutating(schema: Schema) -> bool:
    return any(a.type.mutable for a in schema.arguments)


def eliminate_dead_code(prog: Program) -> int:
    """Drop nodes none of whose outputs is used (in-place ops are kept). Returns count."""
    removed = 0
    while True:
        used = prog.used_values()
        keep = [n for n in prog.nodes
                if is_mutating(n.schema) or any(id(v) in used for v in n.output_values())]
        if len(keep) == len(prog.nodes):
            return removed
        removed += len(prog.nodes) - len(keep)
        prog.nodes = keep


# ----------------------------------------------------------------------------------------
# Naming, following torch.fx.graph._Namespace and torch.export's placeholder naming.

_ILLEGAL_CHAR = re.compile("[^0-9a-zA-Z_]+")
_NAME_SUFFIX = re.compile(r"(.*)_(\d+)$")


def _snake_case(s: str) -> str:
    # torch.fx.graph._snake_case: insert `_` before an upper-case letter that follows a
    # lower-case one, then lower-case everything.
    chars, prev_lower = [], False
    for c in s:
        if c.isupper() and prev_lower:
            chars.append("_")
        chars.append(c.lower())
        prev_lower = c.islower()
    return "".join(chars)


class FxNamespace:
    """torch.fx.graph._Namespace.create_name, without object association."""

    def __init__(self):
        self._used = set()
        self._base_count = defaultdict(int)

    def reserve(self, name: str) -> str:
        self._used.add(name)
        return name

    def _illegal(self, name: str) -> bool:
        if name in keyword.kwlist:
            return True
        if name in builtins.__dict__:
            return True
        # torch.fx.graph._custom_builtins
        return name in ("inf", "nan", "NoneType", "torch", "device", "fx_pytree", "pytree")

    def create_name(self, candidate: str) -> str:
        candidate = _ILLEGAL_CHAR.sub("_", candidate)
        if not candidate:
            candidate = "_unnamed"
        if candidate[0].isdigit():
            candidate = "_" + candidate
        m = _NAME_SUFFIX.match(candidate)
        if m is None:
            base, num = candidate, None
        else:
            base, num = m.group(1), int(m.group(2))
        candidate = base if num is None else "%s_%d" % (base, num)
        if not num:
            num = self._base_count[base]
        while candidate in self._used or self._illegal(candidate):
            num += 1
            candidate = "%s_%d" % (base, num)
        self._used.add(candidate)
        self._base_count[base] = num
        return candidate


def placeholder_name(spec: InputSpec) -> str:
    """torch.export's placeholder naming: p_/b_/c_ + FQN with dots replaced."""
    prefix = {"parameter": "p_", "buffer": "b_", "tensor_constant": "c_", "user_input": ""}[spec.kind]
    base = spec.target if spec.target is not None else "arg"
    return prefix + _ILLEGAL_CHAR.sub("_", base.replace(".", "_"))


def assign_names(prog: Program) -> None:
    """Name placeholders, nodes and every value as torch.export would.

    A node is named after its operator's overload packet (`conv2d`, `relu_`,
    `_native_batch_norm_legit_no_training`), deduplicated with `_1`, `_2`, ... Tracing
    creates one `getitem` per element of a multi-output result right after the node, so
    those names are allocated even for elements nobody uses; the serializer then calls an
    unused element `<node>_unused_<i>`.
    """
    ns = FxNamespace()
    for spec in prog.input_specs:
        spec.value.name = ns.create_name(placeholder_name(spec))
    used = prog.used_values()
    for node in prog.nodes:
        node.name = ns.create_name(_snake_case(node.schema.name))
        single = len(node.outputs) == 1 and isinstance(node.outputs[0], Value)
        if single:
            node.outputs[0].name = node.name
            continue
        for i, out in enumerate(node.outputs):
            if isinstance(out, Value):
                getitem = ns.create_name("getitem")
                out.name = getitem if id(out) in used else "%s_unused_%d" % (node.name, i)
            elif isinstance(out, list):
                # Tensor[] result: one getitem per element.
                for j, v in enumerate(out):
                    getitem = ns.create_name("getitem")
                    v.name = getitem if id(v) in used else "%s_unused_%d" % (node.name, j)


def format_program(prog: Program) -> str:
    """A human-readable listing, in the spirit of ExportedProgram's print."""
    lines = []
    for s in prog.input_specs:
        meta = s.value.meta
        shape = list(meta.sizes) if meta else "?"
        lines.append("  %-28s %-16s %s %s" % (s.value.name, s.kind, s.target, shape))
    for n in prog.nodes:
        outs = ", ".join(repr(v) for v in n.output_values())
        args = ", ".join("%s=%r" % kv for kv in n.args.items())
        lines.append("  %s = %s(%s)" % (outs, n.key, args))
    lines.append("  return (%s)" % ", ".join(repr(v) for v in prog.outputs))
    return "\n".join(lines)
