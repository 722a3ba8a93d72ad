#!/usr/bin/env python3
"""Serialize a graph_ir.Program to torch.export's JSON schema (FORMATS.md §1.4).

This mirrors torch/_export/serde/serialize.py (GraphModuleSerializer) for what Kiln's
fixtures need: single-key unions, enums as ints, serializer dtype numbering, fields whose
default is None left out when None, arguments typed by their schema and omitted the way
`__torch_dispatch__` hands them to the tracer (trailing positional arguments equal to
their default and keyword-only arguments equal to their default are dropped).
"""

import json
import math
from typing import Any, Dict, List, Optional

import torch

from graph_ir import Node, Program, TensorMeta, Value
from schemas import Argument, Schema, Type
from torch_enums import (ARG_KEYWORD, ARG_POSITIONAL, LAYOUT, MEMORY_FORMAT, SCALAR_TYPE,
                         default_to_torch)

SCHEMA_VERSION = (8, 17)
TREESPEC_VERSION = 1
OPSET_VERSION = {"aten": 10}
TORCH_VERSION = "2.9.0"
VERIFIERS = {"training": ["TRAINING"], "core": ["ATEN"]}


class SerializeError(Exception):
    pass


def _float(x: float):
    if x == math.inf:
        return "Infinity"
    if x == -math.inf:
        return "-Infinity"
    if x != x:
        return "NaN"
    return x


def sym_int(n: int) -> Dict[str, int]:
    return {"as_int": int(n)}


def device_json(device) -> Dict[str, Any]:
    d = torch.device(device)
    out: Dict[str, Any] = {"type": d.type}
    if d.index is not None:
        out["index"] = d.index
    return out


def tensor_meta(meta: TensorMeta) -> Dict[str, Any]:
    return {
        "dtype": SCALAR_TYPE[meta.dtype],
        "sizes": [sym_int(s) for s in meta.sizes],
        "requires_grad": bool(meta.requires_grad),
        "device": device_json(meta.device),
        "strides": [sym_int(s) for s in meta.strides],
        "storage_offset": sym_int(meta.storage_offset),
        "layout": LAYOUT[torch.strided],
    }


def tensor_meta_of(t: torch.Tensor) -> Dict[str, Any]:
    return tensor_meta(TensorMeta(t.dtype, tuple(t.shape), tuple(t.stride()),
                                  t.storage_offset(), t.requires_grad, str(t.device)))


# ----------------------------------------------------------------------------------------
# Arguments


def _tensor_name(v) -> Dict[str, str]:
    if not isinstance(v, Value):
        raise SerializeError("expected a graph value, got %r" % (v,))
    return {"name": v.name}


def _scalar(v) -> Dict[str, Any]:
    if type(v) is bool:
        return {"as_bool": v}
    if type(v) is int:
        return {"as_int": v}
    if type(v) is float:
        return {"as_float": _float(v)}
    raise SerializeError("unsupported Scalar %r" % (v,))


def argument(typ: Type, v: Any) -> Dict[str, Any]:
    """One `Argument` union value, chosen by the schema type (and Python type for Scalar)."""
    if v is None:
        if not typ.optional:
            raise SerializeError("None for non-optional %s" % typ)
        return {"as_none": True}
    base = typ.base
    if typ.is_list:
        v = list(v)
        if base == "Tensor":
            if typ.elem_optional:
                return {"as_optional_tensors": [
                    {"as_none": True} if e is None else {"as_tensor": _tensor_name(e)} for e in v]}
            return {"as_tensors": [_tensor_name(e) for e in v]}
        if base in ("int", "SymInt"):
            return {"as_ints": [int(e) for e in v]}
        if base == "float":
            return {"as_floats": [_float(float(e)) for e in v]}
        if base == "bool":
            return {"as_bools": [bool(e) for e in v]}
        if base == "str":
            return {"as_strings": [str(e) for e in v]}
        if base == "Scalar":
            return {"as_floats": [_float(float(e)) for e in v]}
        raise SerializeError("unsupported list type %s" % typ)
    if base == "Tensor":
        return {"as_tensor": _tensor_name(v)}
    if base in ("int", "SymInt"):
        if type(v) is bool:
            raise SerializeError("bool given for %s" % typ)
        return {"as_int": int(v)}
    if base == "float":
        return {"as_float": _float(float(v))}
    if base == "bool":
        return {"as_bool": bool(v)}
    if base == "str":
        return {"as_string": str(v)}
    if base == "Scalar":
        return _scalar(v)
    if base == "ScalarType":
        return {"as_scalar_type": SCALAR_TYPE[v]}
    if base == "MemoryFormat":
        return {"as_memory_format": MEMORY_FORMAT[v]}
    if base == "Layout":
        return {"as_layout": LAYOUT[v]}
    if base == "Device":
        return {"as_device": device_json(v)}
    raise SerializeError("unsupported argument type %s" % typ)


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, Value) or isinstance(b, Value):
        return a is b
    return type(a) is type(b) and a == b


def _is_default(arg: Argument, v) -> bool:
    return arg.has_default and _same(v, default_to_torch(arg.default))


def node_inputs(schema: Schema, args: Dict[str, Any]) -> List[Dict[str, Any]]:
    positional = [a for a in schema.arguments if not a.kwarg_only]
    keep = len(positional)
    while keep > 0 and _is_default(positional[keep - 1], args[positional[keep - 1].name]):
        keep -= 1
    out = []
    for a in positional[:keep]:
        out.append({"name": a.name, "arg": argument(a.type, args[a.name]), "kind": ARG_POSITIONAL})
    for a in schema.arguments:
        if a.kwarg_only and not _is_default(a, args[a.name]):
            out.append({"name": a.name, "arg": argument(a.type, args[a.name]), "kind": ARG_KEYWORD})
    return out


def node_outputs(node: Node) -> List[Dict[str, Any]]:
    outs = []
    for ret, v in zip(node.schema.returns, node.outputs):
        if ret.type.is_list:
            outs.append({"as_tensors": [_tensor_name(e) for e in v]})
        elif v is None:
            outs.append({"as_none": True})
        else:
            outs.append({"as_tensor": _tensor_name(v)})
    return outs


def node_metadata(node: Node) -> Dict[str, str]:
    meta: Dict[str, str] = {}
    stack = node.meta.get("module_stack") or []
    if stack:
        # "key,path,type" per module, ';'-separated (serialize_metadata's nn_module_stack).
        meta["nn_module_stack"] = ";".join(
            "L__self___%s,%s,%s" % (fqn.replace(".", "_"), fqn, ty) for fqn, ty in stack)
    return meta


def node_json(node: Node) -> Dict[str, Any]:
    return {
        "target": node.schema.target,
        "inputs": node_inputs(node.schema, node.args),
        "outputs": node_outputs(node),
        "metadata": node_metadata(node),
        "name": node.name,
    }


# ----------------------------------------------------------------------------------------
# Program


def _leaf():
    return {"type": None, "context": None, "children_spec": []}


def _tuple_spec(children):
    return {"type": "builtins.tuple", "context": "null", "children_spec": children}


def treespec_dumps(spec) -> str:
    """torch.utils._pytree.treespec_dumps(spec, protocol=1)."""
    return json.dumps([TREESPEC_VERSION, spec])


def in_spec(n_args: int) -> str:
    # (args, kwargs) with args a tuple of tensors and no kwargs.
    return treespec_dumps(_tuple_spec([
        _tuple_spec([_leaf() for _ in range(n_args)]),
        {"type": "builtins.dict", "context": "[]", "children_spec": []},
    ]))


def out_spec(n_outputs: int, is_tuple: bool) -> str:
    if not is_tuple:
        return treespec_dumps(_leaf())
    return treespec_dumps(_tuple_spec([_leaf() for _ in range(n_outputs)]))


def _input_spec(spec) -> Dict[str, Any]:
    name = spec.value.name
    if spec.kind == "parameter":
        return {"parameter": {"arg": {"name": name}, "parameter_name": spec.target}}
    if spec.kind == "buffer":
        return {"buffer": {"arg": {"name": name}, "buffer_name": spec.target,
                           "persistent": bool(spec.persistent)}}
    if spec.kind == "tensor_constant":
        return {"tensor_constant": {"arg": {"name": name}, "tensor_constant_name": spec.target}}
    if spec.kind == "user_input":
        return {"user_input": {"arg": {"as_tensor": {"name": name}}}}
    raise SerializeError("unknown input kind %s" % spec.kind)


def graph_json(prog: Program) -> Dict[str, Any]:
    tensor_values: Dict[str, Any] = {}

    def define(v: Value):
        if v.name in tensor_values:
            raise SerializeError("value %s defined twice" % v.name)
        if v.meta is None:
            raise SerializeError("value %s has no tensor meta" % v.name)
        tensor_values[v.name] = tensor_meta(v.meta)

    inputs = []
    for spec in prog.input_specs:
        define(spec.value)
        inputs.append({"as_tensor": {"name": spec.value.name}})
    nodes = []
    for node in prog.nodes:
        for v in node.output_values():
            define(v)
        nodes.append(node_json(node))
    return {
        "inputs": inputs,
        "outputs": [{"as_tensor": {"name": v.name}} for v in prog.outputs],
        "nodes": nodes,
        "tensor_values": tensor_values,
        "sym_int_values": {},
        "sym_bool_values": {},
        "is_single_tensor_return": False,
        "custom_obj_values": {},
        "sym_float_values": {},
    }


def exported_program_json(prog: Program) -> Dict[str, Any]:
    root_signature = {
        "inputs": [],
        "outputs": [],
        "in_spec": in_spec(len(prog.forward_arg_names)),
        "out_spec": out_spec(len(prog.outputs), prog.out_is_tuple),
        "forward_arg_names": list(prog.forward_arg_names),
    }
    # torch.export lists every submodule (named_modules order); only the root has a
    # signature unless preserve_module_call_signature asks for more.
    module_call_graph = [{"fqn": "", "signature": root_signature}]
    module_call_graph += [{"fqn": fqn} for fqn, _ in prog.module_hierarchy if fqn]
    return {
        "graph_module": {
            "graph": graph_json(prog),
            "signature": {
                "input_specs": [_input_spec(s) for s in prog.input_specs],
                "output_specs": [{"user_output": {"arg": {"as_tensor": {"name": v.name}}}}
                                 for v in prog.outputs],
            },
            "module_call_graph": module_call_graph,
            "metadata": {},
            "treespec_namedtuple_fields": {},
        },
        "opset_version": dict(OPSET_VERSION),
        "range_constraints": {},
        "schema_version": {"major": SCHEMA_VERSION[0], "minor": SCHEMA_VERSION[1]},
        "verifiers": list(VERIFIERS[prog.ir]),
        "torch_version": TORCH_VERSION,
        "guards_code": [],
    }


def to_json_bytes(obj: Any) -> bytes:
    """torch's _to_json_bytes: json.dumps with allow_nan=False, UTF-8."""
    return json.dumps(obj, allow_nan=False).encode("utf-8")
