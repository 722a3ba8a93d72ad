#!/usr/bin/env python3
"""Serialize a graph_ir.Program to torch.export's JSON schema (FORMATS.md §1.4).

This mirrors torch/_export/serde/serialize.py (GraphModuleSerializer) for what Kiln's
fixtures need: single-key unions, enums as ints, serializer dtype numbering, fields whose
default is None left out when None, arguments typed by their schema and omitted the way
`__torch_dispatch__` hands them to the tracer (trailing positional arguments equal to
their default and keyword-only arguments equal to their default are dropped).

`FLAVOURS` holds the JSON of each torch version that pt2_writer.LAYOUTS can write:

    2.9         schema 8.17, node names, `guards_code`, NamedArgument.kind (the default)
    2.8         schema 8.8: no node names, no `guards_code`
    legacy      torch 2.5 (flat zip of 2.3-2.7): schema 7.3, no NamedArgument.kind, no
                sym_float_values / treespec_namedtuple_fields, None as `{"as_none": []}`,
                tensor_values storage_offset hard-coded 0 (serialize_sym_int(0), "TODO")
    legacy-2.2  torch 2.2: schema_version a bare int 2, `dialect` "ATEN", every union with
                all its members (null for the unused ones, member order of the real 2.2 file),
                bare-int storage_offset, Device.index null, AOT placeholder names `arg<i>_1` /
                `l_<input>_`, root-only module_call_graph, nn_module_stack from `L__self__`
                with `source_fn_stack`, buffer specs without `persistent`, requires_grad
                false in every tensor_values entry (as in that file)
"""

import contextlib
import json
import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Flavour:
    """What one torch version's serializer writes (field sets, union style, naming)."""

    name: str
    schema_version: Any  # (major, minor), or a bare int (torch <= 2.2)
    torch_version: Optional[str]  # ExportedProgram.torch_version; None: no such field
    verifiers: bool = True  # `verifiers: [..]`; False: `dialect: "ATEN"` (torch <= 2.4)
    node_names: bool = True  # Node.name
    argument_kind: bool = True  # NamedArgument.kind
    guards_code: bool = True
    sym_float_values: bool = True
    custom_obj_values: bool = True
    gm_metadata: bool = True  # GraphModule.metadata
    treespec_namedtuple_fields: bool = True
    forward_arg_names: bool = True
    none_payload: Any = True  # `as_none` payload: True (bool field) or [] (Tuple[()] field)
    real_storage_offset: bool = True  # tensor_values: the value's offset, else always 0
    full_unions: bool = False  # every union member listed, null for the unused ones
    aot_placeholder_names: bool = False  # arg0_1, ..., l_<input>_ (torch <= 2.3)
    root_only_module_call_graph: bool = False
    buffer_persistent: bool = True
    metadata_2_2: bool = False  # nn_module_stack from L__self__ + source_fn_stack
    requires_grad: bool = True  # False: every tensor_values entry says requires_grad false

    @property
    def schema_version_text(self) -> str:
        """The `version` record of the flat zip: ".".join(map(str, SCHEMA_VERSION))."""
        v = self.schema_version
        return ".".join(map(str, v)) if isinstance(v, tuple) else str(v)


FLAVOURS: Dict[str, Flavour] = {
    "2.9": Flavour("2.9", SCHEMA_VERSION, TORCH_VERSION),
    # (8, 8): ROCm/pytorch's merge of release 2.8.0 into 2.7.1 (version.txt conflict) has
    # SCHEMA_VERSION (8, 7) on the 2.7.1 side and (8, 8) on the 2.8.0 side; that schema.py's
    # Node has no `name` and ExportedProgram no `guards_code`.
    "2.8": Flavour("2.8", (8, 8), "2.8.0", node_names=False, guards_code=False),
    # torch 2.5 (Oct 2024): after (5, 3) (`dialect`, single-key unions since PR #121263) and
    # before (8, 1) (Nov 2024, PR #139697), whose schema already has `verifiers` and
    # `torch_version` (default "<=2.4", so the field is 2.5's) and still `as_none: Tuple[()]`
    # and no ArgumentKind / SymFloat / NamedTupleDef. 7.3 is inferred, not read in source.
    "legacy": Flavour("legacy", (7, 3), "2.5.1", node_names=False, argument_kind=False,
                      guards_code=False, sym_float_values=False,
                      treespec_namedtuple_fields=False, none_payload=[],
                      real_storage_offset=False),
    # torch 2.2, as KladovValentin/hades-pid:exported_program.pt2 (FORMATS.md §1.4, §4).
    "legacy-2.2": Flavour("legacy-2.2", 2, None, verifiers=False, node_names=False,
                          argument_kind=False, guards_code=False, sym_float_values=False,
                          custom_obj_values=False, gm_metadata=False,
                          treespec_namedtuple_fields=False, forward_arg_names=False,
                          none_payload=[], real_storage_offset=False, full_unions=True,
                          aot_placeholder_names=True, root_only_module_call_graph=True,
                          buffer_persistent=False, metadata_2_2=True, requires_grad=False),
}

# torch 2.2's union members, in the order of the real 2.2 file (hades-pid) where it has
# them; OptionalTensorArgument / SymIntArgument / SymBoolArgument in schema.py order.
UNION_MEMBERS_2_2 = {
    "Argument": ["as_none", "as_tensor", "as_tensors", "as_int", "as_ints", "as_float",
                 "as_floats", "as_string", "as_strings", "as_sym_int", "as_sym_ints",
                 "as_scalar_type", "as_memory_format", "as_layout", "as_device", "as_bool",
                 "as_bools", "as_sym_bool", "as_sym_bools", "as_graph", "as_optional_tensors",
                 "as_custom_obj"],
    "InputSpec": ["user_input", "parameter", "buffer", "tensor_constant"],
    "OutputSpec": ["user_output", "loss_output", "buffer_mutation", "gradient_to_parameter",
                   "gradient_to_user_input"],
    "SymInt": ["as_expr", "as_int"],
    "OptionalTensorArgument": ["as_tensor", "as_none"],
    "SymIntArgument": ["as_name", "as_int"],
    "SymBoolArgument": ["as_name", "as_bool"],
}


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


def device_json(device, fl: Flavour = FLAVOURS["2.9"]) -> Dict[str, Any]:
    d = torch.device(device)
    out: Dict[str, Any] = {"type": d.type}
    if d.index is not None or fl.full_unions:  # torch 2.2 wrote every field, None as null
        out["index"] = d.index
    return out


def tensor_meta(meta: TensorMeta, fl: Flavour = FLAVOURS["2.9"]) -> Dict[str, Any]:
    offset = meta.storage_offset if fl.real_storage_offset else 0
    return {
        "dtype": SCALAR_TYPE[meta.dtype],
        "sizes": [sym_int(s) for s in meta.sizes],
        "requires_grad": bool(meta.requires_grad) and fl.requires_grad,
        "device": device_json(meta.device, fl),
        "strides": [sym_int(s) for s in meta.strides],
        # torch 2.1/2.2: a bare int; later a SymInt
        "storage_offset": int(offset) if fl.full_unions else sym_int(offset),
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


def argument(typ: Type, v: Any, fl: Flavour = FLAVOURS["2.9"]) -> Dict[str, Any]:
    """One `Argument` union value, chosen by the schema type (and Python type for Scalar)."""
    if v is None:
        if not typ.optional:
            raise SerializeError("None for non-optional %s" % typ)
        return {"as_none": fl.none_payload}
    base = typ.base
    if typ.is_list:
        v = list(v)
        if base == "Tensor":
            if typ.elem_optional:
                return {"as_optional_tensors": [
                    {"as_none": fl.none_payload} if e is None else {"as_tensor": _tensor_name(e)}
                    for e in v]}
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
        if type(v) in (bool, int, float):
            # A Python number for a Tensor argument (`aten.add.Tensor(x, 1)`): torch's
            # serialize_input types it by its Python type, bools first.
            return _scalar(v)
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
        return {"as_device": device_json(v, fl)}
    raise SerializeError("unsupported argument type %s" % typ)


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, Value) or isinstance(b, Value):
        return a is b
    return type(a) is type(b) and a == b


def _is_default(arg: Argument, v) -> bool:
    return arg.has_default and _same(v, default_to_torch(arg.default))


def node_inputs(schema: Schema, args: Dict[str, Any],
                fl: Flavour = FLAVOURS["2.9"]) -> List[Dict[str, Any]]:
    def named(a, kind):
        out = {"name": a.name, "arg": argument(a.type, args[a.name], fl)}
        if fl.argument_kind:
            out["kind"] = kind
        return out

    positional = [a for a in schema.arguments if not a.kwarg_only]
    keep = len(positional)
    while keep > 0 and _is_default(positional[keep - 1], args[positional[keep - 1].name]):
        keep -= 1
    out = []
    for a in positional[:keep]:
        out.append(named(a, ARG_POSITIONAL))
    for a in schema.arguments:
        if a.kwarg_only and not _is_default(a, args[a.name]):
            out.append(named(a, ARG_KEYWORD))
    return out


def node_outputs(node: Node, fl: Flavour = FLAVOURS["2.9"]) -> List[Dict[str, Any]]:
    outs = []
    for ret, v in zip(node.schema.returns, node.outputs):
        if ret.type.is_list:
            outs.append({"as_tensors": [_tensor_name(e) for e in v]})
        elif v is None:
            outs.append({"as_none": fl.none_payload})
        else:
            outs.append({"as_tensor": _tensor_name(v)})
    return outs


def node_metadata(node: Node, fl: Flavour = FLAVOURS["2.9"],
                  root_type: str = "") -> Dict[str, str]:
    meta: Dict[str, str] = {}
    stack = node.meta.get("module_stack") or []
    if fl.metadata_2_2:
        # torch 2.2 (dynamo): the root first ("L__self__,,<type>"), and the innermost
        # module call as source_fn_stack ("l__self___<fqn>,<type>").
        frames = ["L__self__,,%s" % root_type]
        frames += ["L__self___%s,%s,%s" % (fqn.replace(".", "_"), fqn, ty) for fqn, ty in stack]
        meta["nn_module_stack"] = ";".join(frames)
        if stack:
            fqn, ty = stack[-1]
            meta["source_fn_stack"] = "l__self___%s,%s" % (fqn.replace(".", "_"), ty)
        return meta
    if stack:
        # "key,path,type" per module, ';'-separated (serialize_metadata's nn_module_stack).
        meta["nn_module_stack"] = ";".join(
            "L__self___%s,%s,%s" % (fqn.replace(".", "_"), fqn, ty) for fqn, ty in stack)
    return meta


def node_json(node: Node, fl: Flavour = FLAVOURS["2.9"], root_type: str = "") -> Dict[str, Any]:
    out = {
        "target": node.schema.target,
        "inputs": node_inputs(node.schema, node.args, fl),
        "outputs": node_outputs(node, fl),
        "metadata": node_metadata(node, fl, root_type),
    }
    if fl.node_names:
        out["name"] = node.name
    return out


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


def _input_spec(spec, fl: Flavour = FLAVOURS["2.9"]) -> Dict[str, Any]:
    name = spec.value.name
    if spec.kind == "parameter":
        return {"parameter": {"arg": {"name": name}, "parameter_name": spec.target}}
    if spec.kind == "buffer":
        buf = {"arg": {"name": name}, "buffer_name": spec.target}
        if fl.buffer_persistent:
            buf["persistent"] = bool(spec.persistent)
        return {"buffer": buf}
    if spec.kind == "tensor_constant":
        return {"tensor_constant": {"arg": {"name": name}, "tensor_constant_name": spec.target}}
    if spec.kind == "user_input":
        return {"user_input": {"arg": {"as_tensor": {"name": name}}}}
    raise SerializeError("unknown input kind %s" % spec.kind)


def graph_json(prog: Program, fl: Flavour = FLAVOURS["2.9"]) -> Dict[str, Any]:
    tensor_values: Dict[str, Any] = {}

    def define(v: Value):
        if v.name in tensor_values:
            raise SerializeError("value %s defined twice" % v.name)
        if v.meta is None:
            raise SerializeError("value %s has no tensor meta" % v.name)
        tensor_values[v.name] = tensor_meta(v.meta, fl)

    root_type = prog.module_hierarchy[0][1] if prog.module_hierarchy else ""
    inputs = []
    for spec in prog.input_specs:
        define(spec.value)
        inputs.append({"as_tensor": {"name": spec.value.name}})
    nodes = []
    for node in prog.nodes:
        for v in node.output_values():
            define(v)
        nodes.append(node_json(node, fl, root_type))
    graph = {
        "inputs": inputs,
        "outputs": [{"as_tensor": {"name": v.name}} for v in prog.outputs],
        "nodes": nodes,
        "tensor_values": tensor_values,
        "sym_int_values": {},
        "sym_bool_values": {},
        "is_single_tensor_return": False,
    }
    if fl.custom_obj_values:
        graph["custom_obj_values"] = {}
    if fl.sym_float_values:
        graph["sym_float_values"] = {}
    return graph


@contextlib.contextmanager
def _aot_placeholder_names(prog: Program, enabled: bool):
    """torch <= 2.3 placeholder names: arg<i>_1 for lifted inputs, l_<arg>_ for user inputs."""
    if not enabled:
        yield
        return
    saved = [(s.value, s.value.name) for s in prog.input_specs]
    try:
        lifted = 0
        for s in prog.input_specs:
            if s.kind == "user_input":
                s.value.name = "l_%s_" % s.target
            else:
                s.value.name = "arg%d_1" % lifted
                lifted += 1
        yield
    finally:
        for v, name in saved:
            v.name = name


def exported_program_json(prog: Program, flavour: str = "2.9") -> Dict[str, Any]:
    fl = FLAVOURS[flavour]
    with _aot_placeholder_names(prog, fl.aot_placeholder_names):
        return _exported_program_json(prog, fl)


def _exported_program_json(prog: Program, fl: Flavour) -> Dict[str, Any]:
    root_signature = {
        "inputs": [],
        "outputs": [],
        "in_spec": in_spec(len(prog.forward_arg_names)),
        "out_spec": out_spec(len(prog.outputs), prog.out_is_tuple),
    }
    if fl.forward_arg_names:
        root_signature["forward_arg_names"] = list(prog.forward_arg_names)
    # torch.export lists every submodule (named_modules order); only the root has a
    # signature unless preserve_module_call_signature asks for more. torch 2.2 listed
    # only the root.
    module_call_graph = [{"fqn": "", "signature": root_signature}]
    if not fl.root_only_module_call_graph:
        module_call_graph += [{"fqn": fqn} for fqn, _ in prog.module_hierarchy if fqn]
    graph_module = {
        "graph": graph_json(prog, fl),
        "signature": {
            "input_specs": [_input_spec(s, fl) for s in prog.input_specs],
            "output_specs": [{"user_output": {"arg": {"as_tensor": {"name": v.name}}}}
                             for v in prog.outputs],
        },
        "module_call_graph": module_call_graph,
    }
    if fl.gm_metadata:
        graph_module["metadata"] = {}
    if fl.treespec_namedtuple_fields:
        graph_module["treespec_namedtuple_fields"] = {}
    ep: Dict[str, Any] = {
        "graph_module": graph_module,
        "opset_version": dict(OPSET_VERSION),
        "range_constraints": {},
    }
    if isinstance(fl.schema_version, tuple):
        ep["schema_version"] = {"major": fl.schema_version[0], "minor": fl.schema_version[1]}
    else:
        ep["schema_version"] = fl.schema_version
    if fl.verifiers:
        ep["verifiers"] = list(VERIFIERS[prog.ir])
    else:
        ep["dialect"] = "ATEN"  # torch <= 2.4 had one dialect string; 2.2 wrote "ATEN"
    if fl.torch_version is not None:
        ep["torch_version"] = fl.torch_version
    if fl.guards_code:
        ep["guards_code"] = []
    if fl.full_unions:
        _expand_unions_2_2(ep)
    return ep


# ----------------------------------------------------------------------------------------
# torch 2.2's unions: every member, null for the unused ones


def _full_union(kind: str, value: Dict[str, Any]) -> Dict[str, Any]:
    (key, payload), = value.items()
    members = UNION_MEMBERS_2_2[kind]
    if key not in members:
        raise SerializeError("%s member %s did not exist in torch 2.2" % (kind, key))
    return {m: (payload if m == key else None) for m in members}


def _full_argument(arg: Dict[str, Any]) -> Dict[str, Any]:
    (key, payload), = arg.items()
    if key == "as_optional_tensors":
        payload = [_full_union("OptionalTensorArgument", e) for e in payload]
    elif key == "as_sym_int":
        payload = _full_union("SymIntArgument", payload)
    elif key == "as_sym_ints":
        payload = [_full_union("SymIntArgument", e) for e in payload]
    elif key == "as_sym_bool":
        payload = _full_union("SymBoolArgument", payload)
    elif key == "as_sym_bools":
        payload = [_full_union("SymBoolArgument", e) for e in payload]
    return _full_union("Argument", {key: payload})


def _expand_unions_2_2(ep: Dict[str, Any]) -> None:
    gm = ep["graph_module"]
    graph = gm["graph"]
    graph["inputs"] = [_full_argument(a) for a in graph["inputs"]]
    graph["outputs"] = [_full_argument(a) for a in graph["outputs"]]
    for node in graph["nodes"]:
        for named in node["inputs"]:
            named["arg"] = _full_argument(named["arg"])
        node["outputs"] = [_full_argument(a) for a in node["outputs"]]
    for meta in graph["tensor_values"].values():
        meta["sizes"] = [_full_union("SymInt", s) for s in meta["sizes"]]
        meta["strides"] = [_full_union("SymInt", s) for s in meta["strides"]]
    specs = []
    for spec in gm["signature"]["input_specs"]:
        if "user_input" in spec:
            spec = {"user_input": {"arg": _full_argument(spec["user_input"]["arg"])}}
        specs.append(_full_union("InputSpec", spec))
    gm["signature"]["input_specs"] = specs
    specs = []
    for spec in gm["signature"]["output_specs"]:
        if "user_output" in spec:
            spec = {"user_output": {"arg": _full_argument(spec["user_output"]["arg"])}}
        specs.append(_full_union("OutputSpec", spec))
    gm["signature"]["output_specs"] = specs
    for entry in gm["module_call_graph"]:
        sig = entry.get("signature")
        if sig:
            sig["inputs"] = [_full_argument(a) for a in sig["inputs"]]
            sig["outputs"] = [_full_argument(a) for a in sig["outputs"]]


def to_json_bytes(obj: Any) -> bytes:
    """torch's _to_json_bytes: json.dumps with allow_nan=False, UTF-8."""
    return json.dumps(obj, allow_nan=False).encode("utf-8")
